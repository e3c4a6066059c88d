package dev.cardswitch.demo;

import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The running account of results against the plan, as {@link ResultCollector} reads them: the first
 * result of a planned task counts, later ones are duplicates. Not thread-safe: fed by one thread.
 */
final class ResultTally {

  /** Task ids and mismatches kept for the summary. */
  static final int SAMPLE_SIZE = 5;

  private final Map<Long, ExpectedResult> planned;
  private final Map<Long, TaskResult> first = new HashMap<>();
  private final Map<SwitchStatus, Long> byStatus = new EnumMap<>(SwitchStatus.class);
  private final Map<DeadLetterReason, Long> byReason = new EnumMap<>(DeadLetterReason.class);
  private final List<Long> latencies = new ArrayList<>();
  private final List<String> unexpectedSample = new ArrayList<>();
  private long duplicates;
  private long unexpected;
  private long foreign;
  private long unreadable;
  /** Planned tasks closed by a lifecycle record, with its status. */
  private final Map<Long, SwitchStatus> closed = new HashMap<>();
  private final Map<String, Long> failedByReason = new java.util.TreeMap<>();

  ResultTally(Map<Long, ExpectedResult> planned) {
    // Insertion order kept: missing tasks are sampled in the plan's order.
    this.planned = new LinkedHashMap<>(Objects.requireNonNull(planned, "planned"));
  }

  /**
   * Accounts for one result.
   *
   * @param latencyMillis receipt to result, when Knot answered the task; else null
   * @return true when it is the first result of a planned task
   */
  boolean add(long taskId, TaskResult result, Long latencyMillis) {
    ExpectedResult expected = planned.get(taskId);
    if (expected == null) {
      foreign++;
      return false;
    }
    if (first.putIfAbsent(taskId, result) != null) {
      duplicates++;
      return false;
    }
    if (result.kind() == TaskResult.Kind.OUTCOME) {
      byStatus.merge(SwitchStatus.valueOf(result.name()), 1L, Long::sum);
    } else {
      byReason.merge(DeadLetterReason.valueOf(result.name()), 1L, Long::sum);
    }
    if (!expected.result().equals(result)) {
      unexpected++;
      if (unexpectedSample.size() < SAMPLE_SIZE) {
        unexpectedSample.add(
            "task " + taskId + ": expected " + expected.result() + ", got " + result);
      }
    }
    if (latencyMillis != null) {
      latencies.add(latencyMillis);
    }
    return true;
  }

  /**
   * Accounts for one lifecycle record (CARD_UPDATED, CARD_FAILED, NO_CONFIRMATION): the first of a
   * planned task counts, a later one is a duplicate (card-switch publishes one per switch).
   */
  void addLifecycle(long taskId, SwitchStatus status, String failureReason) {
    if (!planned.containsKey(taskId)) {
      foreign++;
      return;
    }
    if (closed.putIfAbsent(taskId, status) != null) {
      duplicates++;
      return;
    }
    if (status == SwitchStatus.CARD_FAILED) {
      failedByReason.merge(failureReason == null ? "unspecified" : failureReason, 1L, Long::sum);
    }
  }

  /** Switched planned tasks whose lifecycle record has not been read yet. */
  long awaitingConfirmation() {
    long switched = 0;
    for (Map.Entry<Long, TaskResult> e : first.entrySet()) {
      if (e.getValue().kind() == TaskResult.Kind.OUTCOME && SwitchStatus.SWITCHED.name().equals(e.getValue().name())
          && !closed.containsKey(e.getKey())) {
        switched++;
      }
    }
    return switched;
  }

  /** A record that is neither a readable outcome nor a readable dead letter of a known task. */
  void unreadable() {
    unreadable++;
  }

  /** Whether every planned task has a result. */
  boolean complete() {
    return first.size() == planned.size();
  }

  int accounted() {
    return first.size();
  }

  CollectedResults results(boolean deadlineReached) {
    List<Long> missingSample = new ArrayList<>();
    long missing = 0;
    for (Long task : planned.keySet()) {
      if (!first.containsKey(task)) {
        missing++;
        if (missingSample.size() < SAMPLE_SIZE) {
          missingSample.add(task);
        }
      }
    }
    return new CollectedResults(
        planned.size(),
        byStatus,
        byReason,
        missing,
        duplicates,
        unexpected,
        foreign,
        unreadable,
        latencies.stream().mapToLong(Long::longValue).toArray(),
        missingSample,
        unexpectedSample,
        deadlineReached,
        new CollectedResults.Lifecycle(
            closed.values().stream().filter(SwitchStatus.CARD_UPDATED::equals).count(),
            failedByReason,
            closed.values().stream().filter(SwitchStatus.NO_CONFIRMATION::equals).count(),
            awaitingConfirmation()));
  }
}
