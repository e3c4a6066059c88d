package dev.cardswitch.soak;

import dev.cardswitch.demo.ResultCollector;
import dev.cardswitch.demo.TaskResult;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every result read for the planned tasks of a fault run, first and later ones, with what the
 * invariants and the fault's own checks need: the result, whether it says the card was re-sent
 * after a restart, when the event was received and the result completed, and Knot's attempts.
 * Fed by {@link ResultCollector} on its thread; read once the collection ended. Thread-safe.
 */
public final class ResultLedger implements ResultCollector.Listener {

  /** One result of one task. Holds no card data: a dead letter's detail never does. */
  public record Entry(TaskResult result, boolean resentAfterRestart, Instant receivedAt, Instant completedAt,
      int attempts, Instant firstAttemptAt, Instant lastAttemptAt, Integer httpStatus, String detail) {

    public boolean switched() {
      return result.equals(TaskResult.of(SwitchStatus.SWITCHED));
    }
  }

  private final Set<Long> planned;
  private final Map<Long, List<Entry>> byTask = new ConcurrentHashMap<>();
  private final ResultCollector.Listener next;

  /** @param next told of every first result and poll (e.g. a progress bar) */
  public ResultLedger(Set<Long> planned, ResultCollector.Listener next) {
    this.planned = Set.copyOf(planned);
    this.next = next;
  }

  @Override
  public void read(long taskId, SpecificRecord record) {
    if (!planned.contains(taskId)) {
      return;
    }
    Entry entry;
    if (record instanceof SwitchOutcome o) {
      entry = new Entry(TaskResult.of(o.getStatus()), o.getResentAfterRestart(), o.getReceivedAt(), o.getCompletedAt(),
          o.getAttempts(), o.getFirstAttemptAt(), o.getLastAttemptAt(), o.getHttpStatus(), "");
    } else if (record instanceof DeadLetter d) {
      entry = new Entry(TaskResult.of(d.getReason()), d.getResentAfterRestart(), d.getReceivedAt(), d.getCompletedAt(),
          d.getAttempts(), d.getFirstAttemptAt(), d.getLastAttemptAt(), d.getHttpStatus(), d.getDetail());
    } else {
      return;
    }
    byTask.computeIfAbsent(taskId, t -> java.util.Collections.synchronizedList(new ArrayList<>())).add(entry);
  }

  @Override
  public void accounted(long taskId, TaskResult result) {
    next.accounted(taskId, result);
  }

  @Override
  public void polled() {
    next.polled();
  }

  /** Every result of {@code taskId}, in the order read. */
  public List<Entry> of(long taskId) {
    List<Entry> entries = byTask.get(taskId);
    if (entries == null) {
      return List.of();
    }
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  public Optional<Entry> first(long taskId) {
    List<Entry> entries = of(taskId);
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
  }

  /** The planned tasks with at least one result. */
  public Set<Long> tasks() {
    return Set.copyOf(byTask.keySet());
  }
}
