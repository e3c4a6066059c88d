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
 * scan at once would stall the stream thread the switches share. At {@value #BATCH} keys a second,
 * ten million statuses are gone over in about three hours. The cursor lives in memory; after a
 * restart the walk begins again from the first key, which costs nothing but the walk.
 *
 * <p>One instance per stream task, used by its stream thread only.
 */
final class StatusPurge implements Punctuator {

  /** How often a batch is examined. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  /** Keys examined per batch: about a millisecond of RocksDB iteration. */
  static final int BATCH = 1000;

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
      int seen = 0;
      while (seen < BATCH && it.hasNext()) {
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
}
