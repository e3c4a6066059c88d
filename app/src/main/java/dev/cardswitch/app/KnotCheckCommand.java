package dev.cardswitch.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.CardSwitchException;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.envelope.CardCryptoProvider;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotJweEncrypter;
import dev.cardswitch.knot.KnotJwk;
import dev.cardswitch.knot.KnotJwkCheck;
import dev.cardswitch.knot.client.KnotClient;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.knot.client.KnotClientConfigException;
import dev.cardswitch.knot.client.KnotKeyFetch;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch knot-check [--task-id N]}: for an issuer wiring up its Knot account. Fetches the
 * JWK and says whether it is acceptable and why (each check), builds the JWE of seed 001's sample
 * document, and with {@code --task-id} sends it to {@code POST /card}, printing Knot's answer and the
 * client's classification. Ends with a human summary and one JSON line. Exit status 0 only on
 * success; 1 when a check failed; 2 when the configuration is missing or wrong.
 *
 * <p>Not thread-safe: picocli makes one instance per run.
 */
@Command(
    name = "knot-check",
    mixinStandardHelpOptions = true,
    description = {
      "Check a Knot account: its key, a JWE, and optionally a POST /card.",
      "Fetches the JWK, builds a JWE of Knot's sample card, and with",
      "--task-id send it to POST /card. Talks to Knot's development environment unless",
      "KNOT_BASE_URL (or --knot-base-url) says otherwise; needs KNOT_CLIENT_ID and KNOT_SECRET."
    })
public final class KnotCheckCommand implements Callable<Integer> {

  /** How long the whole check may wait for Knot; beyond the client's own time-outs, a backstop. */
  private static final long WAIT_SECONDS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--task-id", description = "Also send the sample card for this task_id (from an AUTHENTICATED webhook; any number against the sandbox).")
  Long taskId;

  @Option(names = "--knot-base-url", description = "Knot's base URL (environment: KNOT_BASE_URL; default: " + "https://development.knotapi.com" + ").")
  String knotBaseUrl;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  public KnotCheckCommand() {
    this(System.getenv());
  }

  KnotCheckCommand(Map<String, String> env) {
    this.env = env;
  }

  /** Seed 001's sample document, which Knot's development environment accepts. */
  static CardDocument sampleDocument() {
    return CardDocument.builder()
        .firstName("Ada").lastName("Lovelace")
        .street("100 Main Street").street2("#100").city("NEW YORK").region("NY").postalCode("12345").country("US")
        .phoneNumber("+11234567890")
        .number("4242424242424242").expiration("08/2030").cvv("012")
        .build();
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode report = JSON.createObjectNode().put("check", "knot-check");
    Map<String, String> settings = new HashMap<>(env);
    if (knotBaseUrl != null) {
      settings.put(KnotClientConfig.KNOT_BASE_URL, knotBaseUrl);
    }
    KnotClientConfig config;
    try {
      config = KnotClientConfig.fromEnvironment(settings);
    } catch (KnotClientConfigException e) {
      return refused(e, e.setting(), out, report);
    }
    CardCryptoProvider provider;
    try {
      // The JWE is built as the service builds it, by the provider the service would use.
      provider = JwkSetKeyRing.cryptoProviderFromEnvironment(settings);
    } catch (CardSwitchException e) {
      return refused(e, JwkSetKeyRing.CARD_CRYPTO_PROVIDER, out, report);
    }
    report.put("knot_base_url", config.knotBaseUrl().toString());
    report.put("crypto_provider", provider.settingValue());
    out.println("Knot: " + config.knotBaseUrl() + " (client id " + config.knotCredentials().clientId() + ")");
    out.println("card crypto provider: " + provider.description());
    try (KnotClient client = KnotClient.create(config)) {
      String failure = check(client, new KnotJweEncrypter(provider), out, report);
      out.println();
      out.println(failure == null
          ? "knot-check: OK, " + (taskId == null ? "the key is acceptable and the JWE was built (add --task-id N to send it)"
              : "Knot accepted the sample card for task " + taskId)
          : "knot-check: FAILED, " + failure);
      out.println(report.put("ok", failure == null));
      out.flush();
      return failure == null ? 0 : 1;
    }
  }

  /** A setting that cannot be used: its message on standard error, the JSON line, exit status 2. */
  private int refused(CardSwitchException e, String setting, PrintWriter out, ObjectNode report) {
    spec.commandLine().getErr().println("knot-check: " + e.getMessage());
    spec.commandLine().getErr().flush();
    out.println(report.put("ok", false).put("error", e.reason()).put("setting", setting));
    out.flush();
    return 2;
  }

