package dev.cardswitch.replay;

import static dev.cardswitch.replay.DeadLetterFixtures.deadLetter;
import static dev.cardswitch.replay.DeadLetterFixtures.rejected;
import static dev.cardswitch.replay.DeadLetterFixtures.switched;
import static dev.cardswitch.replay.DeadLetterFixtures.unreadable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.ReplayOrigin;
import dev.cardswitch.topology.TopologySerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The replay against the real in-process broker and the development registry: a mixed dead-letter
 * topic, dry run, filters, forced replay, idempotent re-runs, a task switched meanwhile, the rate.
 */
class ReplayerTest {

  private static EmbeddedKafka kafka;
  private static DevSchemaRegistry registry;
  private static HttpSchemaRegistryClient registryClient;
  private static TopologySerdes serdes;
  private static KafkaProducer<String, byte[]> producer;

  /** Truncated to millis, as Avro's timestamp-millis keeps it. */
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(null);
    registry = DevSchemaRegistry.builder().build().start();
    registryClient = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
    serdes = TopologySerdes.of(registryClient);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    producer.close();
    registry.close();
    kafka.close();
  }

  private static Replayer.Targets targetsFor(TestInfo test) {
    String name = test.getTestMethod().orElseThrow().getName();
    Replayer.Targets targets = new Replayer.Targets(kafka.bootstrapServers(), Map.of(), registryClient,
        "webhooks-" + name, "outcomes-" + name, "dead-letters-" + name,
        Replayer.Targets.ledgerTopicFor("dead-letters-" + name), Duration.ofSeconds(15), 2, 1);
    kafka.createTopic(targets.webhookTopic(), 2, Map.of());
    kafka.createTopic(targets.outcomeTopic(), 2, Map.of());
    kafka.createTopic(targets.deadLetterTopic(), 3, Map.of());
    return targets;
  }

  /** Produces a dead letter keyed by its task id, as card-switch does; returns where it landed. */
  private static DeadLetterAddress put(Replayer.Targets targets, DeadLetter d) throws Exception {
    String key = d.getTaskId() == null ? "unreadable-source-key" : Long.toString(d.getTaskId());
    RecordMetadata m = producer.send(new ProducerRecord<>(targets.deadLetterTopic(), key,
        serdes.deadLetter().serializer().serialize(targets.deadLetterTopic(), d))).get();
    return new DeadLetterAddress(m.topic(), m.partition(), m.offset());
  }

  private static void putOutcome(Replayer.Targets targets, long taskId, Instant at) throws Exception {
    producer.send(new ProducerRecord<>(targets.outcomeTopic(), Long.toString(taskId),
        serdes.outcome().serializer().serialize(targets.outcomeTopic(), switched(taskId, at)))).get();
  }

  /**
   * The mixed topic: replayable (101, 102, 105 twice, 106 three days old), not replayable (103
   * Knot's INVALID_FIELD, 107 a duplicate), switched meanwhile (104), no event, and bytes that are
   * no dead letter at all. Merchant 20 for 102, 10 for the rest.
   */
  private Map<Long, DeadLetterAddress> mixedTopic(Replayer.Targets targets) throws Exception {
    Instant hourAgo = now.minus(Duration.ofHours(1));
    Map<Long, DeadLetterAddress> at = new HashMap<>();
    at.put(101L, put(targets, deadLetter(101, DeadLetterReason.NO_CARD_REFERENCE, 10, hourAgo)));
    at.put(102L, put(targets, deadLetter(102, DeadLetterReason.KNOT_UNAVAILABLE, 20, hourAgo)));
    at.put(103L, put(targets, rejected(103, "INVALID_FIELD", 10, hourAgo)));
    at.put(104L, put(targets, deadLetter(104, DeadLetterReason.DEADLINE_EXCEEDED, 10, hourAgo)));
    at.put(-105L, put(targets, deadLetter(105, DeadLetterReason.NO_CARD_REFERENCE, 10, now.minusSeconds(3000))));
    at.put(105L, put(targets, deadLetter(105, DeadLetterReason.NO_CARD_REFERENCE, 10, now.minusSeconds(2400))));
    put(targets, unreadable(hourAgo));
    at.put(106L, put(targets, deadLetter(106, DeadLetterReason.KNOT_AUTH_FAILED, 10, now.minus(Duration.ofDays(3)))));
    at.put(107L, put(targets, deadLetter(107, DeadLetterReason.DUPLICATE_EVENT, 10, hourAgo)));
    producer.send(new ProducerRecord<>(targets.deadLetterTopic(), "garbage",
        "not a dead letter".getBytes(StandardCharsets.UTF_8))).get();
    putOutcome(targets, 104, hourAgo.plusSeconds(30));
    return at;
  }

  private ReplayReport run(Replayer.Targets targets, ReplayOptions options, Clock clock) {
    return new Replayer(targets, clock).run(options, new PrintStream(new ByteArrayOutputStream(), true), false);
  }

  /** The webhook topic as card-switch would read it: committed events by task id. */
  private static Map<Long, List<KnotWebhookEvent>> webhooks(Replayer.Targets targets) {
    Map<Long, List<KnotWebhookEvent>> byTask = new TreeMap<>();
    TopicScan.read(targets.bootstrapServers(), Map.of(), targets.webhookTopic(), false, r -> {
      KnotWebhookEvent e = serdes.event().deserializer().deserialize(r.topic(), r.value());
      assertEquals(Long.toString(e.getTaskId()), r.key(), "keyed by task id, as card-switch reads it");
      byTask.computeIfAbsent(e.getTaskId(), t -> new ArrayList<>()).add(e);
    });
    return byTask;
  }

  private static boolean topicExists(String name) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      return admin.listTopics().names().get().contains(name);
    }
  }

  private static Map<SkipReason, Long> skips(long noEvent, long alreadyReplayed, long notReplayable,
      long alreadySwitched, long superseded) {
    Map<SkipReason, Long> m = new java.util.EnumMap<>(SkipReason.class);
    m.put(SkipReason.NO_EVENT, noEvent);
    m.put(SkipReason.ALREADY_REPLAYED, alreadyReplayed);
    m.put(SkipReason.NOT_REPLAYABLE, notReplayable);
    m.put(SkipReason.ALREADY_SWITCHED, alreadySwitched);
    m.put(SkipReason.SUPERSEDED, superseded);
    return m;
  }

  @Test
  void aDryRunReportsWhatWouldHappenAndWritesNothing(TestInfo test) throws Exception {
    Replayer.Targets targets = targetsFor(test);
    mixedTopic(targets);

    ReplayReport report = run(targets, ReplayOptions.dryRun(ReplayFilter.all()), clock);

    assertTrue(report.dryRun());
    assertEquals(10, report.read());
    assertEquals(1, report.unreadable());
    assertEquals(9, report.selected());
    assertEquals(4, report.toReplay(), "101, 102, the later 105, 106");
    assertEquals(0, report.replayed());
    assertEquals(skips(1, 0, 2, 1, 1), report.skipped());
    assertEquals(4, report.knotWindowClosed(), "every event is older than Knot's 15 s");
    assertEquals(Map.of(), webhooks(targets), "a dry run produces no event");
    assertFalse(topicExists(targets.ledgerTopic()), "a dry run does not even create the ledger");

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    report.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
    String text = printed.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("run again with --execute to replay 4 dead letters"), text);
    assertTrue(text.contains("skip: not_replayable") && text.contains("skip: already_switched"), text);
    assertTrue(text.contains("probably pointless"), text);
    String json = text.strip().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(json.startsWith("{\"dry_run\":true,"), json);
    assertTrue(json.contains("\"selected\":9,\"replayed\":0,\"to_replay\":4,\"skipped\":5,"), json);
    assertTrue(json.contains("\"skipped_by\":{\"NO_EVENT\":1,\"ALREADY_REPLAYED\":0,\"NOT_REPLAYABLE\":2,"
        + "\"ALREADY_SWITCHED\":1,\"SUPERSEDED\":1}"), json);
  }

  @Test
  void replaysTheSelectionOnceLinkedToItsDeadLetterAndNeverTwice(TestInfo test) throws Exception {
    Replayer.Targets targets = targetsFor(test);
    Map<Long, DeadLetterAddress> at = mixedTopic(targets);
    ReplayFilter merchant10Recent = ReplayFilter.builder().merchants(List.of("10"))
        .from(TimeArgument.parse("--from", "2h ago", clock)).build();
    ReplayOptions execute = new ReplayOptions(merchant10Recent, false, true, 1000);

    ReplayReport first = run(targets, execute, clock);
    assertFalse(first.dryRun());
    assertEquals(6, first.selected(), "101, 103, 104, both 105, 107");
    assertEquals(2, first.replayed());
    assertEquals(skips(0, 0, 2, 1, 1), first.skipped());
    Map<Long, List<KnotWebhookEvent>> events = webhooks(targets);
    assertEquals(List.of(101L, 105L), List.copyOf(events.keySet()));
    for (long task : List.of(101L, 105L)) {
      KnotWebhookEvent e = events.get(task).get(0);
      assertEquals(now, e.getReceivedAt(), "a fresh receipt time: the new attempt's window starts now");
      ReplayOrigin origin = e.getReplayOf();
      assertNotNull(origin);
      assertEquals(at.get(task), DeadLetterAddress.of(origin), "the later dead letter of 105");
      assertEquals("NO_CARD_REFERENCE", origin.getReason());
      assertEquals(now, origin.getReplayedAt());
      assertFalse(origin.getForced());
      assertEquals("card-" + task, e.getData().getCardId(), "otherwise the event as Knot sent it");
      Instant knotTime = (task == 101 ? now.minus(Duration.ofHours(1)) : now.minusSeconds(2400)).minusMillis(150);
      assertEquals(knotTime, e.getTimestamp(), "Knot's own timestamp is kept");
    }
    assertEquals(2, ReplayLedger.read(targets.bootstrapServers(), Map.of(), targets.ledgerTopic()).size());

    ReplayReport again = run(targets, execute, clock);
    assertEquals(0, again.replayed());
    assertEquals(skips(0, 3, 2, 1, 0), again.skipped(), "101 and both dead letters of 105 are covered");
    assertEquals(2, webhooks(targets).values().stream().mapToInt(List::size).sum(), "nothing replayed twice");

    // Meanwhile task 102 got an outcome (a new AUTHENTICATED event switched it): it is skipped.
    putOutcome(targets, 102, now);
    ReplayReport rest = run(targets, new ReplayOptions(ReplayFilter.all(), false, true, 1000), clock);
    assertEquals(1, rest.replayed(), "only 106, three days old but replayable");
    assertEquals(skips(1, 3, 2, 2, 0), rest.skipped());
    assertEquals(List.of(101L, 105L, 106L), List.copyOf(webhooks(targets).keySet()));

    // Knot rejected 103's card for a field: after correcting the reference, an SRE forces it.
    ReplayReport forced = run(targets, new ReplayOptions(ReplayFilter.builder()
        .knotErrorCodes(List.of("INVALID_FIELD")).build(), true, true, 1000), clock);
    assertEquals(1, forced.replayed());
    ReplayOrigin origin = webhooks(targets).get(103L).get(0).getReplayOf();
    assertTrue(origin.getForced());
    assertEquals("KNOT_REJECTED", origin.getReason());
    assertEquals(at.get(103L), DeadLetterAddress.of(origin));
    ReplayReport everything = run(targets, new ReplayOptions(ReplayFilter.all(), true, true, 1000), clock);
    assertEquals(1, everything.replayed(), "with --force only 107 (a duplicate) is left to replay");
    assertEquals(List.of(101L, 103L, 105L, 106L, 107L), List.copyOf(webhooks(targets).keySet()));
    assertEquals(5, webhooks(targets).values().stream().mapToInt(List::size).sum());
  }

  @Test
  void respectsTheRate(TestInfo test) throws Exception {
    Replayer.Targets targets = targetsFor(test);
    int n = 8;
    double rate = 20;
    for (int i = 0; i < n; i++) {
      put(targets, deadLetter(200 + i, DeadLetterReason.KNOT_UNAVAILABLE, 10, now.minusSeconds(60)));
    }
    Clock system = Clock.systemUTC();
    long started = System.nanoTime();
    ReplayReport report = run(targets, new ReplayOptions(ReplayFilter.all(), false, true, rate), system);
    long elapsedNanos = System.nanoTime() - started;
    assertEquals(n, report.replayed());

    // Each event's receipt time is taken when its permit is granted: measured, not assumed.
    List<Instant> received = webhooks(targets).values().stream().map(l -> l.get(0).getReceivedAt())
        .sorted(Comparator.naturalOrder()).toList();
    assertEquals(n, received.size());
    long minimumMillis = Math.round((n - 1) * 1000 / rate);
    long spreadMillis = Duration.between(received.get(0), received.get(n - 1)).toMillis();
    assertTrue(spreadMillis >= minimumMillis - 1, "8 replays at 20/s took " + spreadMillis + " ms, less than "
        + minimumMillis + " ms");
    for (int i = 1; i < n; i++) {
      long gap = Duration.between(received.get(i - 1), received.get(i)).toMillis();
      assertTrue(gap >= Math.round(1000 / rate) - 1, "two replays " + gap + " ms apart at 20/s");
    }
    assertTrue(elapsedNanos >= minimumMillis * 1_000_000L);
  }
}
