package dev.cardswitch.soak;

import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.ExpectedResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a fault run left to judge it by: the plan (each task's expected result), every result
 * read ({@link ResultLedger}), the collector's account (missing, duplicates), what the fault script
 * did and when ({@link FaultContext.Mark}), and the stack (the sandbox's per-task counts, the
 * topics, the instances' output). Immutable once built; thread-safe as far as its parts are.
 */
public final class ScenarioEvidence {

  private final DemoPlan plan;
  private final ResultLedger ledger;
  private final CollectedResults collected;
  private final List<FaultContext.Mark> marks;
  private final SoakStack stack;

  ScenarioEvidence(DemoPlan plan, ResultLedger ledger, CollectedResults collected, List<FaultContext.Mark> marks,
      SoakStack stack) {
    this.plan = plan;
    this.ledger = ledger;
    this.collected = collected;
    this.marks = List.copyOf(marks);
    this.stack = stack;
  }

  public DemoPlan plan() {
    return plan;
  }

  public ResultLedger ledger() {
    return ledger;
  }

  public CollectedResults collected() {
    return collected;
  }

  public List<FaultContext.Mark> marks() {
    return marks;
  }

  public SoakStack stack() {
    return stack;
  }

  public Map<Long, ExpectedResult> expectations() {
    return plan.expectations();
  }

  /** The tasks planned to end as {@code expected}, in plan order. */
  public List<Long> tasksExpecting(ExpectedResult expected) {
    List<Long> tasks = new ArrayList<>();
    plan.expectations().forEach((task, e) -> {
      if (e == expected) {
        tasks.add(task);
      }
    });
    return tasks;
  }

  /** When the webhook of {@code task} was received, as its first result says. */
  public Optional<Instant> receivedAt(long task) {
    return ledger.first(task).map(ResultLedger.Entry::receivedAt);
  }

  /** The moments faults ended (or the service was restarted): where recovery is measured from. */
  public List<Instant> faultEnds() {
    return marks.stream().filter(m -> m.kind() == FaultContext.Mark.Kind.FAULT_ENDED).map(FaultContext.Mark::at)
        .toList();
  }

  public Optional<Instant> firstFaultStart() {
    return marks.stream().filter(m -> m.kind() == FaultContext.Mark.Kind.FAULT_STARTED).map(FaultContext.Mark::at)
        .min(Instant::compareTo);
  }

  public Optional<Instant> lastFaultEnd() {
    return faultEnds().stream().max(Instant::compareTo);
  }

  /**
   * Time to recover: for each fault end, how long until the first card switched after it (its
   * outcome's completion); the longest of these. Empty when no fault ended; a fault end with no
   * switch after it is reported by {@link #unrecovered()}.
   */
  public Optional<Duration> recovery() {
    Duration longest = null;
    List<Instant> switches = switchCompletions();
    for (Instant end : faultEnds()) {
      Optional<Instant> next = switches.stream().filter(t -> t.isAfter(end)).findFirst();
      if (next.isPresent()) {
        Duration d = Duration.between(end, next.get());
        longest = longest == null || d.compareTo(longest) > 0 ? d : longest;
      }
    }
    return Optional.ofNullable(longest);
  }

  /** Fault ends after which no card was switched at all. */
  public List<Instant> unrecovered() {
    List<Instant> switches = switchCompletions();
    return faultEnds().stream().filter(end -> switches.stream().noneMatch(t -> t.isAfter(end))).toList();
  }

  private List<Instant> switchCompletions() {
    List<Instant> switches = new ArrayList<>();
    for (long task : ledger.tasks()) {
      ledger.first(task).filter(ResultLedger.Entry::switched).ifPresent(e -> switches.add(e.completedAt()));
    }
    switches.sort(Instant::compareTo);
    return switches;
  }
}
