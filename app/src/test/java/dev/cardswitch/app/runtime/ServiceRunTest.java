package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.envelope.CardCryptoProvider;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
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

  /** The domain metrics moved as the run went, and the JVM's, Kafka's and Resilience4j's are exported beside them. */
  private static void assertMetricsMoved(PrometheusText before, PrometheusText after, String body)
      throws java.io.IOException {
    assertEquals(40, after.value("card_switch_outcomes_total{status=\"SWITCHED\"}")
        - before.value("card_switch_outcomes_total{status=\"SWITCHED\"}"), body);
    assertEquals(1, after.value("card_switch_dead_letters_total{reason=\"DEADLINE_EXCEEDED\"}")
        - before.value("card_switch_dead_letters_total{reason=\"DEADLINE_EXCEEDED\"}"), body);
    assertEquals(1, after.value("card_switch_deadline_misses_total") - before.value("card_switch_deadline_misses_total"),
        body);
    assertEquals(41, after.value("card_switch_events_total{event_type=\"AUTHENTICATED\"}")
        - before.value("card_switch_events_total{event_type=\"AUTHENTICATED\"}"), body);
    // One POST /card per switch: the sandbox answers each at once.
    assertEquals(40, after.value("card_switch_knot_call_seconds_count") - before.value("card_switch_knot_call_seconds_count"),
        body);
    assertEquals(40, after.value("card_switch_knot_call_seconds_bucket{le=\"15.0\"}")
        - before.value("card_switch_knot_call_seconds_bucket{le=\"15.0\"}"), body);
    assertEquals(40, after.value("card_switch_knot_answer_window_left_seconds_count")
        - before.value("card_switch_knot_answer_window_left_seconds_count"), body);
    assertEquals(0, after.value("card_switch_calls_in_flight"), body);
    assertTrue(after.value("card_switch_knot_key_age_seconds") >= 0, body);
    for (String family : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
        "process_cpu_usage", "resilience4j_circuitbreaker_state", "resilience4j_retry_calls_total",
        "resilience4j_bulkhead_available_concurrent_calls", "resilience4j_ratelimiter_available_permissions",
        "card_switch_envelope_key_age_seconds")) {
      assertTrue(after.families().contains(family), family + " in " + body);
    }
    // The names the chart's Grafana dashboard and the README use (the dashboard's test checks its queries against them).
    Path names = Path.of("..", "deploy", "helm", "card-switch", "dashboards", "metric-names.txt");
    List<String> missing = new java.util.ArrayList<>();
    for (String line : java.nio.file.Files.readAllLines(names)) {
      if (!line.isBlank() && !line.startsWith("#") && !after.families().contains(line.trim())) {
        missing.add(line.trim());
      }
    }
    assertEquals(List.of(), missing, "families of " + names + " missing from " + body);
    assertTrue(after.hasSampleStartingWith("kafka_stream_"), "Kafka Streams' metrics in " + body);
    assertTrue(after.hasSampleStartingWith("kafka_consumer_"), "the consumers' metrics in " + body);
    assertTrue(after.hasSampleStartingWith("kafka_producer_"), "the producers' metrics in " + body);
  }

  /**
   * {@code GET /metrics} once the JVM has collected garbage since the service started: Micrometer
   * declares {@code jvm_gc_pause_seconds} at the first collection it is told of, and a quick run may
   * not have had one. Waits for it at most 10 s.
   */
  private static HttpResponse<String> metricsAfterACollection(HttpClient http, String base) throws Exception {
    System.gc();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> metrics = get(http, base + "/metrics");
    while (!metrics.body().contains("# TYPE jvm_gc_pause_seconds ") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      metrics = get(http, base + "/metrics");
    }
    return metrics;
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

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
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + launch.service().adminPort();
      PrometheusText before = new PrometheusText(get(http, base + "/metrics").body());
      Set<Long> tasks;
      long late;
      try (EventFeed feed = new EventFeed(bootstrap, registry, config.topology())) {
        feed.references(10, launch.service().keyRing().currentPublicKey());
        tasks = feed.events(1000, 40, 10);
        late = feed.lateEvent(2000);
      }
      Map<Long, List<Object>> results;
      Set<Long> awaited = new java.util.HashSet<>(tasks);
      awaited.add(late);
      try (ResultTopics topics = new ResultTopics(bootstrap, registry, config.topology())) {
        results = topics.until(ResultTopics.allOf(awaited), Duration.ofSeconds(60));
      }
      assertEquals(awaited, results.keySet());
      assertEquals(DeadLetterReason.DEADLINE_EXCEEDED, ((DeadLetter) results.get(late).get(0)).getReason());
      for (long task : tasks) {
        List<Object> r = results.get(task);
        assertEquals(1, r.size(), "task " + task + ": " + r);
        assertTrue(r.get(0) instanceof SwitchOutcome, "task " + task + ": " + r);
        assertEquals(SwitchStatus.SWITCHED, ((SwitchOutcome) r.get(0)).getStatus(), "task " + task + ": " + r);
        assertEquals(1, sandbox.calls(task).successes(), "task " + task);
      }

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
      HttpResponse<String> metrics = metricsAfterACollection(http, base);
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().lines().anyMatch(l -> l.equals("card_switch_outcomes_total{status=\"SWITCHED\"} 40")),
          metrics.body());
      assertMetricsMoved(before, new PrometheusText(metrics.body()), metrics.body());
      // The cards were opened, encrypted for Knot and sent on the card crypto threads, off the stream thread.
      var cpu = new com.fasterxml.jackson.databind.ObjectMapper().readTree(get(http, base + "/stats").body())
          .get("thread_cpu_ns");
      assertTrue(cpu.get("card_crypto").asLong() > 0, cpu.toString());
    }
    String printed = banner.toString();
    assertTrue(printed.contains("embedded Kafka broker"), printed);
    // The start-up output names who computes the card crypto (and, on a fallback, why).
    assertTrue(printed.contains("card crypto provider: " + CardCryptoProvider.preferred().description()
        + ", by CARD_CRYPTO_PROVIDER=auto\n"), printed);
  }
}
