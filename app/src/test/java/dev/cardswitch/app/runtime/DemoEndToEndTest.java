package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.cardswitch.demo.Demo;
import dev.cardswitch.demo.DemoReport;
import dev.cardswitch.demo.DemoSettings;
import dev.cardswitch.demo.DemoTargets;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.knot.client.KnotCredentials;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.LifecycleWebhooks;
import dev.cardswitch.soak.CardDataScan;
import dev.cardswitch.soak.CardSecrets;
import dev.cardswitch.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo}'s engine against the running service, as {@code ./card-switch demo} runs it. */
class DemoEndToEndTest {

  @TempDir Path dataDir;

  private Map<String, String> embedded() {
    return new HashMap<>(Map.of("DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0", "SCHEMA_REGISTRY_PORT", "0",
        "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0", "TOPIC_PARTITIONS", "3"));
  }

  @Test
  void accountsForEveryEventOnceAndLeavesNoCardDataInAnyTopicOrLogLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (LogCapture logs = LogCapture.capture(Level.DEBUG)) {
      AppConfig config = Launch.configure(embedded(), List.of());
      try (Launch launch = Launch.start(config, new PrintStream(err, true)).awaitRunning(Duration.ofSeconds(90))) {
        DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
            launch.service().keyRing().currentPublicKey(), config.topology(), launch.stack().sandbox().orElseThrow());
        String metricsUrl = "http://127.0.0.1:" + launch.service().adminPort() + "/metrics";
        PrometheusText before = new PrometheusText(get(metricsUrl));
        DemoReport report = Demo.run(DemoSettings.builder().events(300).build(), targets,
            new PrintStream(out, true), new PrintStream(err, true));

        assertEquals(0, report.exitCode(), out.toString());
        String scraped = get(metricsUrl);
        assertMetricsFollowTheDemo(report, before, new PrometheusText(scraped), scraped);
        String json = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(json.startsWith("{\"events\":300,"), json);
        assertTrue(json.contains("\"missing\":0,\"duplicates\":0"), json);
        int switched = report.expectedCounts().get(ExpectedResult.SWITCHED);
        assertTrue(json.contains("\"switched\":" + switched + ","), json);
        assertTrue(json.contains("\"knot_calls\":" + switched + ","), "one accepted /card per switched task: " + json);

        String bootstrap = launch.stack().bootstrapServers();
        CardSecrets secrets = CardDataScan.secretsOf(bootstrap, launch.service().registry(),
            config.topology().cardReferenceTopic(), launch.service().keyRing());
        assertTrue(secrets.size() > 100, "the scan knows what to look for");
        assertTrue(CardDataScan.topics(bootstrap).size() >= 9, "changelog and repartition topics are scanned too");
        assertEquals(Map.of(), CardDataScan.scan(bootstrap, secrets), "card data in clear in these topics");
        String printed = out + "\n" + err + "\n" + logs.text() + "\n" + scraped;
        assertEquals(Set.of(), secrets.findIn(printed), "card data in clear in the output, the logs or the metrics");
      }
    }
  }

  /** The service's domain metrics moved by what the demo planned, result by result. */
  private static void assertMetricsFollowTheDemo(DemoReport report, PrometheusText before, PrometheusText after,
      String body) {
    Map<ExpectedResult, Integer> expected = report.expectedCounts();
    int switched = expected.get(ExpectedResult.SWITCHED);
    assertEquals(switched, delta(before, after, "card_switch_outcomes_total{status=\"SWITCHED\"}"), body);
    assertEquals((int) expected.getOrDefault(ExpectedResult.SKIPPED, 0),
        delta(before, after, "card_switch_outcomes_total{status=\"SKIPPED\"}"), body);
    for (ExpectedResult deadLetter : List.of(ExpectedResult.NO_CARD_REFERENCE, ExpectedResult.INVALID_CARD_DATA)) {
      assertEquals((int) expected.getOrDefault(deadLetter, 0),
          delta(before, after, "card_switch_dead_letters_total{reason=\"" + deadLetter.name() + "\"}"), body);
    }
    assertEquals(300, delta(before, after, "card_switch_events_total{event_type=\"AUTHENTICATED\"}"), body);
    assertEquals(switched, delta(before, after, "card_switch_knot_call_seconds_count"), "one POST /card per switch: " + body);
    assertEquals(switched, delta(before, after, "card_switch_knot_answer_window_left_seconds_count"), body);
  }

  private static int delta(PrometheusText before, PrometheusText after, String sample) {
    return (int) Math.round(after.value(sample) - before.value(sample));
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }

  @Test
  void switchesEveryValidCardAtTheKnotGivenInKnotBaseUrl() throws Exception {
    // Any server that implements seeds 000/001 will do: here a sandbox of the test's own, not embedded.
    try (KnotSandbox knot = KnotSandbox.builder().port(0).credentials(new KnotCredentials("issuer-1", "s3cret-issuer-1"))
        .start()) {
      Map<String, String> env = embedded();
      env.put("KNOT_BASE_URL", knot.baseUrl().toString());
      env.put("KNOT_CLIENT_ID", "issuer-1");
      env.put("KNOT_SECRET", "s3cret-issuer-1");
      AppConfig config = Launch.configure(env, List.of());
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      try (Launch launch = Launch.start(config, new PrintStream(banner, true)).awaitRunning(Duration.ofSeconds(90))) {
        assertTrue(launch.stack().sandbox().isEmpty(), "no embedded sandbox when Knot is configured");
        DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
            launch.service().keyRing().currentPublicKey(), config.topology(), knot);
        DemoReport report = Demo.run(DemoSettings.builder().events(120).seed(7).build(), targets,
            new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(new ByteArrayOutputStream(), true));
        assertEquals(0, report.exitCode(), report.summary());
        assertEquals(report.expectedCounts().get(ExpectedResult.SWITCHED).longValue(), knot.stats().switched());
      }
      assertTrue(banner.toString().contains(knot.baseUrl() + " (client id issuer-1, secret ****)"), banner.toString());
      assertFalse(banner.toString().contains("s3cret-issuer-1"), "the secret is never printed");
    }
  }

  @Test
  void postsSignedWebhooksToTheIngressAndCountsHowKnotClosedEachSwitch() throws Exception {
    Map<String, String> env = embedded();
    env.put("SANDBOX_LIFECYCLE_DELAY", "300ms");
    env.put("SANDBOX_LIFECYCLE_FAILURE_SHARE", "0.3");
    AppConfig config = Launch.configure(env, List.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Launch launch = Launch.start(config, new PrintStream(new ByteArrayOutputStream(), true), true)
        .awaitRunning(Duration.ofSeconds(90))) {
      var ingress = launch.service().ingress().orElseThrow();
      DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
          launch.service().keyRing().currentPublicKey(), config.topology(), launch.stack().sandbox().orElseThrow())
          .viaIngress(ingress.url("127.0.0.1"), launch.stack().sandboxEndpoint().orElseThrow().secret());
      DemoReport report = Demo.run(DemoSettings.builder().events(120).seed(11).lifecycleWait(Duration.ofSeconds(30))
          .build(), targets, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true));

      assertEquals(0, report.exitCode(), out.toString());
      assertEquals(120, ingress.counters().acceptedCount() - lifecycleWebhooks(launch), "every event came through the ingress");
      var lifecycle = report.results().lifecycle();
      long switched = report.expectedCounts().get(ExpectedResult.SWITCHED);
      assertEquals(switched, lifecycle.confirmed() + lifecycle.failed(), report.summary());
      assertEquals(0, lifecycle.awaiting(), report.summary());
      assertEquals(0, lifecycle.noConfirmation(), report.summary());
      assertTrue(lifecycle.failed() > 0 && lifecycle.confirmed() > 0, "a 30% share of failures: " + report.summary());
      assertTrue(LifecycleWebhooks.FAILURE_REASONS.containsAll(lifecycle.failedByReason().keySet()), report.summary());
      String printed = out.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains("confirmed " + lifecycle.confirmed() + ", failed " + lifecycle.failed()), printed);
      assertTrue(printed.lines().reduce((a, b) -> b).orElseThrow()
          .contains("\"confirmed\":" + lifecycle.confirmed() + ",\"failed\":{"), printed);
    }
  }

  /** The sandbox's CARD_UPDATING and closing webhooks, which the ingress accepted too. */
  private static long lifecycleWebhooks(Launch launch) {
    return launch.stack().sandbox().orElseThrow().lifecycleStats().delivered().values().stream()
        .mapToLong(Long::longValue).sum();
  }
}
