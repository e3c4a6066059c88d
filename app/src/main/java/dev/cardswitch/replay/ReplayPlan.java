package dev.cardswitch.replay;

import dev.cardswitch.schemas.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a replay run does, decided before anything is written, so a dry run shows exactly what
 * {@code --execute} would do. Of the dead letters the filter selects, in this order of checks: one
 * without a readable event is skipped ({@link SkipReason#NO_EVENT}); one the ledger covers is
 * {@link SkipReason#ALREADY_REPLAYED}; one not marked replayable is skipped unless forced; one whose
 * task has an outcome is {@link SkipReason#ALREADY_SWITCHED}; of the rest, only the latest dead
 * letter of each task is replayed ({@link SkipReason#SUPERSEDED}): one new attempt per task, with
 * its latest event. Pure: no I/O. Immutable; thread-safe.
 */
public final class ReplayPlan {

  // Dead letters are keyed by task id, so a task's dead letters share a partition and its offsets
  // order them; the time is only a tie-break for a topic whose partition count changed.
  private static final Comparator<ReplayCandidate> LATEST_LAST = Comparator
      .comparing((ReplayCandidate c) -> c.deadLetter().getCompletedAt())
      .thenComparing(c -> c.address().topic())
      .thenComparingInt(c -> c.address().partition())
      .thenComparingLong(c -> c.address().offset());

  private final List<PlannedReplay> entries;
  private final long read;

  private ReplayPlan(List<PlannedReplay> entries, long read) {
    this.entries = List.copyOf(entries);
    this.read = read;
  }

  /**
   * @param deadLetters every dead letter read from the topic
   * @param tasksWithOutcome task ids that have an outcome on the outcome topic
   * @param now the replay's time, to tell whether Knot's window of each event has closed
   * @param window Knot's window (SWITCH_WINDOW)
   */
  public static ReplayPlan of(Collection<ReplayCandidate> deadLetters, ReplayFilter filter, boolean force,
      ReplayLedger ledger, Set<Long> tasksWithOutcome, Instant now, Duration window) {
    List<ReplayCandidate> selected = deadLetters.stream()
        .filter(c -> filter.matches(c.deadLetter()))
        .sorted(LATEST_LAST)
        .toList();
    // By identity: two records of the same dead letter at different offsets are different candidates.
    Map<ReplayCandidate, SkipReason> skips = new IdentityHashMap<>();
    Map<Long, ReplayCandidate> latestByTask = new HashMap<>();
    for (ReplayCandidate c : selected) {
      DeadLetter d = c.deadLetter();
      if (d.getEvent() == null || d.getTaskId() == null) {
        skips.put(c, SkipReason.NO_EVENT);
      } else if (ledger.covers(c.address(), d.getTaskId())) {
        skips.put(c, SkipReason.ALREADY_REPLAYED);
      } else if (!d.getReplayable() && !force) {
        skips.put(c, SkipReason.NOT_REPLAYABLE);
      } else if (tasksWithOutcome.contains(d.getTaskId())) {
        skips.put(c, SkipReason.ALREADY_SWITCHED);
      } else {
        ReplayCandidate earlier = latestByTask.put(d.getTaskId(), c); // sorted: c is the later one
        if (earlier != null) {
          skips.put(earlier, SkipReason.SUPERSEDED);
        }
      }
    }
    List<PlannedReplay> entries = new ArrayList<>(selected.size());
    for (ReplayCandidate c : selected) {
      DeadLetter d = c.deadLetter();
      boolean closed = d.getEvent() != null && !now.isBefore(d.getEvent().getTimestamp().plus(window));
      entries.add(new PlannedReplay(c, Optional.ofNullable(skips.get(c)), closed));
    }
    return new ReplayPlan(entries, deadLetters.size());
  }

  /** Every selected dead letter with its decision, oldest dead letter first. */
  public List<PlannedReplay> entries() {
    return entries;
  }

  /** Those to replay, oldest first. */
  public List<PlannedReplay> toReplay() {
    return entries.stream().filter(PlannedReplay::replays).toList();
  }

  /** Dead letters read from the topic, selected or not. */
  public long read() {
    return read;
  }

  public long selected() {
    return entries.size();
  }

  /** Skipped dead letters by reason, every reason present (0 when none). */
  public Map<SkipReason, Long> skippedByReason() {
    Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
    for (SkipReason r : SkipReason.values()) {
      counts.put(r, 0L);
    }
    entries.forEach(e -> e.skip().ifPresent(r -> counts.merge(r, 1L, Long::sum)));
    return counts;
  }
}
