package dev.cardswitch.topology.status;

import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.topology.SwitchMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what one record says about its task in the {@code switch-status-store}: reads the task's
 * history, applies the record ({@link Update}) and writes the result back. A sink: it forwards
 * nothing, so the switch path never waits on it. A record whose key is not a task id, or whose value
 * cannot be read, is skipped and counted ({@link SwitchMetrics#statusRecordSkipped}), never dead-lettered:
 * the status is a view of the switch's records, not one of its inputs.
 *
 * <p>One instance per stream task, used by its stream thread only.
 */
final class StatusRecorder<V> implements Processor<String, V, Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);
  /** A task id is a long: at most 19 digits and a sign. */
  private static final int MAX_KEY_LENGTH = 20;

  /** What one record does to a task's history (null: nothing changes). */
  @FunctionalInterface
  interface Update<V> {
    SwitchHistory apply(SwitchHistory current, long taskId, V value, SwitchHistories.Source source);
  }

  /** Turns a source value into the record to apply; throws when it cannot be read. */
  @FunctionalInterface
  interface Reader<V, T> {
    T read(String topic, V value);
  }

  private final Update<Object> update;
  private final Reader<V, ?> reader;
  private final SwitchMetrics metrics;
  private final Clock purgeClock;
  private final Duration retention;
  private KeyValueStore<String, SwitchHistory> store;
  private ProcessorContext<Void, Void> context;

  /**
   * @param purgeClock with {@code retention}: this recorder also purges expired statuses
   *     ({@link StatusPurge}); null for the recorders that leave it to another one of their task
   */
  @SuppressWarnings("unchecked")
  <T> StatusRecorder(Reader<V, T> reader, Update<T> update, SwitchMetrics metrics, Clock purgeClock,
      Duration retention) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.update = (Update<Object>) Objects.requireNonNull(update, "update");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.purgeClock = purgeClock;
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(SwitchStatusStreams.STORE);
    if (purgeClock != null) {
      context.schedule(StatusPurge.INTERVAL, PunctuationType.WALL_CLOCK_TIME,
          new StatusPurge(store, purgeClock, retention));
    }
  }

  @Override
  public void process(Record<String, V> record) {
    RecordMetadata meta = context.recordMetadata().orElse(null);
    String topic = meta == null ? "" : meta.topic();
    SwitchHistories.Source source = meta == null ? new SwitchHistories.Source("", -1, -1)
        : new SwitchHistories.Source(meta.topic(), meta.partition(), meta.offset());
    Long taskId = taskId(record.key());
    if (taskId == null || record.value() == null) {
      skip(topic, source, "its key is not a task id or it has no value");
      return;
    }
    Object value;
    try {
      value = reader.read(topic, record.value());
    } catch (RuntimeException e) {
      // The class only: a decoder's message may quote the bytes it could not read.
      skip(topic, source, "it cannot be read (" + e.getClass().getSimpleName() + ")");
      return;
    }
    String key = Long.toString(taskId);
    SwitchHistory next = update.apply(store.get(key), taskId, value, source);
    if (next != null) {
      store.put(key, next);
    }
  }

  private void skip(String topic, SwitchHistories.Source source, String why) {
    metrics.statusRecordSkipped(topic);
    LOG.warn("switch status: the record at {}-{}@{} was skipped: {}", source.topic(), source.partition(),
        source.offset(), why);
  }

  /** The task id a record key names, or null. */
  static Long taskId(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return null;
    }
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
