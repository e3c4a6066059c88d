package dev.cardswitch.topology.status;

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
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.schemas.internal.SwitchHistoryEntry;
import dev.cardswitch.schemas.internal.SwitchState;
import dev.cardswitch.topology.FakeKnot;
import dev.cardswitch.topology.SwitchCounters;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.SwitchTopology;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TestClock;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
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
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cardswitch.topology.TopologyHarness;
/** The switch-status store through the whole topology: each state from the records that lead to it. */
class SwitchStatusTopologyTest extends TopologyHarness {

  @Test
  void aTaskWaitingForItsCardReferenceIsPendingWithItsEvent() {
    start();
    Instant received = clock.instant();
    sendEvent(101, "card-missing", true);

    SwitchHistory h = status(101);
    assertEquals(SwitchState.PENDING, h.getState());
    assertEquals(101L, h.getTaskId());
    assertEquals("AUTHENTICATED", h.getEventType());
    assertEquals(received, h.getReceivedAt());
    assertEquals("Uber", h.getMerchantName());
    assertEquals(10L, h.getMerchantId());
    assertEquals("card-missing", h.getCardId());
    assertNull(h.getCardLastFour(), "the card's last four are known only once its reference is used");
    assertEquals(List.of("WEBHOOK:PENDING"), kinds(h));
    assertEquals("knot-webhooks", h.getHistory().get(0).getSourceTopic());
  }

