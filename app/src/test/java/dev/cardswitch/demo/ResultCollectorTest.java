package dev.cardswitch.demo;

import static dev.cardswitch.demo.ResultRecords.deadLetter;
import static dev.cardswitch.demo.ResultRecords.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The collector on a real in-process broker and the development registry. */
class ResultCollectorTest {

  private static EmbeddedKafka kafka;
  private static DevSchemaRegistry registry;
  private static TopologySerdes serdes;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(null);
    registry = DevSchemaRegistry.builder().build().start();
    serdes =
        TopologySerdes.of(
            new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build()));
  }

  @AfterAll
  static void stop() {
    registry.close();
    kafka.close();
  }

  /** Result topics of their own per test, with a one-second window. */
  private static TopologyConfig topicsFor(TestInfo test) {
    String name = test.getTestMethod().orElseThrow().getName();
    TopologyConfig topology =
        TopologyConfig.builder()
            .webhookTopic("webhooks-" + name)
            .cardReferenceTopic("references-" + name)
            .outcomeTopic("outcomes-" + name)
            .deadLetterTopic("dead-letters-" + name)
            .window(Duration.ofSeconds(1))
            .build();
    kafka.createTopic(topology.outcomeTopic(), 3, Map.of());
    kafka.createTopic(topology.deadLetterTopic(), 2, Map.of());
    return topology;
  }

  private static ResultCollector collector(TopologyConfig topology, Duration margin) {
    return new ResultCollector(
        kafka.bootstrapServers(), Map.of(), serdes, topology, margin, Clock.systemUTC());
  }

  /** Writes outcomes and dead letters, in one transaction committed or aborted. */
  private static final class Results {
    private final TopologyConfig topology;
    private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();

    Results(TopologyConfig topology) {
      this.topology = topology;
    }

    Results outcome(SwitchOutcome outcome) {
      String topic = topology.outcomeTopic();
      records.add(
          new ProducerRecord<>(
              topic,
              Long.toString(outcome.getTaskId()),
              serdes.outcome().serializer().serialize(topic, outcome)));
      return this;
    }

    Results deadLetter(DeadLetter deadLetter) {
      String topic = topology.deadLetterTopic();
      records.add(
          new ProducerRecord<>(
              topic,
              Long.toString(deadLetter.getTaskId()),
              serdes.deadLetter().serializer().serialize(topic, deadLetter)));
      return this;
    }

    Results garbage() {
      records.add(
          new ProducerRecord<>(topology.outcomeTopic(), "?", new byte[] {0, 0, 0, 0, 42, 1, 2}));
      return this;
    }

    void commit() {
      write(true);
    }

    void abort() {
      write(false);
    }

    private void write(boolean commit) {
      Map<String, Object> config =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              kafka.bootstrapServers(),
              ProducerConfig.TRANSACTIONAL_ID_CONFIG,
              "results-" + System.nanoTime());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.flush();
        if (commit) {
          producer.commitTransaction();
        } else {
          producer.abortTransaction();
        }
      }
    }
  }

  private static Map<Long, ExpectedResult> planned(Object... taskAndExpected) {
    Map<Long, ExpectedResult> planned = new LinkedHashMap<>();
    for (int i = 0; i < taskAndExpected.length; i += 2) {
      planned.put(
          ((Number) taskAndExpected[i]).longValue(), (ExpectedResult) taskAndExpected[i + 1]);
    }
    return planned;
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void accountsForEveryTaskReadingOnlyCommittedResultsWrittenAfterPrepare(TestInfo test) {
    TopologyConfig topology = topicsFor(test);
    Instant t = Instant.now();
    Map<Long, ExpectedResult> planned =
        planned(
            1,
            ExpectedResult.SWITCHED,
            2,
            ExpectedResult.SWITCHED,
            3,
            ExpectedResult.SWITCHED,
            4,
            ExpectedResult.SWITCHED,
            5,
            ExpectedResult.SWITCHED,
            6,
            ExpectedResult.SKIPPED,
            7,
            ExpectedResult.NO_CARD_REFERENCE,
            8,
            ExpectedResult.INVALID_CARD_DATA,
            9,
            ExpectedResult.SWITCHED,
            10,
            ExpectedResult.SWITCHED);
    // An earlier run's results for the same task ids: before prepare(), so never read.
    new Results(topology)
        .outcome(outcome(1, SwitchStatus.SWITCHED, t, ms(9000)))
        .deadLetter(deadLetter(2, DeadLetterReason.KNOT_UNAVAILABLE, t, ms(9000), 503))
        .commit();

    List<Long> accounted = new ArrayList<>();
    List<String> read = new ArrayList<>();
    CollectedResults results;
    try (ResultCollector collector = collector(topology, Duration.ofSeconds(1))) {
      collector.prepare();
      new Results(topology)
          .outcome(outcome(1, SwitchStatus.SWITCHED, t, ms(100)))
          .outcome(outcome(2, SwitchStatus.SWITCHED, t, ms(200)))
          .outcome(outcome(3, SwitchStatus.SWITCHED, t, ms(300)))
          .outcome(outcome(4, SwitchStatus.SWITCHED, t, ms(400)))
          .outcome(outcome(5, SwitchStatus.SWITCHED, t, ms(500)))
          .outcome(outcome(6, SwitchStatus.SKIPPED, t, ms(3)))
          .deadLetter(deadLetter(7, DeadLetterReason.NO_CARD_REFERENCE, t, ms(15_000), null))
          .deadLetter(deadLetter(8, DeadLetterReason.INVALID_CARD_DATA, t, ms(5), null))
          .deadLetter(deadLetter(10, DeadLetterReason.KNOT_REJECTED, t, ms(600), 400))
          .deadLetter(deadLetter(3, DeadLetterReason.DUPLICATE_EVENT, t, ms(50), null))
          .outcome(outcome(999, SwitchStatus.SWITCHED, t, ms(1)))
          .garbage()
          .commit();
      // Task 9's result is in an aborted transaction: it must stay missing.
      new Results(topology).outcome(outcome(9, SwitchStatus.SWITCHED, t, ms(700))).abort();

      results =
          collector.collect(
              planned,
              CompletableFuture.completedFuture(Instant.now().minus(topology.window())),
              new ResultCollector.Listener() {
                @Override
                public void accounted(long taskId, TaskResult result) {
                  accounted.add(taskId);
                }

                @Override
                public void read(long taskId, org.apache.avro.specific.SpecificRecord result) {
                  read.add(taskId + " " + result.getClass().getSimpleName());
                }
              });
    }

    assertEquals(10, results.planned());
    assertEquals(Map.of(SwitchStatus.SWITCHED, 5L, SwitchStatus.SKIPPED, 1L), results.byStatus());
    assertEquals(
        Map.of(
            DeadLetterReason.NO_CARD_REFERENCE,
            1L,
            DeadLetterReason.INVALID_CARD_DATA,
            1L,
            DeadLetterReason.KNOT_REJECTED,
            1L),
        results.byReason());
    assertEquals(1, results.missing());
    assertEquals(List.of(9L), results.missingSample());
    assertEquals(1, results.duplicates(), "task 3's second result, in the other topic");
    assertEquals(1, results.unexpected());
    assertEquals(
        List.of("task 10: expected SWITCHED, got dead letter KNOT_REJECTED"),
        results.unexpectedSample());
    assertEquals(1, results.foreign());
    assertEquals(1, results.unreadable());
    assertTrue(results.deadlineReached(), "task 9 never came: stopped at the deadline");
    assertEquals(9, accounted.size());
    assertFalse(accounted.contains(9L));
    // Every readable result is read, duplicates and foreign tasks included; garbage and aborted ones are not.
    assertEquals(
        new java.util.TreeSet<>(List.of("1 SwitchOutcome", "2 SwitchOutcome", "3 SwitchOutcome",
            "4 SwitchOutcome", "5 SwitchOutcome", "6 SwitchOutcome", "999 SwitchOutcome", "7 DeadLetter",
            "8 DeadLetter", "10 DeadLetter", "3 DeadLetter")),
        new java.util.TreeSet<>(read));
    assertEquals(11, read.size(), "each once: " + read);
    // Knot answered tasks 1-5 (200) and 10 (400): 100..600 ms.
    assertEquals(6, results.latencyCount());
    assertEquals(300L, results.latencyPercentileMillis(50));
    assertEquals(600L, results.latencyPercentileMillis(95));
    assertEquals(600L, results.latencyPercentileMillis(99));
  }

  @Test
  void stopsAsSoonAsEveryTaskHasAResultWhileResultsKeepComing(TestInfo test) throws Exception {
    TopologyConfig topology = topicsFor(test);
    Map<Long, ExpectedResult> planned =
        planned(
            21,
            ExpectedResult.SWITCHED,
            22,
            ExpectedResult.SKIPPED,
            23,
            ExpectedResult.NO_CARD_REFERENCE);
    CompletableFuture<Instant> lastReceipt = new CompletableFuture<>();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (ResultCollector collector = collector(topology, Duration.ofMinutes(5))) {
      collector.prepare();
      Future<CollectedResults> collecting =
          thread.submit(
              () -> collector.collect(planned, lastReceipt, new ResultCollector.Listener() {}));
      Instant t = Instant.now();
      new Results(topology).outcome(outcome(21, SwitchStatus.SWITCHED, t, ms(40))).commit();
      lastReceipt.complete(t); // producing ended: the deadline is minutes away
      new Results(topology)
          .outcome(outcome(22, SwitchStatus.SKIPPED, t, ms(2)))
          .deadLetter(deadLetter(23, DeadLetterReason.NO_CARD_REFERENCE, t, ms(1000), null))
          .outcome(outcome(21, SwitchStatus.SWITCHED, t, ms(41)))
          .commit();

      CollectedResults results = collecting.get(60, TimeUnit.SECONDS);

      assertFalse(results.deadlineReached());
      assertEquals(0, results.missing());
      assertEquals(0, results.unexpected());
      assertEquals(
          1, results.duplicates(), "a duplicate committed with the last result is still counted");
      assertEquals(40L, results.latencyPercentileMillis(50));
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void countsHowKnotClosedEachSwitchApartFromTheResultsAndWaitsForTheLastOne(TestInfo test) throws Exception {
    TopologyConfig topology = topicsFor(test);
    Map<Long, ExpectedResult> planned = planned(51, ExpectedResult.SWITCHED, 52, ExpectedResult.SWITCHED,
        53, ExpectedResult.SWITCHED, 54, ExpectedResult.SKIPPED);
    CompletableFuture<Instant> lastReceipt = new CompletableFuture<>();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (ResultCollector collector = collector(topology, Duration.ofMinutes(5)).awaitLifecycle(Duration.ofMinutes(1))) {
      collector.prepare();
      Future<CollectedResults> collecting =
          thread.submit(() -> collector.collect(planned, lastReceipt, new ResultCollector.Listener() {}));
      Instant t = Instant.now();
      new Results(topology)
          .outcome(outcome(51, SwitchStatus.SWITCHED, t, ms(40)))
          .outcome(outcome(52, SwitchStatus.SWITCHED, t, ms(40)))
          .outcome(outcome(53, SwitchStatus.SWITCHED, t, ms(40)))
          .outcome(outcome(54, SwitchStatus.SKIPPED, t, ms(1)))
          .outcome(lifecycle(51, SwitchStatus.CARD_UPDATED, null, t))
          .outcome(lifecycle(52, SwitchStatus.CARD_FAILED, "card expired", t))
          .outcome(lifecycle(52, SwitchStatus.CARD_FAILED, "card expired", t)) // one too many
          .commit();
      lastReceipt.complete(t);
      // Every task has its result; the collector still waits for task 53's lifecycle record.
      new Results(topology).outcome(lifecycle(53, SwitchStatus.NO_CONFIRMATION, null, t)).commit();

      CollectedResults results = collecting.get(60, TimeUnit.SECONDS);
      assertEquals(Map.of(SwitchStatus.SWITCHED, 3L, SwitchStatus.SKIPPED, 1L), results.byStatus());
      assertEquals(0, results.unexpected());
      assertEquals(new CollectedResults.Lifecycle(1, Map.of("card expired", 1L), 1, 0), results.lifecycle());
      assertEquals(1, results.duplicates(), "a second lifecycle record of task 52");
    } finally {
      thread.shutdownNow();
    }
  }

  private static SwitchOutcome lifecycle(long taskId, SwitchStatus status, String reason, Instant switchedAt) {
    SwitchOutcome switched = outcome(taskId, SwitchStatus.SWITCHED, switchedAt, ms(40));
    return SwitchOutcome.newBuilder(switched).setStatus(status).setFailureReason(reason)
        .setSwitchedAt(switched.getCompletedAt()).setCompletedAt(switched.getCompletedAt().plusSeconds(2)).build();
  }

  @Test
  void givesUpAtOnceWhenProducingFailed(TestInfo test) {
    TopologyConfig topology = topicsFor(test);
    try (ResultCollector collector = collector(topology, Duration.ofMinutes(5))) {
      collector.prepare();
      CollectedResults results =
          collector.collect(
              planned(31, ExpectedResult.SWITCHED),
              CompletableFuture.failedFuture(new IllegalStateException("broker gone")),
              new ResultCollector.Listener() {});

      assertEquals(1, results.missing());
      assertFalse(results.deadlineReached());
    }
  }

  @Test
  void collectingBeforePrepareIsRefused(TestInfo test) {
    TopologyConfig topology = topicsFor(test);
    try (ResultCollector collector = collector(topology, Duration.ZERO)) {
      assertThrows(
          IllegalStateException.class,
          () ->
              collector.collect(
                  planned(41, ExpectedResult.SWITCHED),
                  CompletableFuture.completedFuture(Instant.now()),
                  new ResultCollector.Listener() {}));
    }
  }

  @Test
  void aMissingTopicIsNamedWithTheFix() {
    TopologyConfig topology =
        TopologyConfig.builder()
            .outcomeTopic("no-such-outcomes")
            .deadLetterTopic("no-such-dead-letters")
            .build();
    try (ResultCollector collector = collector(topology, Duration.ZERO)) {
      DemoException e = assertThrows(DemoException.class, collector::prepare);
      assertEquals(DemoException.RESULTS_UNREADABLE, e.reason());
      assertTrue(
          e.getMessage().contains("no-such-outcomes")
              && e.getMessage().contains("start the service"),
          e.getMessage());
    }
  }
}
