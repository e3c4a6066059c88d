package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.ingress.KnotSigner;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} on the embedded default receives Knot's webhook itself: a webhook signed with the
 * sandbox's secret and POSTed to the ingress is switched once; Knot's retry of it (a duplicate) is
 * answered 200 again and becomes a DUPLICATE_EVENT dead letter, never a second POST /card.
 */
class WebhookIngressEndToEndTest {

  @TempDir Path dataDir;

  @Test
  void aSignedWebhookIsSwitchedOnceAndItsRetryIsHarmless() throws Exception {
    AppConfig config = Launch.configure(Map.of(
        "DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0", "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0",
        "ADMIN_PORT", "0", "INGRESS_PORT", "0", "INGRESS_BIND", "127.0.0.1", "TOPIC_PARTITIONS", "2",
        "NUM_STREAM_THREADS", "1"), List.of());
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    try (Launch launch = Launch.start(config, new PrintStream(banner, true)).awaitRunning(Duration.ofSeconds(90))) {
      String bootstrap = launch.stack().bootstrapServers();
      var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(launch.stack().registryUrl()).build());
      KnotSandbox sandbox = launch.stack().sandbox().orElseThrow();
      try (EventFeed feed = new EventFeed(bootstrap, registry, config.topology())) {
        feed.references(1, launch.service().keyRing().currentPublicKey());
      }
      URI ingress = launch.service().ingress().orElseThrow().url("127.0.0.1");
      assertTrue(banner.toString().contains("webhook ingress: " + ingress), banner.toString());

      long task = 880_001;
      String session = "0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3";
      String body = KnotSigner.body("AUTHENTICATED", task, session, "card-0", Instant.now().toEpochMilli());
      String secret = launch.stack().sandboxEndpoint().orElseThrow().secret();
      HttpRequest webhook = HttpRequest.newBuilder(ingress)
          .header("Content-Type", "application/json")
          .header("Encryption-Type", "HMAC-SHA256")
          .header("Knot-Signature", KnotSigner.signatureOf(secret, body, "AUTHENTICATED", session))
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpClient http = HttpClient.newHttpClient();

      assertEquals(200, http.send(webhook, HttpResponse.BodyHandlers.ofString()).statusCode());
      try (ResultTopics results = new ResultTopics(bootstrap, registry, config.topology())) {
        Map<Long, List<Object>> first = results.until(r -> r.containsKey(task), Duration.ofSeconds(60));
        assertEquals(SwitchStatus.SWITCHED, ((SwitchOutcome) first.get(task).get(0)).getStatus(), first.toString());

        // Knot retries a webhook whose 200 it did not get: the same body, the same signature.
        assertEquals(200, http.send(webhook, HttpResponse.BodyHandlers.ofString()).statusCode());
        Map<Long, List<Object>> both = results.until(r -> r.getOrDefault(task, List.of()).size() >= 2,
            Duration.ofSeconds(60));
        assertEquals(2, both.get(task).size(), both.toString());
        assertEquals(DeadLetterReason.DUPLICATE_EVENT, ((DeadLetter) both.get(task).get(1)).getReason());
      }
      assertEquals(1, sandbox.calls(task).successes(), "Knot's POST /card is called once");

      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + launch.service().adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(metrics.body().lines().anyMatch(l -> l.equals("card_switch_webhooks_accepted_total 2")),
          metrics.body());
      assertTrue(metrics.body().lines().anyMatch(l -> l.equals("card_switch_webhook_latency_seconds_count 2")),
          metrics.body());
    }
  }
}
