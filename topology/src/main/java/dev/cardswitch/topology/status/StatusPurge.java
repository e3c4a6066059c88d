package dev.cardswitch.topology.status;

import dev.cardswitch.schemas.internal.SwitchHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes statuses whose last change is older than the retention, a bounded batch per punctuation
 * from where the previous one stopped: the store holds one record per task ever seen, and a full
 * scan at once would stall the stream thread the switches share. The batch is paced so that a full
 * pass over the store takes about a {@value #PASSES_PER_RETENTION}th of the retention (a status
 * outlives it by at most that much): every key looked at is read and decoded, and at a thousand keys
 * a second per task the walk cost more CPU than the switches it shares the thread with (six
 * decodes per switch at 1,000 switches/s, for a retention of 30 days). The cursor lives in memory;
 * after a restart the walk begins again from the first key, which costs nothing but the walk.
 *
 * <p>One instance per stream task, used by its stream thread only.
 */
final class StatusPurge implements Punctuator {

  /** How often a batch is examined. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  /** Most keys examined per batch: about a millisecond of RocksDB iteration. */
  static final int BATCH = 1000;
  /** Fewest keys examined per batch, so that a store with a wrong size estimate is still gone over. */
  static final int MIN_BATCH = 10;
  /** Full passes over the store per retention period. */
  static final int PASSES_PER_RETENTION = 100;

  private final KeyValueStore<String, SwitchHistory> store;
  private final Clock clock;
  private final Duration retention;
  private String cursor;

  StatusPurge(KeyValueStore<String, SwitchHistory> store, Clock clock, Duration retention) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retention = Objects.requireNonNull(retention, "retention");
  }

  @Override
  public void punctuate(long timestamp) {
    Instant cutoff = clock.instant().minus(retention);
    List<String> expired = new ArrayList<>();
    String last = null;
    boolean more;
    try (KeyValueIterator<String, SwitchHistory> it = cursor == null ? store.all() : store.range(cursor, null)) {
      int batch = batchFor(store.approximateNumEntries(), retention);
      int seen = 0;
      while (seen < batch && it.hasNext()) {
        KeyValue<String, SwitchHistory> entry = it.next();
        seen++;
        last = entry.key;
        if (entry.value != null && entry.value.getUpdatedAt().isBefore(cutoff)) {
          expired.add(entry.key);
        }
      }
      more = it.hasNext();
    }
    // The next batch starts at the last key seen (range is inclusive: one key is looked at twice).
    cursor = more ? last : null;
    for (String key : expired) {
      store.delete(key);
    }
  }

  /** Keys to examine per punctuation for a full pass every retention / {@value #PASSES_PER_RETENTION}. */
  static int batchFor(long entries, Duration retention) {
    long passMillis = Math.max(1, retention.toMillis() / PASSES_PER_RETENTION);
    double perPunctuation = Math.ceil((double) Math.max(0, entries) * INTERVAL.toMillis() / passMillis);
    return (int) Math.max(MIN_BATCH, Math.min(BATCH, perPunctuation));
  }
}
