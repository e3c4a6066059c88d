package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotError;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.ReplayOrigin;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every branch of the switch topology, driven by {@link TopologyTestDriver}, a fake Knot and a test clock. */
class SwitchTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  static DevSchemaRegistry registry;
  static HttpSchemaRegistryClient registryClient;
  static final ECKey SERVICE_KEY = JwkSetKeyRing.generate("service-key-1");

  TestClock clock;
  FakeKnot knot;
  SwitchCounters counters;
  TopologySerdes serdes;
  TopologyTestDriver driver;
  TestInputTopic<String, KnotWebhookEvent> webhooks;
  TestInputTopic<String, byte[]> rawWebhooks;
  TestInputTopic<String, CardReference> references;
  TestInputTopic<String, byte[]> rawReferences;
  TestOutputTopic<String, SwitchOutcome> outcomes;
  TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeAll
  static void startRegistry() {
    registry = DevSchemaRegistry.builder().build().start();
    registryClient = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void start() {
    startWith(TopologyConfig.defaults());
  }

  void startWith(TopologyConfig config) {
    clock = new TestClock(T0);
    knot = new FakeKnot();
    counters = new SwitchCounters();
    serdes = TopologySerdes.of(registryClient);
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT);
    var topology = SwitchTopology.build(config, new SwitchPorts(knot, ring, clock, counters), serdes);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "card-switch-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.putAll(DeadLetterExceptionHandler.streamsConfig(config.webhookTopic(), config.cardReferenceTopic(),
        config.deadLetterTopic(), serdes.deadLetter().serializer(), clock));
    driver = new TopologyTestDriver(topology, props, T0);
    webhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(), serdes.event().serializer());
    rawWebhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(), new ByteArraySerializer());
    references = driver.createInputTopic(config.cardReferenceTopic(), new StringSerializer(), serdes.cardReference().serializer());
    rawReferences = driver.createInputTopic(config.cardReferenceTopic(), new StringSerializer(), new ByteArraySerializer());
    outcomes = driver.createOutputTopic(config.outcomeTopic(), new StringDeserializer(), serdes.outcome().deserializer());
    deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new StringDeserializer(), serdes.deadLetter().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  void advance(Duration by) {
    clock.advance(by);
    driver.advanceWallClockTime(by);
  }

  void loadReference(String cardId) {
    references.pipeInput(cardId, TestCards.reference(cardId, TestCards.seedDocument(), SERVICE_KEY, clock.instant()));
    punctuate();
  }

  void sendEvent(long taskId, String cardId, boolean sendCard) {
    webhooks.pipeInput(Long.toString(taskId), TestCards.authenticated(taskId, cardId, sendCard, clock.instant()));
    punctuate();
  }

  /** One completion interval: committed switches are sent, finished calls become results. */
  void punctuate() {
    advance(TopologyConfig.DEFAULT_COMPLETION_INTERVAL);
  }

  @Test
  void switchesACardWhoseReferenceIsThere() {
    loadReference("card-1");
    Instant receivedAt = clock.instant();
    sendEvent(408321, "card-1", true);

    assertEquals(1, knot.calls().size());
    FakeKnot.Call call = knot.call(0);
    assertEquals(408321, call.taskId());
    assertEquals(receivedAt.plusSeconds(15), call.deadline());
    String sentToKnot = FakeKnot.openJwe(call);
    assertTrue(sentToKnot.contains("\"number\":\"" + TestCards.PAN + "\""), "Knot gets the card intact");
    assertTrue(outcomes.isEmpty(), "nothing is published before Knot answers");

    advance(Duration.ofMillis(200));
    call.future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));

    TestRecord<String, SwitchOutcome> out = outcomes.readRecord();
    assertEquals("408321", out.key());
    SwitchOutcome outcome = out.value();
    assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
    assertEquals("4242", outcome.getCardLastFour());
    assertEquals("card-1", outcome.getCardId());
    assertEquals(10L, outcome.getMerchantId());
    assertEquals(200, outcome.getHttpStatus());
    assertEquals(1, outcome.getAttempts());
    assertEquals("knot-webhooks", outcome.getSourceTopic());
    assertEquals(0L, outcome.getSourceOffset());
    assertEquals(receivedAt.plusSeconds(15), outcome.getDeadlineAt());
    assertFalse(outcome.getResentAfterRestart());
    assertTrue(outcomes.isEmpty());
    assertTrue(deadLetters.isEmpty());
    assertEquals(Map.of("SWITCHED", 1L), counters.outcomes());
    assertEquals(0, counters.inFlight());
  }

  @Test
  void skipsWithoutCallingKnotWhenSendCardIsFalse() {
    sendEvent(1, "card-1", false);
    SwitchOutcome outcome = outcomes.readValue();
    assertEquals(SwitchStatus.SKIPPED, outcome.getStatus());
    assertEquals(0, outcome.getAttempts());
    assertNull(outcome.getCardLastFour());
    assertTrue(knot.calls().isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void ignoresMerchantLoginEventsAndLeavesLifecycleEventsToTheLifecycle() {
    loadReference("card-1");
    webhooks.pipeInput("7", TestCards.event("CARD_UPDATED", 7, "card-1", null, clock.instant()));
    webhooks.pipeInput("7", TestCards.event("OTP_REQUIRED", 7, "card-1", null, clock.instant()));
    advance(Duration.ofSeconds(1));
    assertTrue(outcomes.isEmpty());
    assertTrue(deadLetters.isEmpty());
    assertTrue(knot.calls().isEmpty());
    assertEquals(Map.of("OTP_REQUIRED", 1L), counters.ignored());
  }

  @Test
  void deadLettersAnEventAlreadyPastItsDeadlineWithoutCallingKnot() {
    loadReference("card-1");
    KnotWebhookEvent late = TestCards.authenticated(5, "card-1", true, T0.minusSeconds(16));
    webhooks.pipeInput("5", late);
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.DEADLINE_EXCEEDED, deadLetter.getReason());
    assertEquals(5L, deadLetter.getTaskId());
    assertEquals(T0.minusSeconds(1), deadLetter.getDeadlineAt());
    assertEquals(late, deadLetter.getEvent());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void measuresTheWindowFromKnotsTimestampWhenReceiptWasNotRecorded() {
    loadReference("card-1");
    KnotWebhookEvent event = TestCards.authenticated(6, "card-1", true, T0);
    event.setReceivedAt(null);
    event.setTimestamp(T0.minusSeconds(10));
    webhooks.pipeInput("6", event);
    punctuate();
    assertEquals(T0.plusSeconds(5), knot.call(0).deadline());
  }

  @Test
  void sendsTheCardOnceWhenTheReferenceArrivesAfterTheEvent() {
    sendEvent(11, "card-late", true);
    advance(Duration.ofSeconds(3));
    assertTrue(knot.calls().isEmpty(), "no reference yet: the event waits");
    assertTrue(deadLetters.isEmpty());

    loadReference("card-late");
    assertEquals(1, knot.calls().size());
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));
    assertEquals(SwitchStatus.SWITCHED, outcomes.readValue().getStatus());

    loadReference("card-late"); // an update of the reference releases nothing more
    advance(Duration.ofSeconds(20));
    assertEquals(1, knot.calls().size());
    assertTrue(outcomes.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void aRepeatedEventWaitingForItsReferenceIsADuplicateBeforeAndAfterTheWaitingStoreEmpties() {
    sendEvent(13, "card-late-1", true);
    advance(Duration.ofSeconds(1)); // wait scans run and find it still waiting
    sendEvent(13, "card-late-1", true);
    assertEquals(DeadLetterReason.DUPLICATE_EVENT, deadLetters.readValue().getReason());
    loadReference("card-late-1");
    assertEquals(1, knot.calls().size());
    advance(Duration.ofSeconds(1)); // the next scan finds nothing waiting

    sendEvent(14, "card-late-2", true);
    sendEvent(14, "card-late-2", true); // before any scan: the store is known to hold it again
    assertEquals(DeadLetterReason.DUPLICATE_EVENT, deadLetters.readValue().getReason());
    advance(Duration.ofSeconds(1));
    sendEvent(14, "card-late-2", true);
    assertEquals(DeadLetterReason.DUPLICATE_EVENT, deadLetters.readValue().getReason());
    loadReference("card-late-2");
    assertEquals(2, knot.calls().size(), "each waiting task is sent once");
    assertEquals(14L, knot.call(1).taskId());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void deadLettersNoCardReferenceWhenNoneArrivesBeforeTheDeadline() {
    sendEvent(12, "card-missing", true);
    advance(Duration.ofSeconds(14));
    assertTrue(deadLetters.isEmpty());
    advance(Duration.ofMillis(1250));
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.NO_CARD_REFERENCE, deadLetter.getReason());
    assertEquals("card-missing", deadLetter.getCardId());
    assertTrue(deadLetter.getReplayable());
    loadReference("card-missing");
    assertTrue(knot.calls().isEmpty(), "a reference after the deadline releases nothing");
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void aReplayedEventKeepsItsLinkToTheDeadLetterInItsOutcomeOrNewDeadLetter() {
    // Knot's event is an hour old; the replay gave it a fresh receipt time, so the window is the new one.
    ReplayOrigin origin = ReplayOrigin.newBuilder().setDeadLetterTopic("switch-dead-letters")
        .setDeadLetterPartition(2).setDeadLetterOffset(41).setReason("NO_CARD_REFERENCE")
        .setReplayedAt(clock.instant()).setForced(false).build();
    KnotWebhookEvent replayed = KnotWebhookEvent.newBuilder(
            TestCards.authenticated(21, "card-1", true, clock.instant()))
        .setTimestamp(clock.instant().minus(Duration.ofHours(1))).setReplayOf(origin).build();
    loadReference("card-1");
    Instant receivedAt = clock.instant();
    webhooks.pipeInput("21", KnotWebhookEvent.newBuilder(replayed).setReceivedAt(receivedAt).build());
    punctuate();
    assertEquals(1, knot.calls().size(), "the fresh receipt time opens a new window");
    assertEquals(receivedAt.plusSeconds(15), knot.call(0).deadline());
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    punctuate();
    SwitchOutcome outcome = outcomes.readValue();
    assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
    assertEquals(origin, outcome.getReplayOf());

    webhooks.pipeInput("22", KnotWebhookEvent.newBuilder(replayed).setTaskId(22).setData(
        TestCards.authenticated(22, "card-missing", true, clock.instant()).getData())
        .setReceivedAt(clock.instant()).build());
    advance(Duration.ofMillis(15_250));
    DeadLetter again = deadLetters.readValue();
    assertEquals(DeadLetterReason.NO_CARD_REFERENCE, again.getReason());
    assertEquals(origin, again.getReplayOf());
    assertEquals(origin, again.getEvent().getReplayOf());

    sendEvent(23, "card-1", false);
    assertNull(outcomes.readValue().getReplayOf(), "an event as Knot sent it has no link");
  }

  @Test
  void deadLettersInvalidCardDataWithFieldPathsButNoValues() {
    references.pipeInput("card-bad", TestCards.reference("card-bad",
        TestCards.seedDocument().region("ZZ").cvv("12345").number("4242424242424241"), SERVICE_KEY, T0));
    sendEvent(13, "card-bad", true);
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.INVALID_CARD_DATA, deadLetter.getReason());
    assertFalse(deadLetter.getReplayable());
    List<String> paths = deadLetter.getInvalidFields().stream().map(f -> f.substring(0, f.indexOf(':'))).toList();
    assertEquals(List.of("user.address.region", "card.number", "card.cvv"), paths);
    String all = deadLetter.toString();
    assertFalse(all.contains("4242424242424241"));
    assertFalse(all.contains("12345"));
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void deadLettersAnEnvelopeForAKeyTheRingDoesNotHold() {
    ECKey other = JwkSetKeyRing.generate("retired-key");
    references.pipeInput("card-k", TestCards.reference("card-k", TestCards.seedDocument(), other, T0));
    sendEvent(14, "card-k", true);
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.UNKNOWN_ENVELOPE_KEY, deadLetter.getReason());
    assertTrue(deadLetter.getDetail().contains("retired-key"), deadLetter.getDetail());
    assertTrue(deadLetter.getReplayable());
    assertEquals("4242", deadLetter.getCardLastFour());
  }

  @Test
  void deadLettersATamperedEnvelope() {
    CardReference reference = TestCards.reference("card-t", TestCards.seedDocument(), SERVICE_KEY, T0);
    String jwe = reference.getCardEnvelope();
    String[] parts = jwe.split("\\.");
    char last = parts[3].charAt(0);
    parts[3] = (last == 'A' ? 'B' : 'A') + parts[3].substring(1);
    reference.setCardEnvelope(String.join(".", parts));
    references.pipeInput("card-t", reference);
    sendEvent(15, "card-t", true);
    assertEquals(DeadLetterReason.UNDECRYPTABLE_ENVELOPE, deadLetters.readValue().getReason());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void turnsEachKnotFailureIntoItsDeadLetter() {
    record Case(long task, KnotCallResult.Outcome outcome, int status, KnotError error, DeadLetterReason reason) {}
    List<Case> cases = List.of(
        new Case(21, KnotCallResult.Outcome.PERMANENT, 400,
            new KnotError("INVALID_REQUEST", "INVALID_FIELD", "the user.name.first name field is required"),
            DeadLetterReason.KNOT_REJECTED),
        new Case(22, KnotCallResult.Outcome.AUTH, 401,
            new KnotError("INVALID_INPUT", "INVALID_API_KEYS", "Invalid client_id or secret provided."),
            DeadLetterReason.KNOT_AUTH_FAILED),
        new Case(23, KnotCallResult.Outcome.UNAVAILABLE, 503, null, DeadLetterReason.KNOT_UNAVAILABLE),
        new Case(24, KnotCallResult.Outcome.DEADLINE, 0, null, DeadLetterReason.DEADLINE_EXCEEDED));
    loadReference("card-1");
    for (Case c : cases) {
      sendEvent(c.task(), "card-1", true);
    }
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      knot.call(i).future().complete(FakeKnot.failed(c.outcome(), c.status(), c.error(), 3, clock.instant()));
    }
    advance(Duration.ofMillis(20));
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(cases.size(), letters.size());
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      DeadLetter deadLetter = letters.get(i);
      assertEquals(c.task(), deadLetter.getTaskId());
      assertEquals(c.reason(), deadLetter.getReason());
      assertEquals(3, deadLetter.getAttempts());
      assertEquals(c.status() == 0 ? null : c.status(), deadLetter.getHttpStatus());
      assertEquals(c.error() == null ? null : c.error().errorCode(), deadLetter.getKnotErrorCode());
      assertEquals("knot-webhooks", deadLetter.getSourceTopic());
    }
    assertTrue(outcomes.isEmpty());
  }

  @Test
  void aCallKnotMayHaveTakenEndsInADeadLetterThatSaysKnotMayHaveSwitchedTheCard() {
    loadReference("card-1");
    sendEvent(31, "card-1", true);
    sendEvent(32, "card-1", true);
    Instant at = clock.instant();
    knot.call(0).future().complete(new KnotCallResult(KnotCallResult.Outcome.DEADLINE, 0, null, 1, at, at,
        "POST /card: no answer within the 300 ms left before the deadline; " + KnotCallResult.MAY_HAVE_SWITCHED, true));
    knot.call(1).future().complete(new KnotCallResult(KnotCallResult.Outcome.UNAVAILABLE, 0, null, 1, at, at,
        "POST /card: no answer within the time-out; " + KnotCallResult.MAY_HAVE_SWITCHED, true));
    advance(Duration.ofMillis(20));
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(List.of(DeadLetterReason.DEADLINE_EXCEEDED, DeadLetterReason.KNOT_UNAVAILABLE),
        letters.stream().map(DeadLetter::getReason).toList());
    for (DeadLetter letter : letters) {
      assertTrue(letter.getDetail().contains(KnotCallResult.MAY_HAVE_SWITCHED), letter.getDetail());
      assertEquals(1, letter.getAttempts());
    }
    assertEquals(2, knot.calls().size(), "neither card was sent again");
  }

  @Test
  void neverSendsASecondCardForATaskAlreadySwitchedOrInFlight() {
    loadReference("card-1");
    sendEvent(31, "card-1", true);
    sendEvent(31, "card-1", true); // Knot retried its webhook while the call is in flight
    assertEquals(1, knot.calls().size());
    assertEquals(DeadLetterReason.DUPLICATE_EVENT, deadLetters.readValue().getReason());

    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));
    assertEquals(SwitchStatus.SWITCHED, outcomes.readValue().getStatus());

    advance(Duration.ofSeconds(1));
    sendEvent(31, "card-1", true); // and again, after the switch
    assertEquals(1, knot.calls().size());
    DeadLetter duplicate = deadLetters.readValue();
    assertEquals(DeadLetterReason.DUPLICATE_EVENT, duplicate.getReason());
    assertFalse(duplicate.getReplayable());
  }

  @Test
  void deadLettersBytesThatAreNotAnEventAndKeepsGoing() {
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    rawWebhooks.pipeInput("41", garbage);
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.MALFORMED_EVENT, deadLetter.getReason());
    assertEquals("knot-webhooks", deadLetter.getSourceTopic());
    assertEquals(0L, deadLetter.getSourceOffset());
    assertEquals(garbage.length, deadLetter.getSourceValueSize());
    assertEquals(64, deadLetter.getSourceValueSha256().length());
    assertNull(deadLetter.getTaskId());

    loadReference("card-1");
    sendEvent(42, "card-1", true);
    assertEquals(1, knot.calls().size(), "the stream keeps running");
  }

  @Test
  void deadLettersAnUnreadableCardReference() {
    rawReferences.pipeInput("card-x", new byte[] {0, 0, 0, 0, 1});
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.MALFORMED_CARD_REFERENCE, deadLetter.getReason());
    assertEquals("card-references", deadLetter.getSourceTopic());
  }

  @Test
  void deadLettersAnEventWithoutSendCardOrCardId() {
    KnotWebhookEvent noSendCard = TestCards.event("AUTHENTICATED", 51, "card-1", null, T0);
    KnotWebhookEvent noCardId = TestCards.event("AUTHENTICATED", 52, null, true, T0);
    webhooks.pipeInput("51", noSendCard);
    webhooks.pipeInput("52", noCardId);
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(List.of(DeadLetterReason.MALFORMED_EVENT, DeadLetterReason.MALFORMED_EVENT),
        letters.stream().map(DeadLetter::getReason).toList());
    assertEquals(List.of("data.send_card: required"), letters.get(0).getInvalidFields());
    assertEquals(List.of("data.card_id: required"), letters.get(1).getInvalidFields());
  }

  @Test
  void deadLettersAnUnexpectedFailureAndKeepsGoing() {
    loadReference("card-1");
    knot.failOnSend(new IllegalStateException("boom"));
    sendEvent(61, "card-1", true);
    advance(Duration.ofMillis(20));
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.INTERNAL_ERROR, deadLetter.getReason());
    assertEquals(61L, deadLetter.getTaskId());
    assertTrue(deadLetter.getDetail().contains("java.lang.IllegalStateException"), deadLetter.getDetail());
  }

  @Test
  void queuesSwitchesBeyondTheCallsInFlightAndSendsThemAsCallsComplete() {
    stop();
    startWith(TopologyConfig.builder().maxInFlight(1).build());
    loadReference("card-1");
    sendEvent(71, "card-1", true);
    sendEvent(72, "card-1", true);
    assertEquals(1, knot.calls().size(), "one call slot: the second switch waits, the stream thread does not");

    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    punctuate();
    assertEquals(2, knot.calls().size(), "the second call starts once the first finished");
    assertEquals(72L, knot.call(1).taskId());
    knot.call(1).future().complete(FakeKnot.switched(clock.instant()));
    punctuate();
    assertEquals(2, outcomes.readValuesToList().size());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void deadLettersSwitchesThatFindNoCallSlotBeforeTheirWindowCloses() {
    stop();
    startWith(TopologyConfig.builder().maxInFlight(1).build());
    loadReference("card-1");
    sendEvent(81, "card-1", true);
    sendEvent(82, "card-1", true);
    advance(Duration.ofSeconds(16));
    assertEquals(1, knot.calls().size(), "the second switch never reached Knot");
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.DEADLINE_EXCEEDED, deadLetter.getReason());
    assertEquals(82L, deadLetter.getTaskId());
    assertTrue(deadLetter.getDetail().contains("over capacity"), deadLetter.getDetail());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void putsNoClearCardDataInAnyTopicStoreOrLogLine() {
    try (LogCapture logs = LogCapture.capture()) {
      loadReference("card-1");
      sendEvent(91, "card-1", true);
      references.pipeInput("card-bad", TestCards.reference("card-bad",
          TestCards.seedDocument().postalCode("1"), SERVICE_KEY, T0));
      sendEvent(92, "card-bad", true);
      sendEvent(93, "card-none", true);
      knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
      advance(Duration.ofSeconds(16));
      List<String> published = new java.util.ArrayList<>();
      outcomes.readValuesToList().forEach(v -> published.add(v.toString()));
      deadLetters.readValuesToList().forEach(v -> published.add(v.toString()));
      assertEquals(3, published.size(), published.toString());
      String everything = String.join("\n", published) + "\n" + logs.text();
      for (String secret : List.of(TestCards.PAN, "\"" + TestCards.CVV + "\"", TestCards.FIRST_NAME, TestCards.LAST_NAME,
          "100 Main Street", "+11234567890", "08/2030")) {
        assertFalse(everything.contains(secret), "found card data in clear: " + secret);
      }
    }
  }
}
