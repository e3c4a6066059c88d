package dev.cardswitch.app.runtime;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.LifecycleWebhooks;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starting card-switch the way every command does: read the settings, print the configuration in
 * force (secrets masked), start the embedded parts that are not configured, then the service.
 */
public final class Launch implements AutoCloseable {

  private final AppConfig config;
  private final EmbeddedStack stack;
  private final CardSwitchService service;

  private Launch(AppConfig config, EmbeddedStack stack, CardSwitchService service) {
    this.config = config;
    this.stack = stack;
    this.service = service;
  }

  /**
   * Reads the configuration from the environment and flags, and puts its log format ({@code
   * LOG_FORMAT}, {@code --log-format}) in force.
   *
   * @throws CardSwitchException naming the setting and the fix
   */
  public static AppConfig configure(Map<String, String> env, List<String> flags) {
    AppConfig config = AppConfig.from(Settings.of(env, flags, AppConfig.SETTINGS));
    config.logFormat().apply();
    return config;
  }

  /** Deletes the embedded broker's data and the streams' state: a fresh start. */
  public static void wipe(AppConfig config, PrintStream out) {
    for (Path dir : List.of(config.dataDir().resolve("kafka"), config.stateDir())) {
      if (Files.exists(dir)) {
        out.println("--fresh: deleting " + dir);
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("could not delete " + dir + ": delete it by hand", e);
        }
      }
    }
  }

  /** Starts the embedded parts and the service; prints what runs where. */
  public static Launch start(AppConfig config, PrintStream out) {
    return start(config, out, false);
  }

  /**
   * The same; {@code lifecycleWebhooksByDefault}: whether the embedded sandbox sends Knot's lifecycle
   * webhooks to the ingress when SANDBOX_LIFECYCLE_WEBHOOKS is unset.
   */
  public static Launch start(AppConfig config, PrintStream out, boolean lifecycleWebhooksByDefault) {
    out.println("configuration:");
    config.describe().forEach(line -> out.println("  " + line));
    EmbeddedStack stack = EmbeddedStack.start(config);
    try {
      stack.describe().forEach(line -> out.println(line));
      JwkSetKeyRing keyRing = DevCardKeys.keyRing(config);
      out.println("card crypto provider: " + keyRing.keyAgreementProvider().description() + ", by "
          + JwkSetKeyRing.CARD_CRYPTO_PROVIDER + "="
          + config.settings().get(JwkSetKeyRing.CARD_CRYPTO_PROVIDER).filter(v -> !v.isBlank()).orElse("auto"));
      CardSwitchService service = CardSwitchService.start(config, stack.bootstrapServers(), stack.registryUrl(),
          config.knotClientConfig(stack.sandboxEndpoint().orElse(null)),
          config.cardVaultClientConfig(stack.vaultStandInEndpoint().orElse(null)), keyRing, stack.kafka().isPresent());
      out.println("admin endpoints: http://127.0.0.1:" + service.adminPort() + "/keys, /health, /ready, /metrics"
          + (config.topology().switchStatus() ? ", /switches/{task_id}" : "")
          + (config.cardinal().isPresent() ? ", POST " + FidoJwtEndpoint.PATH : ""));
      service.ingress().ifPresent(ingress ->
          out.println("webhook ingress: " + ingress.url("127.0.0.1") + " (give Knot this path on your public host)"));
      if (config.sandboxLifecycleWebhooks(lifecycleWebhooksByDefault)) {
        sendLifecycleWebhooks(config, stack, service, out);
      }
      return new Launch(config, stack, service);
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /** Points the embedded sandbox's lifecycle webhooks at this instance's ingress. */
  private static void sendLifecycleWebhooks(AppConfig config, EmbeddedStack stack, CardSwitchService service,
      PrintStream out) {
    if (stack.sandbox().isEmpty() || service.ingress().isEmpty()) {
      throw new SettingException(AppConfig.SANDBOX_LIFECYCLE_WEBHOOKS, AppConfig.SANDBOX_LIFECYCLE_WEBHOOKS
          + " is on, but " + (stack.sandbox().isEmpty() ? "Knot is real (KNOT_BASE_URL), not the embedded sandbox"
              : "the webhook ingress is off (INGRESS_ENABLED)") + ": set " + AppConfig.SANDBOX_LIFECYCLE_WEBHOOKS + "=off");
    }
    KnotSandbox sandbox = stack.sandbox().get();
    LifecycleWebhooks.Settings settings = new LifecycleWebhooks.Settings(service.ingress().get().url("127.0.0.1"),
        sandbox.credentials().revealSecret(), config.sandboxLifecycleDelay(), config.sandboxLifecycleFailureShare());
    sandbox.lifecycleWebhooks(settings);
    out.println("Knot sandbox lifecycle webhooks: to " + settings.target() + " " + dev.cardswitch.knot.client.KnotClientConfig.formatDuration(settings.delay()) + " after each"
        + " switch, " + Math.round(settings.failureShare() * 100) + "% CARD_FAILED");
  }

  /** Waits until the streams run; throws if they do not within {@code timeout}. */
  public Launch awaitRunning(Duration timeout) throws InterruptedException {
    if (!service.awaitRunning(timeout)) {
      throw new CardSwitchException("NOT_RUNNING", "Kafka Streams did not reach RUNNING within " + timeout
          + " (state " + service.state() + "): check the broker at " + stack.bootstrapServers() + " and the log above");
    }
    return this;
  }

  public AppConfig config() {
    return config;
  }

  public EmbeddedStack stack() {
    return stack;
  }

  public CardSwitchService service() {
    return service;
  }

  @Override
  public void close() {
    try {
      service.close();
    } finally {
      stack.close();
    }
  }
}
