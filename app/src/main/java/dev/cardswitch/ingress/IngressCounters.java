package dev.cardswitch.ingress;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The webhook ingress's metrics, in memory: webhooks accepted (produced and acknowledged), rejected
 * by {@link Rejection}, and a histogram of the time from receipt to the 200 of accepted ones. The
 * admin server's {@code GET /metrics} exports them. Thread-safe.
 */
public final class IngressCounters {

  /** Upper bounds of the latency histogram's buckets, in milliseconds (Prometheus' {@code le}). */
  public static final List<Long> LATENCY_BUCKETS_MILLIS = List.of(1L, 2L, 5L, 10L, 20L, 50L, 100L, 250L, 500L,
      1000L, 2500L, 5000L, 10000L);

  private final LongAdder accepted = new LongAdder();
  private final Map<Rejection, LongAdder> rejected = new EnumMap<>(Rejection.class);
  // One slot per bucket (not cumulative) and a last one for +Inf.
  private final AtomicLongArray buckets = new AtomicLongArray(LATENCY_BUCKETS_MILLIS.size() + 1);
  private final LongAdder latencySumNanos = new LongAdder();

  public IngressCounters() {
    for (Rejection r : Rejection.values()) {
      rejected.put(r, new LongAdder()); // filled once: the EnumMap is only read afterwards
    }
  }

  /** A webhook the broker acknowledged, {@code nanos} after it was received. */
  public void accepted(long nanos) {
    accepted.increment();
    latencySumNanos.add(nanos);
    int i = 0;
    while (i < LATENCY_BUCKETS_MILLIS.size() && nanos > LATENCY_BUCKETS_MILLIS.get(i) * 1_000_000) {
      i++;
    }
    buckets.incrementAndGet(i);
  }

  public void rejected(Rejection reason) {
    rejected.get(reason).increment();
  }

  public long acceptedCount() {
    return accepted.sum();
  }

  /** Rejections by reason, every reason present (zero included), in declaration order. */
  public Map<Rejection, Long> rejectedCounts() {
    Map<Rejection, Long> copy = new LinkedHashMap<>();
    rejected.forEach((k, v) -> copy.put(k, v.sum()));
    return Collections.unmodifiableMap(copy);
  }

  public long rejectedCount(Rejection reason) {
    return rejected.get(reason).sum();
  }

  /**
   * The latency histogram, cumulative as Prometheus wants it: for each bound of {@link
   * #LATENCY_BUCKETS_MILLIS}, how many accepted webhooks took at most that long; then all of them.
   */
  public long[] cumulativeLatencyBuckets() {
    long[] out = new long[buckets.length()];
    long sum = 0;
    for (int i = 0; i < out.length; i++) {
      sum += buckets.get(i);
      out[i] = sum;
    }
    return out;
  }

  public double latencySumSeconds() {
    return latencySumNanos.sum() / 1e9;
  }

  @Override
  public String toString() {
    return "IngressCounters[accepted=" + acceptedCount() + ", rejected=" + rejectedCounts() + "]";
  }
}
