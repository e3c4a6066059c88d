package dev.cardswitch.demo;

import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Hand-made outcomes and dead letters, as the service would write them, for the collector's tests.
 */
final class ResultRecords {

  private ResultRecords() {}

  /**
   * An outcome received at {@code receivedAt} and completed {@code latency} later; Knot's HTTP
   * status set only for SWITCHED.
   */
  static SwitchOutcome outcome(
      long taskId, SwitchStatus status, Instant receivedAt, Duration latency) {
    boolean called = status == SwitchStatus.SWITCHED;
    return SwitchOutcome.newBuilder()
        .setTaskId(taskId)
        .setCardId("card-" + taskId)
        .setCardLastFour(called ? "4242" : null)
        .setMerchantId(10L)
        .setMerchantName("Uber")
        .setStatus(status)
        .setHttpStatus(called ? 200 : null)
        .setAttempts(called ? 1 : 0)
        .setEventTime(receivedAt.minusMillis(100))
        .setReceivedAt(receivedAt)
        .setDeadlineAt(receivedAt.plusSeconds(15))
        .setFirstAttemptAt(called ? receivedAt.plusMillis(1) : null)
        .setLastAttemptAt(called ? receivedAt.plusMillis(1) : null)
        .setCompletedAt(receivedAt.plus(latency))
        .setSourceTopic("knot-webhooks")
        .setSourcePartition(0)
        .setSourceOffset(taskId)
        .build();
  }

  /** A dead letter; {@code httpStatus} null when Knot was not called. */
  static DeadLetter deadLetter(
      long taskId,
      DeadLetterReason reason,
      Instant receivedAt,
      Duration latency,
      Integer httpStatus) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail("hand-made " + reason)
        .setReplayable(false)
        .setTaskId(taskId)
        .setCardId("card-" + taskId)
        .setMerchantId(10L)
        .setMerchantName("Uber")
        .setEventType("AUTHENTICATED")
        .setHttpStatus(httpStatus)
        .setAttempts(httpStatus == null ? 0 : 1)
        .setEventTime(receivedAt.minusMillis(100))
        .setReceivedAt(receivedAt)
        .setDeadlineAt(receivedAt.plusSeconds(15))
        .setCompletedAt(receivedAt.plus(latency))
        .setSourceTopic("knot-webhooks")
        .setSourcePartition(0)
        .setSourceOffset(taskId)
        .build();
  }
}
