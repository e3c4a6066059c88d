package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.ingress.KnotSigner;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A switch's whole lifecycle on the real embedded broker, with Knot's webhooks POSTed, signed, to
 * the ingress: the AUTHENTICATED event is switched, Knot's CARD_FAILED closes it with one lifecycle
 * record on the outcome topic, and {@code GET /switches/{task_id}} shows every step; a second switch
 * that Knot never closes becomes NO_CONFIRMATION after LIFECYCLE_CONFIRMATION_TIMEOUT.
 */
class LifecycleEndToEndTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SESSION = "0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3";

  @TempDir Path dataDir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aSwitchIsClosedByKnotsWebhookOrTimesOutToNoConfirmation() throws Exception {
    AppConfig config = Launch.configure(Map.of(
        "DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0", "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0",
        "ADMIN_PORT", "0", "INGRESS_PORT", "0", "INGRESS_BIND", "127.0.0.1", "TOPIC_PARTITIONS", "2",
        "NUM_STREAM_THREADS", "1", "LIFECYCLE_CONFIRMATION_TIMEOUT", "3s"), List.of());
    try (Launch launch = Launch.start(config, new PrintStream(PrintStream.nullOutputStream())).awaitRunning(
        Duration.ofSeconds(90))) {
      String bootstrap = launch.stack().bootstrapServers();
      var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(launch.stack().registryUrl()).build());
      try (EventFeed feed = new EventFeed(bootstrap, registry, config.topology())) {
        feed.references(2, launch.service().keyRing().currentPublicKey());
      }
      URI ingress = launch.service().ingress().orElseThrow().url("127.0.0.1");
      String secret = launch.stack().sandboxEndpoint().orElseThrow().secret();
      String admin = "http://127.0.0.1:" + launch.service().adminPort();
      long failed = 890_001;
      long silent = 890_002;

      post(ingress, secret, "AUTHENTICATED", KnotSigner.body("AUTHENTICATED", failed, SESSION, "card-0", now()));
      post(ingress, secret, "AUTHENTICATED", KnotSigner.body("AUTHENTICATED", silent, SESSION, "card-1", now()));
      try (ResultTopics results = new ResultTopics(bootstrap, registry, config.topology())) {
        Map<Long, List<Object>> switched = results.until(r -> r.containsKey(failed), Duration.ofSeconds(60));
        assertEquals(SwitchStatus.SWITCHED, ((SwitchOutcome) switched.get(failed).get(0)).getStatus());

        String cardFailed = KnotSigner.lifecycleBody("CARD_FAILED", failed, SESSION, "card-0", "card expired", now());
        post(ingress, secret, "CARD_FAILED", cardFailed);
        post(ingress, secret, "CARD_FAILED", cardFailed); // Knot's retry publishes nothing more
        Map<Long, List<Object>> closed = results.until(
            r -> r.getOrDefault(failed, List.of()).size() >= 2 && r.getOrDefault(silent, List.of()).size() >= 2,
            Duration.ofSeconds(60));
        assertEquals(List.of(SwitchStatus.SWITCHED, SwitchStatus.CARD_FAILED), statuses(closed.get(failed)));
        SwitchOutcome failure = (SwitchOutcome) closed.get(failed).get(1);
        assertEquals("card expired", failure.getFailureReason());
        assertEquals(((SwitchOutcome) closed.get(failed).get(0)).getCompletedAt(), failure.getSwitchedAt());
        assertEquals(List.of(SwitchStatus.SWITCHED, SwitchStatus.NO_CONFIRMATION), statuses(closed.get(silent)));
        SwitchOutcome unconfirmed = (SwitchOutcome) closed.get(silent).get(1);
        assertTrue(!unconfirmed.getCompletedAt().isBefore(unconfirmed.getSwitchedAt().plusSeconds(3)),
            "not before the confirmation timeout: " + unconfirmed);
      }

      JsonNode status = awaitStatus(admin, failed, "CARD_FAILED");
      assertEquals("card expired", status.path("reason").asText());
      List<String> steps = new ArrayList<>();
      status.path("history").forEach(e -> steps.add(e.path("kind").asText() + ":"
          + (e.hasNonNull("event_type") ? e.path("event_type").asText() : e.path("reason").asText())));
      // The repeated CARD_FAILED is recorded too; whether before or after the lifecycle record is the
      // broker's order (that record comes back through the outcome topic), so compare first occurrences.
      assertEquals(List.of("WEBHOOK:AUTHENTICATED", "OUTCOME:SWITCHED", "WEBHOOK:CARD_FAILED", "OUTCOME:CARD_FAILED"),
          steps.stream().distinct().toList(), status.toString());
      assertEquals(2, steps.stream().filter("WEBHOOK:CARD_FAILED"::equals).count(), status.toString());
      assertEquals("NO_CONFIRMATION", awaitStatus(admin, silent, "NO_CONFIRMATION").path("status").asText());
    }
  }

  private static long now() {
    return Instant.now().toEpochMilli();
  }

  private static List<SwitchStatus> statuses(List<Object> results) {
    return results.stream().map(r -> ((SwitchOutcome) r).getStatus()).toList();
  }

  private void post(URI ingress, String secret, String event, String body) throws Exception {
    HttpRequest webhook = HttpRequest.newBuilder(ingress)
        .header("Content-Type", "application/json")
        .header("Encryption-Type", "HMAC-SHA256")
        .header("Knot-Signature", KnotSigner.signatureOf(secret, body, event, SESSION))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    assertEquals(200, http.send(webhook, HttpResponse.BodyHandlers.ofString()).statusCode(), event);
  }

  /** Asks until the task's status is {@code state}, or 60 s pass (then fails with the last answer). */
  private JsonNode awaitStatus(String admin, long task, String state) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(admin + "/switches/" + task)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() == 200 && state.equals(body.path("status").asText())) {
        return body;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("task " + task + ": HTTP " + response.statusCode() + " " + body);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }
}
