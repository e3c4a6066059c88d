package dev.cardswitch.topology.lifecycle;

import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.time.Instant;

/**
 * Builds the lifecycle record that closes a switch: a copy of its SWITCHED outcome with the closing
 * status, when it was switched, and what Knot said. Pure functions; thread-safe.
 */
public final class LifecycleRecords {

  /** Knot's webhook that says it is updating the card: a progress event, recorded in the history only. */
  public static final String CARD_UPDATING = "CARD_UPDATING";
  /** Knot's webhook that says the merchant holds the new card: closes the switch as CARD_UPDATED. */
  public static final String CARD_UPDATED = "CARD_UPDATED";
  /** Knot's webhook that says the merchant did not take the card: closes the switch as CARD_FAILED. */
  public static final String CARD_FAILED = "CARD_FAILED";

  private LifecycleRecords() {}

  /** Whether a webhook of this type closes a switch's lifecycle. */
  public static boolean closes(String eventType) {
    return CARD_UPDATED.equals(eventType) || CARD_FAILED.equals(eventType);
  }

  /** Whether an outcome status is a lifecycle record (not the switch's own outcome). */
  public static boolean isLifecycle(SwitchStatus status) {
    return status == SwitchStatus.CARD_UPDATED || status == SwitchStatus.CARD_FAILED
        || status == SwitchStatus.NO_CONFIRMATION;
  }

  /**
   * The record for a closing webhook. Its source is the webhook's own record, so the record traces
   * back to what Knot sent.
   */
  static SwitchOutcome closed(SwitchOutcome switched, KnotWebhookEvent event, String topic, int partition,
      long offset, Instant now) {
    boolean failed = CARD_FAILED.equals(event.getEvent());
    return base(switched, now)
        .setStatus(failed ? SwitchStatus.CARD_FAILED : SwitchStatus.CARD_UPDATED)
        .setLifecycleEventAt(event.getTimestamp())
        .setFailureReason(failed ? event.getData().getReason() : null)
        .setSourceTopic(topic).setSourcePartition(partition).setSourceOffset(offset)
        .build();
  }

  /** The record for a switch Knot never closed; its source stays the AUTHENTICATED event's. */
  static SwitchOutcome noConfirmation(SwitchOutcome switched, Instant now) {
    return base(switched, now).setStatus(SwitchStatus.NO_CONFIRMATION).build();
  }

  private static SwitchOutcome.Builder base(SwitchOutcome switched, Instant now) {
    return SwitchOutcome.newBuilder(switched)
        .setSwitchedAt(switched.getCompletedAt())
        .setLifecycleEventAt(null)
        .setFailureReason(null)
        .setCompletedAt(now);
  }
}
