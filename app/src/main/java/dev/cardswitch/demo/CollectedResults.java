package dev.cardswitch.demo;

import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the result topics said about the planned tasks, once collection stopped: the first result of
 * each task counted by outcome status and by dead-letter reason; tasks without any result ({@code
 * missing}); results beyond the first for a task, in either topic, and lifecycle records beyond the
 * first ({@code duplicates}); how Knot closed the switched tasks ({@link #lifecycle()}); first
 * results other than the planned one ({@code unexpected}); and the latency of each task Knot
 * answered (see {@link #latencyPercentileMillis}). Results of tasks outside the plan (earlier runs,
 * other traffic) are only counted as {@code foreign}. Immutable; thread-safe.
 */
public final class CollectedResults {

  private final int planned;
  private final Map<SwitchStatus, Long> byStatus;
  private final Map<DeadLetterReason, Long> byReason;
  private final long missing;
  private final long duplicates;
  private final long unexpected;
  private final long foreign;
  private final long unreadable;
  private final long[] latenciesMillis;
  private final List<Long> missingSample;
  private final List<String> unexpectedSample;
  private final boolean deadlineReached;
  private final Lifecycle lifecycle;

  /**
   * How Knot closed the switched tasks, as their lifecycle records say: {@code confirmed}
   * (CARD_UPDATED), {@code failedByReason} (CARD_FAILED, by Knot's reason), {@code noConfirmation}
   * (NO_CONFIRMATION), and {@code awaiting}: switched tasks whose record had not come when
   * collection stopped (Knot's webhook may still come; not an error).
   */
  public record Lifecycle(long confirmed, Map<String, Long> failedByReason, long noConfirmation, long awaiting) {

    public Lifecycle {
      failedByReason = Collections.unmodifiableMap(new java.util.TreeMap<>(failedByReason));
    }

    /** All CARD_FAILED records. */
    public long failed() {
      return failedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  CollectedResults(
      int planned,
      Map<SwitchStatus, Long> byStatus,
      Map<DeadLetterReason, Long> byReason,
      long missing,
      long duplicates,
      long unexpected,
      long foreign,
      long unreadable,
      long[] latenciesMillis,
      List<Long> missingSample,
      List<String> unexpectedSample,
      boolean deadlineReached,
      Lifecycle lifecycle) {
    this.planned = planned;
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    this.byStatus =
        Collections.unmodifiableMap(new EnumMap<>(nonZero(byStatus, SwitchStatus.class)));
    this.byReason =
        Collections.unmodifiableMap(new EnumMap<>(nonZero(byReason, DeadLetterReason.class)));
    this.missing = missing;
    this.duplicates = duplicates;
    this.unexpected = unexpected;
    this.foreign = foreign;
    this.unreadable = unreadable;
    this.latenciesMillis = latenciesMillis.clone();
    Arrays.sort(this.latenciesMillis);
    this.missingSample = List.copyOf(missingSample);
    this.unexpectedSample = List.copyOf(unexpectedSample);
    this.deadlineReached = deadlineReached;
  }

  private static <K extends Enum<K>> Map<K, Long> nonZero(Map<K, Long> counts, Class<K> type) {
    Map<K, Long> kept = new EnumMap<>(type);
    counts.forEach(
        (k, v) -> {
          if (v != null && v > 0) {
            kept.put(k, v);
          }
        });
    return kept;
  }

  /** How Knot closed the switched tasks. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** Number of planned tasks. */
  public int planned() {
    return planned;
  }

  /** First results that were outcomes, by status, in enum order; statuses never seen are absent. */
  public Map<SwitchStatus, Long> byStatus() {
    return byStatus;
  }

  /**
   * First results that were dead letters, by reason, in enum order; reasons never seen are absent.
   */
  public Map<DeadLetterReason, Long> byReason() {
    return byReason;
  }

  public long switched() {
    return byStatus.getOrDefault(SwitchStatus.SWITCHED, 0L);
  }

  public long skipped() {
    return byStatus.getOrDefault(SwitchStatus.SKIPPED, 0L);
  }

  public long deadLettered() {
    return byReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long missing() {
    return missing;
  }

  public long duplicates() {
    return duplicates;
  }

  public long unexpected() {
    return unexpected;
  }

  /** Results read for tasks outside the plan. */
  public long foreign() {
    return foreign;
  }

  /** Records on the result topics that could not be read as outcomes or dead letters. */
  public long unreadable() {
    return unreadable;
  }

  /** Some of the missing task ids (at most {@value ResultTally#SAMPLE_SIZE}), for the summary. */
  public List<Long> missingSample() {
    return missingSample;
  }

  /**
   * Some of the unexpected results, e.g. {@code task 12: expected SWITCHED, got dead letter
   * KNOT_UNAVAILABLE}.
   */
  public List<String> unexpectedSample() {
    return unexpectedSample;
  }

  /** Whether collection stopped at its deadline rather than because every task had a result. */
  public boolean deadlineReached() {
    return deadlineReached;
  }

  /**
   * How many latencies were measured: one per task whose first result came after Knot answered
   * {@code POST /card} (SWITCHED outcomes, and dead letters carrying Knot's HTTP status).
   */
  public int latencyCount() {
    return latenciesMillis.length;
  }

  /**
   * The {@code percentile}th latency (nearest rank), webhook receipt ({@code received_at}) to
   * result ({@code completed_at}), over the tasks Knot answered; null when none was measured. Tasks
   * Knot never saw are left out: a skipped event's latency says nothing about the switch, and a
   * missing card's is the window itself.
   *
   * @param percentile in (0, 100]
   */
  public Long latencyPercentileMillis(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
    }
    if (latenciesMillis.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(percentile / 100 * latenciesMillis.length);
    return latenciesMillis[Math.max(rank, 1) - 1];
  }

  @Override
  public String toString() {
    return "CollectedResults[planned="
        + planned
        + ", byStatus="
        + byStatus
        + ", byReason="
        + byReason
        + ", missing="
        + missing
        + ", duplicates="
        + duplicates
        + ", unexpected="
        + unexpected
        + ", foreign="
        + foreign
        + ", unreadable="
        + unreadable
        + ", latencies="
        + latenciesMillis.length
        + ", deadlineReached="
        + deadlineReached
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CollectedResults other
        && planned == other.planned
        && byStatus.equals(other.byStatus)
        && byReason.equals(other.byReason)
        && missing == other.missing
        && duplicates == other.duplicates
        && unexpected == other.unexpected
        && foreign == other.foreign
        && unreadable == other.unreadable
        && Arrays.equals(latenciesMillis, other.latenciesMillis)
        && deadlineReached == other.deadlineReached;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        planned,
        byStatus,
        byReason,
        missing,
        duplicates,
        unexpected,
        foreign,
        Arrays.hashCode(latenciesMillis));
  }
}
