package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.envelope.CardCryptoProvider;
import dev.cardswitch.knot.client.KnotCredentials;
import dev.cardswitch.sandbox.KnotSandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole benchmarks: the embedded broker, registry and sandbox in this JVM, card-switch as a child
 * process on this test's class path, a short load through it.
 */
class BenchRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private JsonNode run(BenchSettings settings, String threads, ByteArrayOutputStream out) throws Exception {
    return run(settings, Map.of("NUM_STREAM_THREADS", threads), out, System.err);
  }

  private JsonNode run(BenchSettings settings, Map<String, String> env, ByteArrayOutputStream out, PrintStream err)
      throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("DATA_DIR", dataDir.toString());
    all.put("TOPIC_PARTITIONS", "3");
    AppConfig config = Bench.configure(all, List.of());
    BenchReport report = Bench.run(settings, config, System.getProperty("java.class.path"),
        new PrintStream(out, true, StandardCharsets.UTF_8), err);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(report.jsonLine(), lines.get(lines.size() - 1), "the JSON line is the last line");
    return JSON.readTree(report.jsonLine());
  }

  /**
   * One benchmark with its baseline (one stream thread, so the baseline's bound is 1/L), to keep the
   * test to two service starts.
   */
  @Test
  void aShortBenchAccountsForEveryEventMeasuresTheServiceAndItsBlockingBaseline() throws Exception {
    BenchSettings settings = BenchSettings.builder().events(60).warmup(20).latency(Duration.ofMillis(100)).jitter(0)
        .verifyShare(0.05).javaOptions(List.of("-Xmx512m")).baseline(true).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    JsonNode json = run(settings, "1", out);

    String printed = out.toString(StandardCharsets.UTF_8);
    for (List<String> keys : List.of(BenchReport.JSON_KEYS, BenchReport.BASELINE_KEYS, BenchReport.SETTING_KEYS)) {
      for (String key : keys) {
        assertTrue(json.has(key), key + " in " + json);
      }
    }
    assertEquals(60, json.get("events").asInt());
    assertEquals(0, json.get("missing").asLong(), printed);
    assertEquals(0, json.get("duplicates").asLong());
    assertEquals(60, json.get("switched").asLong(), "every valid card is switched at 100 ms: " + printed);
    assertEquals(0, json.get("deadline_misses").asLong());
    assertEquals(60, json.get("knot_calls").asLong(), "one accepted /card per measured task");
    assertEquals(CardCryptoProvider.preferred().settingValue(), json.get("crypto_provider").asText());
    assertTrue(json.get("switches_per_s").asDouble() > 0, json.toString());
    assertTrue(json.get("cpu_ms_per_switch").asDouble() > 0, json.toString());
    assertEquals("proc", json.get("cpu_source").asText());
    assertTrue(json.get("jit_cpu_ms").isIntegralNumber() && json.get("jit_cpu_ms").asLong() >= 0, json.toString());
    assertTrue(json.get("cpu_ms_per_switch_without_jit").asDouble() <= json.get("cpu_ms_per_switch").asDouble(),
        json.toString());
    assertTrue(json.get("heap_peak_mb").asDouble() > 0, json.toString());
    assertTrue(json.get("heap_max_mb").asDouble() <= 512, "the service ran with -Xmx512m: " + json);
    assertTrue(json.get("rss_peak_mb").asDouble() > json.get("heap_peak_mb").asDouble() / 4, json.toString());
    assertTrue(json.get("p50_card_ms").asLong() >= 100, "no switch beats Knot's latency (100 ms): " + json);
    assertTrue(json.get("p99_card_ms").asLong() >= json.get("p50_card_ms").asLong(), json.toString());
    assertTrue(json.get("p99_outcome_ms").asLong() >= json.get("p99_card_ms").asLong(),
        "an outcome is visible only after it was decided: " + json);
    assertEquals(100, json.get("latency_ms").asLong());
    assertEquals(3, json.get("partitions").asInt());
    assertEquals(1, json.get("threads").asInt());
    assertEquals("embedded", json.get("kafka").asText());

    assertFalse(printed.contains("WARNING"), "the baseline's service blocked on Knot: " + printed);
    double baseline = json.get("baseline_switches_per_s").asDouble();
    // One stream thread, blocked 100 ms per call: at most 10 switches a second.
    assertTrue(baseline > 0 && baseline <= 11, json.toString());
    assertTrue(json.get("ratio").asDouble() > 2, json.toString());
    assertEquals(0, json.get("baseline_missing").asLong());
    assertEquals(0, json.get("baseline_duplicates").asLong());
    assertTrue(Files.list(dataDir.resolve(Bench.FOLDER).resolve("logs")).count() == 2,
        "the two services' logs are kept");
  }

  /**
   * The bench against parts the user configured, here a broker and a Knot of the test's own (the
   * schema registry stays embedded): it uses them, names them in its report, and leaves its topics
   * on that broker under its run's prefix, saying so.
   */
  @Test
  void aBenchAgainstAConfiguredBrokerAndKnotUsesThemAndSaysWhereItsTopicsStay() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null);
        KnotSandbox knot = KnotSandbox.builder().port(0).credentials(new KnotCredentials("issuer-1", "s3cret-issuer-1"))
            .start()) {
      // A warm-up until the JIT settles, in chunks of 5 and settled at any share: two chunks, read from /proc.
      BenchSettings settings = BenchSettings.builder().events(40).warmup(new Warmup(30, true, 5, 1.0))
          .javaOptions(List.of("-Xmx512m")).build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      JsonNode json = run(settings, Map.of("NUM_STREAM_THREADS", "1", "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
          "KNOT_BASE_URL", knot.baseUrl().toString(), "KNOT_CLIENT_ID", "issuer-1", "KNOT_SECRET", "s3cret-issuer-1"),
          out, new PrintStream(err, true, StandardCharsets.UTF_8));

      String printed = out.toString(StandardCharsets.UTF_8);
      String progress = err.toString(StandardCharsets.UTF_8);
      assertEquals(kafka.bootstrapServers(), json.get("kafka").asText(), json.toString());
      assertEquals(knot.baseUrl().toString(), json.get("knot").asText(), json.toString());
      assertEquals(40, json.get("switched").asLong(), printed);
      assertEquals(0, json.get("missing").asLong(), printed);
      assertEquals(0, json.get("duplicates").asLong(), printed);
      assertTrue(json.get("latency_ms").isNull(), "Knot's latency is Knot's own, not a setting: " + json);
      assertTrue(json.get("knot_calls").isNull(), "the bench cannot count a real Knot's calls: " + json);
      assertEquals(50, knot.stats().switched(), "the warm-up's two chunks and the measured events, all at that Knot");
      assertEquals(10, json.get("warmup").asInt(), json.toString());
      assertTrue(json.get("warmup_until_settled").asBoolean(), json.toString());
      double share = json.get("warmup_jit_share").asDouble(-1);
      assertTrue(share >= 0 && share <= 1, "the JIT's share of the service's CPU over the chunk: " + json);
      assertTrue(progress.contains("the JIT compilers took "), progress);
      assertTrue(printed.contains("after 10 warm-up events, until the JIT settled"), printed);
      assertFalse(progress.contains("embedded Kafka broker"), progress);
      assertTrue(progress.contains("the runs' topics stay on " + kafka.bootstrapServers()), progress);
      assertFalse((printed + progress).contains("s3cret-issuer-1"), "the secret is never printed");
      Set<String> topics;
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        topics = admin.listTopics().names().get();
      }
      assertTrue(topics.stream().anyMatch(t -> t.startsWith("bench-")), "the run's topics are on that broker: " + topics);
      assertTrue(topics.stream().filter(t -> !t.startsWith("_")).allMatch(t -> t.startsWith("bench-")
          || t.startsWith("card-switch-bench-")), "only names under the run's prefixes: " + topics);
    }
  }
}
