package dev.cardswitch.topology.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.schemas.KnotEventData;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.schemas.internal.SwitchState;
import dev.cardswitch.topology.FakeKnot;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologyHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A switch's lifecycle through the whole topology: each closing record from the webhooks (or silence) that lead to it. */
class LifecycleTopologyTest extends TopologyHarness {

  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final Duration WINDOW = Duration.ofSeconds(5);

  private void start(boolean switchStatus) {
    start(TopologyConfig.builder().window(WINDOW).lifecycleConfirmationTimeout(TIMEOUT).switchStatus(switchStatus)
        .build());
  }

  /** Sends an AUTHENTICATED event for a card with a reference; Knot's call stays open. */
  private void authenticate(long task) {
    loadReference("card-" + task);
    sendEvent(task, "card-" + task, true);
  }

  /** Knot accepts the latest call; returns the SWITCHED outcome. */
  private SwitchOutcome knotAccepts() {
    knot.call(knot.calls().size() - 1).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));
    SwitchOutcome switched = outcomes.readValue();
    assertEquals(SwitchStatus.SWITCHED, switched.getStatus());
    return switched;
  }

  private void webhook(String type, long task, String reason) {
    KnotWebhookEvent event = TestCards.event(type, task, "card-" + task, null, clock.instant());
    webhooks.pipeInput(Long.toString(task), KnotWebhookEvent.newBuilder(event)
        .setData(KnotEventData.newBuilder(event.getData()).setReason(reason).build()).build());
    advance(Duration.ofMillis(10));
  }

  private List<String> entries(long task) {
    return status(task).getHistory().stream()
        .map(e -> e.getKind() + ":" + (e.getEventType() != null ? e.getEventType() : e.getReason()) + ":" + e.getState())
        .toList();
  }

  @Test
  void cardUpdatedClosesASwitchWithOneRecordAndTheHistoryShowsEveryStep() {
    start(true);
    authenticate(201);
    webhook("CARD_UPDATING", 201, null);
    SwitchOutcome switched = knotAccepts();
    Instant knotSaid = clock.instant().minusMillis(120);
    webhook("CARD_UPDATED", 201, null);

    SwitchOutcome closed = outcomes.readValue();
    assertEquals(SwitchStatus.CARD_UPDATED, closed.getStatus());
    assertEquals(201L, closed.getTaskId());
    assertEquals(switched.getCompletedAt(), closed.getSwitchedAt());
    assertEquals(knotSaid, closed.getLifecycleEventAt());
    assertNull(closed.getFailureReason());
    assertEquals(switched.getCardLastFour(), closed.getCardLastFour());
    assertEquals(switched.getAttempts(), closed.getAttempts());
    assertEquals("knot-webhooks", closed.getSourceTopic());
    assertEquals(2L, closed.getSourceOffset(), "traces back to the CARD_UPDATED webhook (third on the topic)");
    assertTrue(outcomes.isEmpty(), "CARD_UPDATING publishes nothing of its own");

    SwitchHistory h = status(201);
    assertEquals(SwitchState.CARD_UPDATED, h.getState());
    assertEquals(switched.getCompletedAt(), h.getCompletedAt(), "the switch's own times stay");
    assertEquals(List.of("WEBHOOK:AUTHENTICATED:PENDING", "WEBHOOK:CARD_UPDATING:PENDING", "OUTCOME:SWITCHED:SWITCHED",
        "WEBHOOK:CARD_UPDATED:SWITCHED", "OUTCOME:CARD_UPDATED:CARD_UPDATED"), entries(201));
    assertEquals(Map.of("SWITCHED", 1L, "CARD_UPDATED", 1L), counters.outcomes());
  }

  @Test
  void cardFailedClosesTheSwitchWithKnotsReason() {
    start(true);
    authenticate(202);
    knotAccepts();
    webhook("CARD_FAILED", 202, "card expired");

    SwitchOutcome closed = outcomes.readValue();
    assertEquals(SwitchStatus.CARD_FAILED, closed.getStatus());
    assertEquals("card expired", closed.getFailureReason());
    SwitchHistory h = status(202);
    assertEquals(SwitchState.CARD_FAILED, h.getState());
    assertEquals("card expired", h.getReason());
    assertEquals("card expired", h.getHistory().get(h.getHistory().size() - 1).getDetail());
  }

  @Test
  void aClosingWebhookBeforeTheSwitchedOutcomeIsReadableClosesTheSwitchOnceItIs() {
    start(true);
    authenticate(203);
    // Knot answered POST /card and sent CARD_UPDATED at once; card-switch has not published SWITCHED yet.
    webhook("CARD_UPDATED", 203, null);
    assertTrue(outcomes.isEmpty());

    SwitchOutcome switched = knotAccepts();
    SwitchOutcome closed = outcomes.readValue();
    assertEquals(SwitchStatus.CARD_UPDATED, closed.getStatus());
    assertEquals(switched.getCompletedAt(), closed.getSwitchedAt());
    assertEquals(1L, closed.getSourceOffset(), "the held webhook's own coordinates");
    advance(TIMEOUT.plus(WINDOW).plusSeconds(2));
    assertTrue(outcomes.isEmpty(), "closed once: no NO_CONFIRMATION later");
    assertEquals(SwitchState.CARD_UPDATED, status(203).getState());
  }

  @Test
  void aSwitchWithoutAClosingWebhookTimesOutToNoConfirmation() {
    start(true);
    authenticate(204);
    SwitchOutcome switched = knotAccepts();
    advance(TIMEOUT.minusSeconds(2));
    assertTrue(outcomes.isEmpty(), "still within the confirmation timeout");
    advance(Duration.ofSeconds(3));

    SwitchOutcome closed = outcomes.readValue();
    assertEquals(SwitchStatus.NO_CONFIRMATION, closed.getStatus());
    assertEquals(switched.getCompletedAt(), closed.getSwitchedAt());
    assertNull(closed.getLifecycleEventAt());
    assertEquals(switched.getSourceOffset(), closed.getSourceOffset(), "traces back to the AUTHENTICATED event");
    assertEquals(SwitchState.NO_CONFIRMATION, status(204).getState());

    webhook("CARD_UPDATED", 204, null);
    advance(TIMEOUT.plus(WINDOW).plusSeconds(2));
    assertTrue(outcomes.isEmpty(), "a confirmation after NO_CONFIRMATION publishes nothing more");
    assertEquals("CARD_UPDATED", status(204).getEventType(), "but it is in the history");
    assertEquals(Map.of("CARD_UPDATED", 1L), counters.lifecycleUnmatched());
  }

  @Test
  void repeatedClosingWebhooksPublishNothingTwice() {
    start(true);
    authenticate(205);
    knotAccepts();
    webhook("CARD_UPDATED", 205, null);
    webhook("CARD_UPDATED", 205, null); // Knot retried
    webhook("CARD_FAILED", 205, "otp timeout"); // contradicts the first; the first closing webhook counts
    advance(TIMEOUT.plus(WINDOW).plusSeconds(2));

    List<SwitchOutcome> records = outcomes.readValuesToList();
    assertEquals(List.of(SwitchStatus.CARD_UPDATED), records.stream().map(SwitchOutcome::getStatus).toList());
    assertEquals(SwitchState.CARD_UPDATED, status(205).getState());
  }

  @Test
  void aClosingWebhookOfATaskThatWasNeverSwitchedIsOnlyRecordedInTheHistory() {
    start(true);
    sendEvent(206, "card-206", false);
    assertEquals(SwitchStatus.SKIPPED, outcomes.readValue().getStatus());
    webhook("CARD_FAILED", 206, "credentials");
    webhook("CARD_UPDATED", 207, null); // a task card-switch never saw
    advance(TIMEOUT.plus(WINDOW).plusSeconds(2));

    assertTrue(outcomes.isEmpty());
    assertTrue(deadLetters.isEmpty(), "not an error");
    assertEquals(SwitchState.SKIPPED, status(206).getState());
    assertEquals("credentials", status(206).getHistory().get(2).getReason());
    assertEquals(SwitchState.PENDING, status(207).getState());
    assertEquals(Map.of("CARD_FAILED", 1L, "CARD_UPDATED", 1L), counters.lifecycleUnmatched());
  }

  @Test
  void merchantLoginEventsAreHistoryNotErrors() {
    start(true);
    authenticate(208);
    webhook("CREDENTIALS_FAILED", 208, null);
    webhook("OTP_REQUIRED", 208, null);
    knotAccepts();
    webhook("CARD_UPDATED", 208, null);

    assertEquals(SwitchStatus.CARD_UPDATED, outcomes.readValue().getStatus());
    assertTrue(deadLetters.isEmpty());
    assertEquals(List.of("WEBHOOK:AUTHENTICATED:PENDING", "WEBHOOK:CREDENTIALS_FAILED:PENDING",
        "WEBHOOK:OTP_REQUIRED:PENDING", "OUTCOME:SWITCHED:SWITCHED", "WEBHOOK:CARD_UPDATED:SWITCHED",
        "OUTCOME:CARD_UPDATED:CARD_UPDATED"), entries(208));
    assertEquals(Map.of("CREDENTIALS_FAILED", 1L, "OTP_REQUIRED", 1L), counters.ignored(),
        "the switch path does nothing with them; lifecycle events are not counted as ignored");
  }

  @Test
  void theLifecycleWorksWithTheStatusStoreOff() {
    start(false);
    authenticate(209);
    knotAccepts();
    webhook("CARD_FAILED", 209, "too many attempts");
    SwitchOutcome failed = outcomes.readValue();
    authenticate(210);
    knotAccepts();
    advance(TIMEOUT.plusSeconds(2));
    SwitchOutcome unconfirmed = outcomes.readValue();

    assertEquals("209:CARD_FAILED:too many attempts", failed.getTaskId() + ":" + failed.getStatus() + ":"
        + failed.getFailureReason());
    assertEquals("210:NO_CONFIRMATION", unconfirmed.getTaskId() + ":" + unconfirmed.getStatus());
    assertTrue(outcomes.isEmpty());
  }
}
