package dev.cardswitch.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.schemas.internal.PendingSwitch;
import dev.cardswitch.schemas.internal.SwitchRequest;
import dev.cardswitch.topology.CallDrain;
import dev.cardswitch.topology.FakeKnot;
import dev.cardswitch.topology.SwitchCounters;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TestClock;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The switch processor alone, with its stores and punctuators driven by hand. */
class SwitchProcessorTest {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static final ECKey SERVICE_KEY = JwkSetKeyRing.generate("service-key-1");
  // MockProcessorContext serializes every store under one topic name ("changelog"), so each store's
  // serde gets a registry of its own, as each changelog topic has a subject of its own in a real run.
  static DevSchemaRegistry registry;
  static DevSchemaRegistry referenceRegistry;
  static TopologySerdes serdes;
  static TopologySerdes referenceSerdes;

  TestClock clock;
  FakeKnot knot;
  SwitchCounters counters;
  MockProcessorContext<String, Result> context;
  KeyValueStore<String, PendingSwitch> pending;
  TimestampedKeyValueStore<String, CardReference> references;
  CommitMarker marker;
  SwitchProcessor processor;

  @BeforeAll
  static void startRegistry() {
    registry = DevSchemaRegistry.builder().build().start();
    referenceRegistry = DevSchemaRegistry.builder().build().start();
    serdes = TopologySerdes.of(new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build()));
    referenceSerdes = TopologySerdes.of(
        new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(referenceRegistry.url()).build()));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
    referenceRegistry.close();
  }

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    knot = new FakeKnot();
    counters = new SwitchCounters();
    context = new MockProcessorContext<>();
    pending = init(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.PENDING), Serdes.String(),
        serdes.pending()).withLoggingDisabled().build());
    references = init(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.CARD_REFERENCES),
        Serdes.String(), referenceSerdes.cardReference()).withLoggingDisabled().build());
    init(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.WAITING), Serdes.String(),
        Serdes.ByteArray()).withLoggingDisabled().build()); // never written in these tests
    init(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(StoreNames.SWITCHED, Duration.ofDays(8),
        Duration.ofMillis(1), false), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    marker = init(new CommitMarker.Builder(StoreNames.COMMIT_MARKER).build());
    processor = new SwitchProcessor(TopologyConfig.defaults(),
        new SwitchPorts(knot, JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT), clock, counters),
        new InFlightLimit(16));
  }

  private <S extends StateStore> S init(S store) {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private void punctuateCompletions() {
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(clock.millis());
  }

  private SwitchRequest request(long task, String cardId) {
    return SwitchRequest.newBuilder()
        .setEvent(TestCards.authenticated(task, cardId, true, clock.instant()))
        .setDeadlineAt(clock.instant().plusSeconds(15))
        .setSourceTopic("knot-webhooks").setSourcePartition(2).setSourceOffset(40L + task)
        .build();
  }

  private CardReference reference(String cardId) {
    return TestCards.reference(cardId, TestCards.seedDocument(), SERVICE_KEY, T0);
  }

  @Test
  void sendsTheCardOnlyOnceThePendingSwitchIsCommitted() {
    references.put("card-1", ValueAndTimestamp.make(reference("card-1"), 0L));
    processor.init(context);
    processor.process(new Record<>("card-1", new Candidate(request(1, "card-1"), reference("card-1"), false), 0L));
    assertFalse(context.committed(), "no commit per record: the commit interval batches many switches per transaction");
    assertEquals(1, pending.approximateNumEntries());

    punctuateCompletions();
    assertTrue(knot.calls().isEmpty(), "nothing leaves before the pending switch is committed");

    marker.flush(); // Kafka Streams prepares the commit; the transaction commits before the next punctuation
    punctuateCompletions();
    assertEquals(1, knot.calls().size());
    assertEquals(1L, knot.call(0).taskId());
  }

  @Test
  void resendsAPendingSwitchRestoredAfterACrashAndSaysSo() {
    references.put("card-7", ValueAndTimestamp.make(reference("card-7"), 0L));
    pending.put("7", PendingSwitch.newBuilder().setRequest(request(7, "card-7")).setCardLastFour("4242")
        .setDispatches(1).setDispatchedAt(T0).build());
    processor.init(context);

    punctuateCompletions();
    assertEquals(1, knot.calls().size(), "the interrupted call is sent again at once: its entry was committed");
    assertEquals(2, pending.get("7").getDispatches());
    assertEquals(1, counters.resentCount());

    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    punctuateCompletions();
    List<MockProcessorContext.CapturedForward<? extends String, ? extends Result>> forwarded = context.forwarded();
    assertEquals(1, forwarded.size());
    Result result = forwarded.get(0).record().value();
    assertEquals(SwitchStatus.SWITCHED, result.outcome().getStatus());
    assertTrue(result.outcome().getResentAfterRestart());
    assertEquals(42L + 5, result.outcome().getSourceOffset(), "the source coordinates come from the pending entry");
    assertEquals(0, pending.approximateNumEntries());
  }

  @Test
  void writesNothingBackOnAFirstSendYetARestartCountsTheEntryAsPossiblySent() {
    references.put("card-1", ValueAndTimestamp.make(reference("card-1"), 0L));
    processor.init(context);
    processor.process(new Record<>("card-1", new Candidate(request(1, "card-1"), reference("card-1"), false), 0L));
    marker.flush();
    punctuateCompletions();
    assertEquals(1, knot.calls().size());
    PendingSwitch afterSend = pending.get("1");
    assertEquals(0, afterSend.getDispatches(), "the first send costs no changelog record");

    // The process dies with the call in flight; the next owner restores the same entry.
    SwitchProcessor next = new SwitchProcessor(TopologyConfig.defaults(),
        new SwitchPorts(knot, JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT), clock, counters),
        new InFlightLimit(16));
    int firstOfNext = context.scheduledPunctuators().size();
    next.init(context); // same stores: what the changelog restores
    context.scheduledPunctuators().get(firstOfNext).getPunctuator().punctuate(clock.millis());
    assertEquals(2, knot.calls().size(), "the restored switch is sent again");
    assertEquals(2, pending.get("1").getDispatches(), "counted as a re-send");
    assertEquals(1, counters.resentCount());
  }

  @Test
  void deadLettersARestoredSwitchWhoseWindowClosedWithoutCallingKnot() {
    references.put("card-8", ValueAndTimestamp.make(reference("card-8"), 0L));
    pending.put("8", PendingSwitch.newBuilder().setRequest(request(8, "card-8")).setCardLastFour("4242")
        .setDispatches(1).setDispatchedAt(T0).build());
    clock.advance(Duration.ofSeconds(20));
    processor.init(context);
    punctuateCompletions();
    assertTrue(knot.calls().isEmpty());
    Result result = context.forwarded().get(0).record().value();
    assertEquals(DeadLetterReason.DEADLINE_EXCEEDED, result.deadLetter().getReason());
    assertTrue(result.deadLetter().getDetail().contains(KnotCallResult.MAY_HAVE_SWITCHED),
        "it may have been sent before the restart: " + result.deadLetter().getDetail());
    assertEquals(0, pending.approximateNumEntries());
  }

  @Test
  void neverWaitsForACallSlotAndLeavesQueuedSwitchesToTheTasksNextOwner() {
    references.put("card-1", ValueAndTimestamp.make(reference("card-1"), 0L));
    InFlightLimit limit = new InFlightLimit(1);
    processor = new SwitchProcessor(TopologyConfig.defaults(),
        new SwitchPorts(knot, JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT), clock, counters),
        limit);
    processor.init(context);
    processor.process(new Record<>("card-1", new Candidate(request(1, "card-1"), reference("card-1"), false), 0L));
    processor.process(new Record<>("card-1", new Candidate(request(2, "card-1"), reference("card-1"), false), 0L));
    marker.flush();
    punctuateCompletions();
    assertEquals(1, knot.calls().size());
    assertEquals(1, limit.inFlight());
    processor.close();
    assertEquals(2, pending.approximateNumEntries(), "both switches stay pending for the task's next owner");
  }

  /** A processor whose ports carry {@code drain}, with task 1 sent to Knot and its answer still to come. */
  private void sendTask1With(CallDrain drain) {
    references.put("card-1", ValueAndTimestamp.make(reference("card-1"), 0L));
    processor = new SwitchProcessor(TopologyConfig.defaults(), new SwitchPorts(knot,
        JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT), clock, counters, drain),
        new InFlightLimit(16));
    processor.init(context);
    processor.process(new Record<>("card-1", new Candidate(request(1, "card-1"), reference("card-1"), false), 0L));
    marker.flush();
    punctuateCompletions();
  }

  @Test
  void aCleanStopStartsNoNewCallWaitsForTheAnswersAndLeavesTheRestAsFirstSendsForTheNextOwner() throws Exception {
    CallDrain drain = new CallDrain();
    sendTask1With(drain);
    assertEquals(1, knot.calls().size());
    assertEquals(1, drain.unsettled());
    processor.process(new Record<>("card-1", new Candidate(request(2, "card-1"), reference("card-1"), false), 0L));
    marker.flush();

    drain.start();
    punctuateCompletions();
    assertEquals(1, knot.calls().size(), "a stopping service starts no new call");
    assertEquals(SwitchProcessor.NEVER_SENT, pending.get("2").getDispatches(), "marked as never sent");
    assertFalse(drain.awaitSettled(Duration.ZERO), "task 1's answer is still to come");

    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    punctuateCompletions();
    assertTrue(drain.awaitSettled(Duration.ZERO));
    Result first = context.forwarded().get(0).record().value();
    assertEquals(SwitchStatus.SWITCHED, first.outcome().getStatus());
    assertFalse(first.outcome().getResentAfterRestart());
    processor.close();

    // The task's next owner restores task 2: a first send, not a re-send.
    SwitchProcessor next = new SwitchProcessor(TopologyConfig.defaults(),
        new SwitchPorts(knot, JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT), clock, counters),
        new InFlightLimit(16));
    int firstOfNext = context.scheduledPunctuators().size();
    next.init(context);
    context.scheduledPunctuators().get(firstOfNext).getPunctuator().punctuate(clock.millis());
    assertEquals(2, knot.calls().size());
    assertEquals(2L, knot.call(1).taskId());
    assertEquals(0, counters.resentCount(), "nothing reached Knot twice");
    assertEquals(0, pending.get("2").getDispatches(), "from now on a restart counts it as possibly sent");
    knot.call(1).future().complete(FakeKnot.switched(clock.instant()));
    context.scheduledPunctuators().get(firstOfNext).getPunctuator().punctuate(clock.millis());
    Result second = context.forwarded().get(1).record().value();
    assertEquals(2L, second.outcome().getTaskId());
    assertFalse(second.outcome().getResentAfterRestart());
  }

  @Test
  void aTaskClosedWithCallsInFlightStopsTheDrainWaitingForThem() throws Exception {
    CallDrain drain = new CallDrain();
    sendTask1With(drain);
    assertEquals(1, drain.unsettled());
    processor.close(); // the task moved away: its answer will not be forwarded from here
    assertTrue(drain.awaitSettled(Duration.ZERO));
  }
}
