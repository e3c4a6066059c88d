package dev.cardswitch.bench;

import java.util.Arrays;

/**
 * A set of latencies in milliseconds and its percentiles by nearest rank: the {@code p}th
 * percentile of n sorted values is the value at rank ⌈p/100 · n⌉ (1-based), so it is always a
 * measured value, never an interpolation. Immutable; thread-safe.
 */
public final class LatencyDistribution {

  private static final LatencyDistribution EMPTY = new LatencyDistribution(new long[0]);

  private final long[] sorted;

  private LatencyDistribution(long[] sorted) {
    this.sorted = sorted;
  }

  /** The distribution of {@code millis} (copied). */
  public static LatencyDistribution of(long[] millis) {
    long[] copy = millis.clone();
    Arrays.sort(copy);
    return new LatencyDistribution(copy);
  }

  public static LatencyDistribution empty() {
    return EMPTY;
  }

  public int count() {
    return sorted.length;
  }

  /**
   * The {@code percentile}th value by nearest rank; null when there is no value.
   *
   * @param percentile in (0, 100]
   */
  public Long percentile(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
    }
    if (sorted.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(percentile / 100 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  /** The largest value; null when there is none. */
  public Long max() {
    return sorted.length == 0 ? null : sorted[sorted.length - 1];
  }

  @Override
  public String toString() {
    return sorted.length == 0
        ? "LatencyDistribution[empty]"
        : "LatencyDistribution[n=" + sorted.length + ", p50=" + percentile(50) + ", p99=" + percentile(99)
            + ", max=" + max() + "]";
  }
}
