package dev.cardswitch.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Demo#run} producing to and collecting from a real in-process broker, with a stand-in for
 * the service answering every event as the real one would (but at once, and without Knot).
 */
class DemoRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedKafka kafka;
  private static DevSchemaRegistry registry;
  private static KnotSandbox sandbox;
  private static SchemaRegistryClient registryClient;
  private static ECKey serviceKey;
  private static TopologyConfig topology;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(null);
    registry = DevSchemaRegistry.builder().build().start();
    sandbox = KnotSandbox.start();
    registryClient =
        new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
    serviceKey = JwkSetKeyRing.generate("service-key-1");
    topology = TopologyConfig.builder().window(Duration.ofSeconds(1)).build();
    kafka.createTopic(topology.webhookTopic(), 3, Map.of());
    kafka.createTopic(topology.cardReferenceTopic(), 3, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topology.outcomeTopic(), 3, Map.of());
    kafka.createTopic(topology.deadLetterTopic(), 2, Map.of());
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    registry.close();
    kafka.close();
  }

  private record Run(DemoReport report, String out, String err) {}

  private static Run run(DemoSettings settings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DemoTargets targets =
        new DemoTargets(kafka.bootstrapServers(), registryClient, serviceKey, topology, sandbox);
    DemoReport report =
        Demo.run(
            settings,
            targets,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        report, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyEventIsAccountedForExactlyOnceAndTheOutputEndsWithTheJsonLine() throws Exception {
    JwkSetKeyRing keyRing = JwkSetKeyRing.of(List.of(serviceKey), JwkSetKeyRing.Options.DEFAULT);
    try (StandInService service =
        new StandInService(
            kafka.bootstrapServers(), TopologySerdes.of(registryClient), topology, keyRing)) {
      Run first =
          run(DemoSettings.builder().events(150).seed(11).margin(Duration.ofSeconds(2)).build());

      DemoReport report = first.report();
      CollectedResults results = report.results();
      assertEquals(0, report.exitCode(), first.out());
      assertEquals(150, report.events());
      assertEquals(0, results.missing());
      assertEquals(0, results.duplicates());
      assertEquals(0, results.unexpected());
      assertFalse(results.deadlineReached(), "stopped as soon as every task had its result");
      assertEquals(
          report.expectedCounts().get(ExpectedResult.SWITCHED).longValue(), results.switched());
      assertEquals(15, results.skipped());
      assertEquals(
          5L, results.byReason().get(dev.cardswitch.schemas.DeadLetterReason.NO_CARD_REFERENCE));
      assertEquals(
          5L, results.byReason().get(dev.cardswitch.schemas.DeadLetterReason.INVALID_CARD_DATA));
      assertEquals(results.switched(), results.latencyCount());
      assertEquals(
          0L, report.knotCalls(), "the stand-in never calls the sandbox: a delta, not null");

      List<String> lines = first.out().lines().toList();
      JsonNode json = JSON.readTree(lines.get(lines.size() - 1));
      assertEquals(150, json.get("events").asInt());
      assertEquals(results.switched(), json.get("switched").asLong());
      assertTrue(first.err().contains("results ["), first.err());
      assertTrue(first.err().contains("produced 150/150"), first.err());
      assertFalse(first.out().contains("results ["), "progress stays off stdout");
      assertFalse(service.numbersSeen().isEmpty());
      for (String number : service.numbersSeen()) {
        assertFalse(
            first.out().contains(number) || first.err().contains(number),
            "a card number in the output");
      }

      // Same seed again on the same broker: new task and card ids, so nothing collides with run
      // one.
      Instant before = Instant.now();
      Run second =
          run(
              DemoSettings.builder()
                  .events(150)
                  .seed(11)
                  .rate(300)
                  .margin(Duration.ofSeconds(2))
                  .build());
      assertEquals(0, second.report().exitCode(), second.out());
      assertEquals(results.switched(), second.report().results().switched(), "the same mix");
      List<Instant> secondReceipts =
          service.receipts().values().stream().filter(at -> at.isAfter(before)).sorted().toList();
      assertEquals(150, secondReceipts.size(), "150 new tasks");
      Duration spread =
          Duration.between(secondReceipts.get(0), secondReceipts.get(secondReceipts.size() - 1));
      assertTrue(
          spread.toMillis() >= 149 * 1000 / 300 * 9 / 10,
          "paced at 300 events/s: spread " + spread);
    }
  }
}