  /** Runs the steps, printing each and filling {@code report}; returns the failure, or null. */
  private String check(KnotClient client, KnotJweEncrypter encrypter, PrintWriter out, ObjectNode report)
      throws InterruptedException {
    KnotKeyFetch fetch;
    try {
      fetch = client.fetchKey().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      report.putObject("key").put("acceptable", false);
      return "GET /jwe/key did not complete: " + e.getClass().getSimpleName();
    }
    ObjectNode key = report.putObject("key").put("http_status", fetch.httpStatus());
    out.println("GET /jwe/key: " + (fetch.httpStatus() == 0 ? "no answer" : "HTTP " + fetch.httpStatus()));
    if (fetch.httpStatus() == 200) {
      List<KnotJwkCheck> checks = KnotJwk.inspect(fetch.body());
      ObjectNode checked = key.putObject("checks");
      for (KnotJwkCheck c : checks) {
        out.println("  " + c);
        checked.put(c.name(), c.passed());
      }
    }
    fetch.error().ifPresent(e -> {
      out.println("  Knot's answer: " + e);
      key.put("error_code", e.errorCode());
    });
    KnotJwk jwk = fetch.acceptedKey().orElse(null);
    key.put("acceptable", jwk != null);
    if (jwk == null) {
      out.println(fetch.httpStatus() == 200 ? "  the key is NOT acceptable: " + fetch.problem() : "  no key: " + fetch.problem());
      return fetch.httpStatus() == 401 ? "Knot refused the credentials: check KNOT_CLIENT_ID and KNOT_SECRET" : fetch.problem();
    }
    key.put("kid", jwk.kid());
    out.println("  the key is acceptable: RSA-" + jwk.modulusBits() + ", kid " + jwk.kid());

    try (CardDocument sample = sampleDocument()) {
      List<Violation> violations = new CardDocumentValidator(Clock.systemUTC()).validate(sample);
      if (!violations.isEmpty()) {
        out.println("sample document (seed 001): " + violations);
        report.put("jwe_built", false);
        return "the sample document no longer passes validation: " + violations;
      }
      byte[] json = sample.toJson();
      String jwe;
      try {
        jwe = encrypter.encrypt(jwk, json);
      } finally {
        Arrays.fill(json, (byte) 0);
      }
      report.put("jwe_built", true);
      out.println("JWE of seed 001's sample card (" + sample.maskedNumber() + ", expiry 08/2030): RSA-OAEP-256 + A256GCM, kid "
          + jwk.kid() + ", " + jwe.length() + " characters");
      if (taskId == null) {
        return null;
      }
      return send(client, sample, encrypter, out, report);
    }
  }

  private String send(KnotClient client, CardDocument sample, KnotJweEncrypter encrypter, PrintWriter out, ObjectNode report)
      throws InterruptedException {
    KnotCallResult result;
    try {
      result = client.sendCard(taskId, k -> {
        byte[] json = sample.toJson();
        try {
          return encrypter.encrypt(k, json);
        } finally {
          Arrays.fill(json, (byte) 0);
        }
      }, Clock.systemUTC().instant().plus(KnotClientConfig.KNOT_WINDOW)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      report.putObject("card").put("task_id", taskId).put("outcome", "NOT_SENT");
      return "POST /card did not complete: " + e.getClass().getSimpleName();
    }
    ObjectNode card = report.putObject("card")
        .put("task_id", taskId)
        .put("outcome", result.outcome().name())
        .put("http_status", result.httpStatus())
        .put("attempts", result.attempts());
    out.println("POST /card task_id " + taskId + ": " + (result.httpStatus() == 0 ? "no answer" : "HTTP " + result.httpStatus())
        + (result.outcome().switched() ? " {\"message\":\"Success\"}" : ""));
    result.knotError().ifPresent(e -> {
      out.println("  Knot's answer: " + e);
      card.put("error_type", e.errorType()).put("error_code", e.errorCode()).put("error_message", e.errorMessage());
    });
    out.println("  classification: " + result.outcome() + " after " + result.attempts() + " attempt(s): " + result.detail());
    return result.outcome().switched() ? null : "Knot did not accept the card: " + result.outcome() + " (" + result.detail() + ")";
  }
}