  @Test
  void aSwitchedTaskHasItsAttemptsLastFourAndBothEntries() {
    start();
    loadReference("card-1");
    sendEvent(102, "card-1", true);
    assertEquals(SwitchState.PENDING, status(102).getState(), "in flight: still pending");
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));

    SwitchOutcome outcome = outcomes.readValue();
    SwitchHistory h = status(102);
    assertEquals(SwitchState.SWITCHED, h.getState());
    assertEquals(outcome.getCardLastFour(), h.getCardLastFour());
    assertEquals(TestCards.PAN.substring(TestCards.PAN.length() - 4), h.getCardLastFour());
    assertEquals(1, h.getAttempts());
    assertEquals(200, h.getHttpStatus());
    assertEquals(outcome.getCompletedAt(), h.getCompletedAt());
    assertEquals(outcome.getFirstAttemptAt(), h.getFirstAttemptAt());
    assertFalse(h.getResentAfterRestart());
    assertEquals(List.of("WEBHOOK:PENDING", "OUTCOME:SWITCHED"), kinds(h));
    assertFalse(h.toString().contains(TestCards.PAN), "no card number in the status");
  }

  @Test
  void sendCardFalseIsSkipped() {
    start();
    sendEvent(103, "card-1", false);
    advance(Duration.ofMillis(20));

    SwitchHistory h = status(103);
    assertEquals(SwitchState.SKIPPED, h.getState());
    assertEquals(0, h.getAttempts());
    assertEquals(List.of("WEBHOOK:PENDING", "OUTCOME:SKIPPED"), kinds(h));
    assertEquals("SKIPPED", h.getHistory().get(1).getReason());
  }

  @Test
  void aTaskWhoseReferenceNeverCameIsDeadLetteredWithReasonAndDetail() {
    start();
    sendEvent(104, "card-missing", true);
    advance(Duration.ofSeconds(6));

    DeadLetter letter = deadLetters.readValue();
    SwitchHistory h = status(104);
    assertEquals(SwitchState.DEAD_LETTERED, h.getState());
    assertEquals("NO_CARD_REFERENCE", h.getReason());
    assertEquals(letter.getDetail(), h.getDetail());
    assertTrue(h.getReplayable());
    assertEquals(List.of("WEBHOOK:PENDING", "DEAD_LETTER:DEAD_LETTERED"), kinds(h));
  }

  @Test
  void knotsRejectionKeepsItsErrorCode() {
    start();
    loadReference("card-1");
    sendEvent(105, "card-1", true);
    knot.call(0).future().complete(FakeKnot.failed(KnotCallResult.Outcome.PERMANENT, 400,
        new KnotError("INVALID_REQUEST", "INVALID_FIELD", "the user.name.first name field is required"), 1,
        clock.instant()));
    advance(Duration.ofMillis(20));

    SwitchHistory h = status(105);
    assertEquals(SwitchState.DEAD_LETTERED, h.getState());
    assertEquals("KNOT_REJECTED", h.getReason());
    assertEquals("INVALID_FIELD", h.getKnotErrorCode());
    assertEquals(400, h.getHttpStatus());
    assertEquals(1, h.getAttempts());
  }

  @Test
  void aDuplicateEventOfASwitchedTaskIsRecordedWithoutHidingTheSwitch() {
    start();
    loadReference("card-1");
    sendEvent(106, "card-1", true);
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));
    sendEvent(106, "card-1", true);
    advance(Duration.ofMillis(20));

    assertEquals(DeadLetterReason.DUPLICATE_EVENT, deadLetters.readValue().getReason());
    SwitchHistory h = status(106);
    assertEquals(SwitchState.SWITCHED, h.getState());
    assertNull(h.getReason());
    assertEquals(List.of("WEBHOOK:PENDING", "OUTCOME:SWITCHED", "WEBHOOK:SWITCHED", "DEAD_LETTER:SWITCHED"), kinds(h));
    assertEquals("DUPLICATE_EVENT", h.getHistory().get(3).getReason());
  }

  @Test
  void otherKnotEventsJoinTheHistoryAndKeepTheState() {
    start();
    sendEvent(107, "card-1", false);
    advance(Duration.ofMillis(20));
    webhooks.pipeInput("107", TestCards.event("CARD_UPDATED", 107, "card-1", null, clock.instant()));

    SwitchHistory h = status(107);
    assertEquals(SwitchState.SKIPPED, h.getState());
    assertEquals("CARD_UPDATED", h.getEventType());
    assertEquals("CARD_UPDATED", h.getHistory().get(2).getEventType());
    assertEquals(SwitchState.SKIPPED, h.getHistory().get(2).getState());
  }

  @Test
  void anUnreadableWebhookIsDeadLetteredOnceAndShownAsMalformed() {
    start();
    rawWebhooks.pipeInput("108", "{\"event\":\"AUTHENTICATED\"}".getBytes(StandardCharsets.UTF_8));
    advance(Duration.ofMillis(20));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(1, letters.size(), "one dead letter, from the switch path only: " + letters);
    SwitchHistory h = status(108);
    assertEquals(SwitchState.DEAD_LETTERED, h.getState());
    assertEquals("MALFORMED_EVENT", h.getReason());
    assertEquals(108L, h.getTaskId());
  }

  @Test
  void anUnreadableOutcomeRecordIsSkippedAndCountedWithoutADeadLetter() {
    start();
    rawOutcomes.pipeInput("109", new byte[] {0x13, 0x37});
    rawOutcomes.pipeInput("not-a-task", serdes.outcome().serializer().serialize("switch-outcomes",
        SwitchOutcome.newBuilder().setTaskId(1).setMerchantId(10).setMerchantName("Uber")
            .setStatus(dev.cardswitch.schemas.SwitchStatus.SKIPPED).setAttempts(0).setEventTime(T0)
            .setDeadlineAt(T0).setCompletedAt(T0).setSourceTopic("knot-webhooks").setSourcePartition(0)
            .setSourceOffset(0).build()));
    sendEvent(110, "card-1", false);
    advance(Duration.ofMillis(20));

    assertTrue(deadLetters.isEmpty(), "no dead letter for a record the switch does not read");
    assertNull(status(109));
    assertEquals(Map.of("switch-outcomes", 2L), counters.statusSkipped());
    assertEquals(SwitchState.SKIPPED, status(110).getState(), "the stream goes on");
  }

  @Test
  void switchStatusOffLeavesTheSwitchTopologyAsItWas() {
    clock = new TestClock(T0);
    knot = new FakeKnot();
    counters = new SwitchCounters();
    serdes = TopologySerdes.of(registryClient);
    TopologyDescription on = topology(TopologyConfig.defaults()).describe();
    TopologyDescription off = topology(TopologyConfig.builder().switchStatus(false).build()).describe();

    assertFalse(off.toString().contains(SwitchStatusStreams.STORE));
    assertTrue(on.toString().contains(SwitchStatusStreams.STORE));
    // The switch path's sub-topologies keep their ids, so existing task directories still match.
    for (TopologyDescription.Subtopology s : off.subtopologies()) {
      TopologyDescription.Subtopology same = on.subtopologies().stream()
          .filter(o -> o.id() == s.id()).findFirst().orElseThrow();
      for (TopologyDescription.Node node : s.nodes()) {
        assertTrue(same.nodes().stream().anyMatch(n -> n.name().equals(node.name())),
            node.name() + " stays in sub-topology " + s.id());
      }
    }
  }

  @Test
  void theHistoryIsBoundedAndReadingARecordTwiceRecordsItOnce() {
    SwitchHistory h = null;
    KnotWebhookEvent otp = TestCards.event("OTP_REQUIRED", 111, "card-1", null, T0);
    for (int i = 0; i < SwitchHistories.MAX_HISTORY + 5; i++) {
      h = SwitchHistories.onWebhook(h, 111, otp, new SwitchHistories.Source("knot-webhooks", 0, i));
    }
    assertEquals(SwitchHistories.MAX_HISTORY, h.getHistory().size());
    assertEquals(5, h.getHistoryDropped());
    SwitchHistoryEntry newest = h.getHistory().get(h.getHistory().size() - 1);
    assertEquals(SwitchHistories.MAX_HISTORY + 4, newest.getSourceOffset());
    assertNull(SwitchHistories.onWebhook(h, 111, otp,
        new SwitchHistories.Source("knot-webhooks", 0, SwitchHistories.MAX_HISTORY + 4)));
  }

  @Test
  void aReplayAfterADeadLetterIsPendingAgain() {
    start();
    sendEvent(112, "card-2", true);
    advance(Duration.ofSeconds(6));
    assertEquals(SwitchState.DEAD_LETTERED, status(112).getState());
    sendEvent(112, "card-2", true);

    SwitchHistory h = status(112);
    assertEquals(SwitchState.PENDING, h.getState());
    assertNull(h.getReason(), "the earlier attempt's reason no longer describes the task");
    assertEquals(3, h.getHistory().size());
  }

  @Test
  void aStatusIsPurgedOnceItsRetentionHasPassedSinceItsLastChange() {
    start(TopologyConfig.builder().window(Duration.ofSeconds(5)).switchStatusRetention(Duration.ofHours(1)).build());
    sendEvent(113, "card-1", false);
    advance(Duration.ofMinutes(40));
    sendEvent(114, "card-1", false);
    advance(Duration.ofMinutes(30));

    assertNull(status(113), "changed 70 minutes ago: purged");
    assertEquals(SwitchState.SKIPPED, status(114).getState(), "changed 30 minutes ago: kept");
  }
}
