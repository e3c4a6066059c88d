package dev.cardswitch.topology.lifecycle;

import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.schemas.internal.HeldLifecycleEvent;
import dev.cardswitch.schemas.internal.SwitchLifecycle;
import dev.cardswitch.topology.SwitchMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes each switch with exactly one lifecycle record, on the task_id partition where its webhooks
 * and its outcomes meet:
 *
 * <ul>
 *   <li>a SWITCHED outcome opens an entry in the {@value LifecycleStreams#STORE}, due at its
 *       completion plus the confirmation timeout;
 *   <li>a CARD_UPDATED or CARD_FAILED webhook of an open entry publishes the closing record and
 *       deletes the entry;
 *   <li>one that comes before the SWITCHED outcome is readable (Knot may send it within
 *       milliseconds of answering POST /card, before the outcome's transaction commits) is held in
 *       the entry, and the SWITCHED outcome then closes the switch at once;
 *   <li>a wall-clock punctuator publishes NO_CONFIRMATION for open entries past due, and drops held
 *       webhooks whose task was never switched (the history keeps them; no record is published).
 * </ul>
 *
 * <p>Why deleting on close is enough to publish nothing twice: a repeated closing webhook (Knot
 * retries) then finds no entry and is held like an early one; no SWITCHED outcome follows (the switch
 * never sends a task twice), so it is dropped when due. A later closing webhook of a switch already
 * closed as NO_CONFIRMATION goes the same way. Under exactly-once no outcome is read twice; under
 * at-least-once a SWITCHED outcome read again after its switch closed would open it again.
 *
 * <p>Which entries are due is kept in memory, ordered by due time, so the punctuator looks only at
 * those; it is rebuilt from the store (one scan) at the first punctuation, after a restore.
 *
 * <p>One instance per stream task, used by its stream thread only.
 */
final class LifecycleProcessor implements Processor<String, LifecycleInput, String, SwitchOutcome> {

  private static final Logger LOG = LoggerFactory.getLogger(LifecycleProcessor.class);

  private record Due(long at, String taskKey) {}

  private final Duration timeout;
  private final Duration holdExtra;
  private final Clock clock;
  private final SwitchMetrics metrics;
  private final Deserializer<SwitchOutcome> outcomes;
  private final PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparingLong(Due::at));
  private boolean indexed;
  private KeyValueStore<String, SwitchLifecycle> store;
  private ProcessorContext<String, SwitchOutcome> context;

  /**
   * @param holdExtra added to the timeout for a webhook held before its switch: the switch's outcome
   *     can come up to a window after its AUTHENTICATED event
   */
  LifecycleProcessor(Duration timeout, Duration holdExtra, Clock clock, SwitchMetrics metrics,
      Deserializer<SwitchOutcome> outcomes) {
    this.timeout = timeout;
    this.holdExtra = holdExtra;
    this.clock = clock;
    this.metrics = metrics;
    this.outcomes = outcomes;
  }

  @Override
  public void init(ProcessorContext<String, SwitchOutcome> context) {
    this.context = context;
    this.store = context.getStateStore(LifecycleStreams.STORE);
    context.schedule(LifecycleStreams.SCAN_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> expire());
  }

  @Override
  public void process(Record<String, LifecycleInput> record) {
    RecordMetadata meta = context.recordMetadata().orElse(null);
    String topic = meta == null ? "" : meta.topic();
    if (record.value().webhook() != null) {
      onWebhook(record, record.value().webhook(), meta);
      return;
    }
    byte[] bytes = record.value().outcome();
    if (bytes == null) {
      return;
    }
    SwitchOutcome outcome;
    try {
      outcome = outcomes.deserialize(topic, bytes);
    } catch (RuntimeException e) {
      // The status view counts unreadable outcomes; here it is enough that it is not a SWITCHED one we can use.
      LOG.warn("switch lifecycle: the outcome record at {}-{}@{} cannot be read ({}); its switch, if any, will not"
          + " be closed", topic, meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(),
          e.getClass().getSimpleName());
      return;
    }
    if (outcome != null && outcome.getStatus() == SwitchStatus.SWITCHED) {
      onSwitched(record, outcome);
    }
  }

  private void onSwitched(Record<String, LifecycleInput> record, SwitchOutcome outcome) {
    String key = Long.toString(outcome.getTaskId());
    SwitchLifecycle current = store.get(key);
    if (current == null) {
      open(key, SwitchLifecycle.newBuilder().setTaskId(outcome.getTaskId()).setSwitched(outcome)
          .setDueAt(outcome.getCompletedAt().plus(timeout)).build());
      return;
    }
    if (current.getSwitched() != null || current.getHeld() == null) {
      return; // the same SWITCHED outcome read again
    }
    HeldLifecycleEvent held = current.getHeld();
    store.delete(key);
    publish(record.withKey(key), LifecycleRecords.closed(outcome, held.getEvent(), held.getSourceTopic(),
        held.getSourcePartition(), held.getSourceOffset(), clock.instant()));
  }

  private void onWebhook(Record<String, LifecycleInput> record, KnotWebhookEvent event, RecordMetadata meta) {
    String key = Long.toString(event.getTaskId());
    SwitchLifecycle current = store.get(key);
    if (current != null && current.getSwitched() != null) {
      store.delete(key);
      publish(record.withKey(key), LifecycleRecords.closed(current.getSwitched(), event,
          meta == null ? "" : meta.topic(), meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(),
          clock.instant()));
      return;
    }
    if (current != null) {
      return; // a closing webhook is already held: the first one counts, a repeat changes nothing
    }
    HeldLifecycleEvent held = HeldLifecycleEvent.newBuilder().setEvent(event)
        .setSourceTopic(meta == null ? "" : meta.topic())
        .setSourcePartition(meta == null ? -1 : meta.partition())
        .setSourceOffset(meta == null ? -1 : meta.offset())
        .build();
    open(key, SwitchLifecycle.newBuilder().setTaskId(event.getTaskId()).setHeld(held)
        .setDueAt(clock.instant().plus(timeout).plus(holdExtra)).build());
  }

  private void open(String key, SwitchLifecycle entry) {
    store.put(key, entry);
    due.add(new Due(entry.getDueAt().toEpochMilli(), key));
  }

  /** Closes switched entries past due as NO_CONFIRMATION and drops held webhooks past due (punctuator). */
  private void expire() {
    if (!indexed) {
      indexed = true;
      try (KeyValueIterator<String, SwitchLifecycle> all = store.all()) {
        while (all.hasNext()) {
          KeyValue<String, SwitchLifecycle> entry = all.next();
          due.add(new Due(entry.value.getDueAt().toEpochMilli(), entry.key));
        }
      }
    }
    Instant now = clock.instant();
    Due head;
    while ((head = due.peek()) != null && head.at() <= now.toEpochMilli()) {
      due.poll();
      SwitchLifecycle entry = store.get(head.taskKey());
      if (entry == null || entry.getDueAt().toEpochMilli() != head.at()) {
        continue; // closed meanwhile, or listed twice (by the rebuild and by process)
      }
      store.delete(head.taskKey());
      if (entry.getSwitched() != null) {
        publish(new Record<>(head.taskKey(), null, now.toEpochMilli()),
            LifecycleRecords.noConfirmation(entry.getSwitched(), now));
      } else {
        metrics.lifecycleUnmatched(entry.getHeld().getEvent().getEvent());
      }
    }
  }

  private void publish(Record<String, ?> record, SwitchOutcome lifecycle) {
    metrics.outcome(lifecycle.getStatus().name());
    context.forward(new Record<>(record.key(), lifecycle, record.timestamp(), record.headers()));
  }
}
