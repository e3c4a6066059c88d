package dev.cardswitch.topology.internal;

import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.time.Instant;

/** Builds {@link SwitchOutcome} records from an event and what happened to it. Stateless. */
final class Outcomes {

  private Outcomes() {}

  static SwitchOutcome skipped(KnotWebhookEvent event, Instant deadline, Instant now,
      String topic, int partition, long offset) {
    return base(event, deadline, now, topic, partition, offset)
        .setStatus(SwitchStatus.SKIPPED)
        .setAttempts(0)
        .build();
  }

  static SwitchOutcome switched(KnotWebhookEvent event, Instant deadline, Instant now, String topic, int partition,
      long offset, String lastFour, KnotCallResult result, boolean resent, String fidoCheck) {
    return base(event, deadline, now, topic, partition, offset)
        .setStatus(SwitchStatus.SWITCHED)
        .setCardLastFour(lastFour == null || lastFour.isEmpty() ? null : lastFour)
        .setHttpStatus(result.httpStatus() == 0 ? null : result.httpStatus())
        .setAttempts(result.attempts())
        .setFirstAttemptAt(result.firstAttemptAt().orElse(null))
        .setLastAttemptAt(result.lastAttemptAt().orElse(null))
        .setResentAfterRestart(resent)
        .setFidoCheck(fidoCheck)
        .build();
  }

  private static SwitchOutcome.Builder base(KnotWebhookEvent event, Instant deadline, Instant now,
      String topic, int partition, long offset) {
    return SwitchOutcome.newBuilder()
        .setTaskId(event.getTaskId())
        .setSessionId(event.getSessionId())
        .setExternalUserId(event.getExternalUserId())
        .setCardId(event.getData().getCardId())
        .setMerchantId(event.getMerchant().getId())
        .setMerchantName(event.getMerchant().getName())
        .setEventTime(event.getTimestamp())
        .setReceivedAt(event.getReceivedAt())
        .setDeadlineAt(deadline)
        .setCompletedAt(now)
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setResentAfterRestart(false)
        // A replayed event names its dead letter; the outcome keeps the link so it traces back.
        .setReplayOf(event.getReplayOf());
  }
}
