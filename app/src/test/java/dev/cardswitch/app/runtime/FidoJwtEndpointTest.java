package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.fido.CardinalFidoConfig;
import dev.cardswitch.fido.FidoRequestMinter;
import dev.cardswitch.fido.HmacIssuedJtis;
import dev.cardswitch.fido.IssuedJtis;
import dev.cardswitch.topology.SwitchCounters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /fido/jwt} on a real admin server on 127.0.0.1, with the settings a run reads. */
class FidoJwtEndpointTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private AdminServer admin;

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
  }

  private String start(AppConfig config) {
    SwitchCounters counters = new SwitchCounters();
    admin = AdminServer.start("127.0.0.1", 0,
        JwkSetKeyRing.of(List.of(JwkSetKeyRing.generate("fido-test")), JwkSetKeyRing.Options.DEFAULT),
        () -> KafkaStreams.State.RUNNING, () -> false,
        () -> io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED, counters,
        new ProcessStats(counters, Clock.systemUTC()));
    admin.handle(FidoJwtEndpoint.PATH, config.cardinal()
        .map(c -> FidoJwtEndpoint.minting(new FidoRequestMinter(c, new HmacIssuedJtis(c.apiKey()), Clock.systemUTC())))
        .orElseGet(FidoJwtEndpoint::off));
    return "http://127.0.0.1:" + admin.port() + FidoJwtEndpoint.PATH;
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void mintsARequestJwtForTheReferenceIdThatItsOwnJtisRecognise() throws Exception {
    AppConfig config = Launch.configure(Map.of("FIDO_GATE", "required"), List.of());
    String url = start(config);

    HttpResponse<String> response = post(url, "{\"reference_id\":\"1234-54322-12354-6454\"}");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = json.readTree(response.body());
    String jwt = body.get("jwt").asText();
    JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    assertEquals(body.get("jti").asText(), claims.get("jti").asText());
    assertEquals("1234-54322-12354-6454", claims.get("ReferenceId").asText());
    assertEquals(AppConfig.SANDBOX_CARDINAL_API_KEY_ID, claims.get("iss").asText());
    CardinalFidoConfig cardinal = config.cardinal().orElseThrow();
    assertEquals(IssuedJtis.Recognition.ISSUED,
        new HmacIssuedJtis(cardinal.apiKey()).recognise(body.get("jti").asText(), "1234-54322-12354-6454"));
  }

  @Test
  void refusesABodyWithoutReferenceIdAndOtherMethods() throws Exception {
    String url = start(Launch.configure(Map.of("FIDO_GATE", "audit"), List.of()));
    HttpResponse<String> bad = post(url, "{\"referenceId\":\"x\"}");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("reference_id"), bad.body());
    assertEquals(400, post(url, "not json").statusCode());
    assertEquals(413, post(url, "{\"reference_id\":\"" + "x".repeat(5000) + "\"}").statusCode());
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
  }

  @Test
  void answers404SayingHowToTurnItOnWhenTheGateIsOff() throws Exception {
    String url = start(Launch.configure(Map.of(), List.of()));
    HttpResponse<String> response = post(url, "{\"reference_id\":\"r\"}");
    assertEquals(404, response.statusCode());
    assertTrue(response.body().contains("FIDO_GATE=off"), response.body());
  }

  @Test
  void theCardinalSettingsAreRequiredAgainstARealKnotAndNamedWhenMissing() {
    Map<String, String> realKnot = Map.of("KNOT_BASE_URL", "https://development.knotapi.com",
        "KNOT_CLIENT_ID", "id", "KNOT_SECRET", "secret", "FIDO_GATE", "required");
    SettingException e = org.junit.jupiter.api.Assertions.assertThrows(SettingException.class,
        () -> Launch.configure(realKnot, List.of()));
    assertEquals(AppConfig.CARDINAL_API_KEY_ID, e.setting());
    assertTrue(e.getMessage().startsWith("CARDINAL_API_KEY_ID is not set"), e.getMessage());

    Map<String, String> withId = new java.util.HashMap<>(realKnot);
    withId.put("CARDINAL_API_KEY_ID", "issuer-key-id");
    e = org.junit.jupiter.api.Assertions.assertThrows(SettingException.class, () -> Launch.configure(withId, List.of()));
    assertEquals(AppConfig.CARDINAL_API_KEY, e.setting());

    withId.put("CARDINAL_API_KEY", "k".repeat(40));
    e = org.junit.jupiter.api.Assertions.assertThrows(SettingException.class, () -> Launch.configure(withId, List.of()));
    assertEquals(AppConfig.CARDINAL_ORG_UNIT_ID, e.setting());

    withId.put("CARDINAL_ORG_UNIT_ID", "org");
    e = org.junit.jupiter.api.Assertions.assertThrows(SettingException.class, () -> Launch.configure(withId, List.of()));
    assertEquals(AppConfig.CARDINAL_RETURN_URL, e.setting());

    withId.put("CARDINAL_RETURN_URL", "https://issuer.example/fido/return");
    AppConfig config = Launch.configure(withId, List.of());
    String printed = String.join("\n", config.describe());
    assertTrue(printed.contains("fido gate:       required (Cardinal API key id issuer-key-id, key ****"), printed);
    assertFalse(printed.contains("k".repeat(40)), printed);

    SettingException mode = org.junit.jupiter.api.Assertions.assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("FIDO_GATE", "on"), List.of()));
    assertEquals(AppConfig.FIDO_GATE, mode.setting());
  }

  @Test
  void theApiKeyCanComeFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("cardinal-api-key");
    java.nio.file.Files.writeString(file, "f".repeat(36) + "\n", StandardCharsets.UTF_8);
    AppConfig config = Launch.configure(Map.of("FIDO_GATE", "audit", "CARDINAL_API_KEY_FILE", file.toString(),
        "CARDINAL_API_KEY_ID", "issuer-key-id", "CARDINAL_ORG_UNIT_ID", "org",
        "CARDINAL_RETURN_URL", "https://issuer.example/r"), List.of());
    assertEquals("issuer-key-id", config.cardinal().orElseThrow().apiKey().keyId());
    assertFalse(String.join("\n", config.describe()).contains("generated"));
  }
}
