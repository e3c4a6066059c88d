package dev.cardswitch.replay;

import dev.cardswitch.deadletter.DeadLetters;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotEventData;
import dev.cardswitch.schemas.KnotMerchant;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.time.Duration;
import java.time.Instant;

/** Dead letters as card-switch writes them (built with the topology's own {@link DeadLetters}). */
final class DeadLetterFixtures {

  private DeadLetterFixtures() {}

  static KnotWebhookEvent event(long taskId, long merchantId, Instant receivedAt) {
    return KnotWebhookEvent.newBuilder()
        .setEvent("AUTHENTICATED")
        .setSessionId("fb5aa994-ed1c-4c3e-b29a-b2a53222e584")
        .setTaskId(taskId)
        .setExternalUserId("user-" + taskId)
        .setMerchant(new KnotMerchant(merchantId, merchantId == 10 ? "Uber" : "Merchant " + merchantId))
        .setData(KnotEventData.newBuilder().setCardId("card-" + taskId).setSendCard(true)
            .setEntrypoint("onboarding").build())
        .setTimestamp(receivedAt.minusMillis(150))
        .setReceivedAt(receivedAt)
        .build();
  }

  /** A dead letter of an AUTHENTICATED event received at {@code receivedAt}, dead-lettered 15 s later. */
  static DeadLetter deadLetter(long taskId, DeadLetterReason reason, long merchantId, Instant receivedAt) {
    return DeadLetters.draft(reason, "fixture " + reason, receivedAt.plus(Duration.ofSeconds(15)))
        .event(event(taskId, merchantId, receivedAt))
        .deadline(receivedAt.plus(Duration.ofSeconds(15)))
        .source("knot-webhooks", 0, taskId)
        .build();
  }

  /** A KNOT_REJECTED dead letter with Knot's error code. */
  static DeadLetter rejected(long taskId, String knotErrorCode, long merchantId, Instant receivedAt) {
    return DeadLetter.newBuilder(deadLetter(taskId, DeadLetterReason.KNOT_REJECTED, merchantId, receivedAt))
        .setKnotErrorType("INVALID_REQUEST").setKnotErrorCode(knotErrorCode).setHttpStatus(400).setAttempts(1)
        .build();
  }

  /** A MALFORMED_EVENT dead letter of bytes that were not an event: no event, no task. */
  static DeadLetter unreadable(Instant at) {
    return DeadLetters.draft(DeadLetterReason.MALFORMED_EVENT, "fixture: not Avro", at)
        .source("knot-webhooks", 0, 999)
        .unreadableValue(new byte[] {1, 2, 3})
        .build();
  }

  static SwitchOutcome switched(long taskId, Instant at) {
    return SwitchOutcome.newBuilder()
        .setTaskId(taskId).setCardId("card-" + taskId).setCardLastFour("4242")
        .setMerchantId(10L).setMerchantName("Uber").setStatus(SwitchStatus.SWITCHED)
        .setHttpStatus(200).setAttempts(1).setEventTime(at.minusMillis(100)).setReceivedAt(at)
        .setDeadlineAt(at.plusSeconds(15)).setCompletedAt(at.plusMillis(300))
        .setSourceTopic("knot-webhooks").setSourcePartition(0).setSourceOffset(taskId)
        .build();
  }
}
