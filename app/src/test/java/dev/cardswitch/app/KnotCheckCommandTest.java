package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.envelope.CardCryptoProvider;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.SandboxFaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code knot-check} run in-process against a sandbox on a free port. */
class KnotCheckCommandTest {

  private static KnotSandbox sandbox;

  @BeforeAll
  static void start() {
    sandbox = KnotSandbox.start();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @BeforeEach
  void reset() {
    sandbox.reset();
  }

  private record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      List<String> lines = out.lines().toList();
      return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }
  }

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new KnotCheckCommand(env));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static Map<String, String> credentials() {
    Map<String, String> env = new HashMap<>();
    env.put("KNOT_CLIENT_ID", sandbox.credentials().clientId());
    env.put("KNOT_SECRET", sandbox.credentials().revealSecret());
    return env;
  }

  @Test
  void succeedsAgainstTheSandboxWithATaskId() throws Exception {
    Run r = run(credentials(), "--knot-base-url", sandbox.baseUrl().toString(), "--task-id", "1");
    assertEquals(0, r.status(), r.out() + r.err());
    for (String check : new String[] {"kty: RSA", "modulus: 2048 bits", "use: enc", "key_ops: allows encrypt", "alg: RSA-OAEP-256", "kid: " + sandbox.currentKid()}) {
      assertTrue(r.out().contains("ok   " + check), check + " in\n" + r.out());
    }
    assertTrue(r.out().contains("POST /card task_id 1: HTTP 200 {\"message\":\"Success\"}"), r.out());
    assertTrue(r.out().contains("classification: SWITCHED"), r.out());
    JsonNode json = r.json();
    assertTrue(json.get("ok").asBoolean());
    assertEquals("SWITCHED", json.at("/card/outcome").asText());
    assertTrue(json.at("/key/checks/kid").asBoolean());
    assertEquals(1, sandbox.calls(1).successes());
    assertFalse(r.out().contains("4242424242424242"), "the card number never appears");
  }

  @Test
  void takesTheBaseUrlFromTheEnvironment() {
    Map<String, String> env = credentials();
    env.put("KNOT_BASE_URL", sandbox.baseUrl().toString());
    assertEquals(0, run(env, "--task-id", "2").status());
    assertEquals(1, sandbox.calls(2).successes());
  }

  @Test
  void withoutATaskIdChecksTheKeyAndTheJweOnly() throws Exception {
    Run r = run(credentials(), "--knot-base-url", sandbox.baseUrl().toString());
    assertEquals(0, r.status(), r.out());
    assertTrue(r.json().get("jwe_built").asBoolean());
    assertEquals(0, sandbox.stats().cardRequests());
  }

  @Test
  void failsOnBadCredentials() throws Exception {
    Map<String, String> env = credentials();
    env.put("KNOT_SECRET", "not-the-secret");
    Run r = run(env, "--knot-base-url", sandbox.baseUrl().toString(), "--task-id", "3");
    assertEquals(1, r.status(), r.out());
    assertTrue(r.out().contains("INVALID_API_KEYS"), r.out());
    assertTrue(r.out().contains("check KNOT_CLIENT_ID and KNOT_SECRET"), r.out());
    assertFalse(r.json().get("ok").asBoolean());
    assertFalse(r.out().contains("not-the-secret"));
  }

  @Test
  void buildsTheJweWithTheConfiguredCryptoProvider() throws Exception {
    Map<String, String> env = credentials();
    env.put("CARD_CRYPTO_PROVIDER", "bouncycastle");
    Run r = run(env, "--knot-base-url", sandbox.baseUrl().toString(), "--task-id", "5");
    assertEquals(0, r.status(), r.out() + r.err());
    assertEquals("bouncycastle", r.json().get("crypto_provider").asText());
    assertTrue(r.out().contains("card crypto provider: bouncycastle"), r.out());
    assertEquals(1, sandbox.calls(5).successes());

    Run auto = run(credentials(), "--knot-base-url", sandbox.baseUrl().toString());
    assertEquals(CardCryptoProvider.preferred().settingValue(), auto.json().get("crypto_provider").asText());
  }

  @Test
  void refusesAnUnknownCryptoProviderNamingTheSetting() throws Exception {
    Map<String, String> env = credentials();
    env.put("CARD_CRYPTO_PROVIDER", "fastest");
    Run r = run(env, "--knot-base-url", sandbox.baseUrl().toString(), "--task-id", "6");
    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().contains("CARD_CRYPTO_PROVIDER is \"fastest\": give auto"), r.err());
    assertEquals("CARD_CRYPTO_PROVIDER", r.json().get("setting").asText());
    assertEquals(0, sandbox.stats().cardRequests());
  }

  @Test
  void failsWithoutCredentialsNamingTheVariable() throws Exception {
    Run r = run(Map.of(), "--knot-base-url", sandbox.baseUrl().toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("KNOT_CLIENT_ID is not set: export it"), r.err());
    assertEquals("KNOT_CLIENT_ID", r.json().get("setting").asText());
  }

  @Test
  void failsWhenKnotDoesNotAcceptTheCard() throws Exception {
    sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 503).build());
    Map<String, String> env = credentials();
    env.put("KNOT_MAX_ATTEMPTS", "1");
    Run r = run(env, "--knot-base-url", sandbox.baseUrl().toString(), "--task-id", "4");
    assertEquals(1, r.status(), r.out());
    assertTrue(r.out().contains("classification: UNAVAILABLE"), r.out());
    assertEquals(503, r.json().at("/card/http_status").asInt());
  }

  @Test
  void saysWhyAKeyIsNotAcceptable() throws Exception {
    String signingKey = new RSAKeyGenerator(2048).keyID("k").keyUse(KeyUse.SIGNATURE).generate().toPublicJWK().toJSONString();
    HttpServer knot = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    knot.createContext("/jwe/key", exchange -> {
      byte[] body = signingKey.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    knot.start();
    try {
      Run r = run(credentials(), "--knot-base-url", "http://127.0.0.1:" + knot.getAddress().getPort(), "--task-id", "5");
      assertEquals(1, r.status(), r.out());
      assertTrue(r.out().contains("FAIL use: is \"sig\", must be enc"), r.out());
      assertFalse(r.json().at("/key/acceptable").asBoolean());
      assertFalse(r.json().at("/key/checks/use").asBoolean());
    } finally {
      knot.stop(0);
    }
  }
}
