package dev.cardswitch.replay;

import dev.cardswitch.schemas.ReplayOrigin;
import java.util.Objects;

/**
 * Where a dead letter rests: topic, partition, offset. Its identity for the replay ledger (the
 * ledger's key is {@link #ledgerKey()}) and the link a replayed event carries ({@code replay_of}).
 * Immutable; thread-safe.
 */
public record DeadLetterAddress(String topic, int partition, long offset) {

  public DeadLetterAddress {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("partition and offset must not be negative: " + partition + "/" + offset);
    }
  }

  /** The address a replayed event names in its {@code replay_of}. */
  public static DeadLetterAddress of(ReplayOrigin origin) {
    return new DeadLetterAddress(origin.getDeadLetterTopic(), origin.getDeadLetterPartition(),
        origin.getDeadLetterOffset());
  }

  /** {@code topic/partition/offset}: the ledger's record key (topic names cannot hold a slash). */
  public String ledgerKey() {
    return topic + "/" + partition + "/" + offset;
  }

  @Override
  public String toString() {
    return ledgerKey();
  }
}
