package dev.cardswitch.bench;

import java.util.Arrays;

/**
 * Sustained throughput from the completion times of the switches of a run: the rate between the
 * completions at the {@value #LOW_PERCENTILE}th and the {@value #HIGH_PERCENTILE}th percentile of
 * completion time (nearest rank), that is the number of completions after the first mark up to
 * and including the second, divided by the time between the two marks. Leaving out the first and
 * last tenth ignores the ramp-up (the first commits, a cold JIT) and the tail (the last
 * stragglers): with every event offered at once it is the rate at which the service drains them;
 * offered at a rate below capacity, it is that rate. A perfectly regular stream of completions at
 * R per second gives exactly R.
 *
 * <p>When the two marks fall in the same millisecond (a handful of switches), the whole span from
 * the first to the last completion is used instead; when that is empty too, the rate is unknown.
 * Immutable; thread-safe.
 *
 * @param perSecond switches per second; {@code NaN} when unknown (fewer than two distinct
 *     completion times)
 * @param counted completions counted in the span
 * @param fromMillis start of the span (epoch milliseconds), 0 when unknown
 * @param toMillis end of the span (epoch milliseconds), 0 when unknown
 */
public record SustainedThroughput(double perSecond, int counted, long fromMillis, long toMillis) {

  public static final int LOW_PERCENTILE = 10;
  public static final int HIGH_PERCENTILE = 90;

  /** The throughput of switches completed at {@code completionMillis} (epoch ms, any order). */
  public static SustainedThroughput of(long[] completionMillis) {
    long[] sorted = completionMillis.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n < 2) {
      return unknown();
    }
    int low = rankIndex(LOW_PERCENTILE, n);
    int high = rankIndex(HIGH_PERCENTILE, n);
    if (sorted[high] <= sorted[low]) {
      low = 0;
      high = n - 1;
      if (sorted[high] <= sorted[low]) {
        return unknown();
      }
    }
    int counted = high - low;
    double seconds = (sorted[high] - sorted[low]) / 1000.0;
    return new SustainedThroughput(counted / seconds, counted, sorted[low], sorted[high]);
  }

  private static SustainedThroughput unknown() {
    return new SustainedThroughput(Double.NaN, 0, 0, 0);
  }

  /** 0-based index of the nearest-rank percentile. */
  private static int rankIndex(int percentile, int n) {
    return Math.max(1, (int) Math.ceil(percentile / 100.0 * n)) - 1;
  }

  public boolean known() {
    return !Double.isNaN(perSecond);
  }

  /** The measured span in milliseconds (0 when unknown). */
  public long spanMillis() {
    return toMillis - fromMillis;
  }
}
