package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.sandbox.KnotSandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service in this JVM on the embedded default: broker, registry and sandbox on free ports. */
class ServiceRunTest {

  @TempDir Path dataDir;

  @Test
  void switchesEveryCardOnceOnTheEmbeddedDefault() throws Exception {
    AppConfig config = Launch.configure(Map.of(
        "DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0", "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0",
        "ADMIN_PORT", "0", "INGRESS_PORT", "0", "TOPIC_PARTITIONS", "3", "NUM_STREAM_THREADS", "1"), List.of());
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    try (Launch launch = Launch.start(config, new PrintStream(banner, true)).awaitRunning(Duration.ofSeconds(90))) {
      String bootstrap = launch.stack().bootstrapServers();
      var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(launch.stack().registryUrl()).build());
      KnotSandbox sandbox = launch.stack().sandbox().orElseThrow();
      Set<Long> tasks;
      try (EventFeed feed = new EventFeed(bootstrap, registry, config.topology())) {
        feed.references(10, launch.service().keyRing().currentPublicKey());
        tasks = feed.events(1000, 40, 10);
      }
      Map<Long, List<Object>> results;
      try (ResultTopics topics = new ResultTopics(bootstrap, registry, config.topology())) {
        results = topics.until(ResultTopics.allOf(tasks), Duration.ofSeconds(60));
      }
      assertEquals(tasks, results.keySet());
      for (long task : tasks) {
        List<Object> r = results.get(task);
        assertEquals(1, r.size(), "task " + task + ": " + r);
        assertEquals(SwitchStatus.SWITCHED, ((SwitchOutcome) r.get(0)).getStatus(), "task " + task + ": " + r);
        assertEquals(1, sandbox.calls(task).successes(), "task " + task);
      }

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + launch.service().adminPort();
      HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create(base + "/keys")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, keys.statusCode());
      JWKSet served = JWKSet.parse(keys.body());
      assertEquals(launch.service().keyRing().currentKid(), served.getKeys().get(0).getKeyID());
      assertTrue(served.getKeys().stream().noneMatch(k -> k.isPrivate()), "only public keys are served");
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode(), ready.body());
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(health.body().contains("\"knot_authentication\":\"OK\",\"knot_circuit\":\"CLOSED\""), health.body());
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().lines().anyMatch(l -> l.equals("card_switch_outcomes_total{status=\"SWITCHED\"} 40")),
          metrics.body());
    }
    String printed = banner.toString();
    assertTrue(printed.contains("embedded Kafka broker"), printed);
  }
}
