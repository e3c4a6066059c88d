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
 * by {@link Rejection}, and two histograms of accepted ones: the time from receipt to the 200, and the
 * ingress's own part of it (the same time less the wait for the broker's acknowledgement). The admin
 * server's {@code GET /metrics} exports them. Thread-safe.
 */
public final class IngressCounters {

  /** Upper bounds of the latency histograms' buckets, in milliseconds (Prometheus' {@code le}). */
  public static final List<Long> LATENCY_BUCKETS_MILLIS = List.of(1L, 2L, 5L, 10L, 20L, 50L, 100L, 250L, 500L,
      1000L, 2500L, 5000L, 10000L);

  /** A latency histogram with the buckets of {@link #LATENCY_BUCKETS_MILLIS}. Thread-safe. */
  public static final class Histogram {
    // One slot per bucket (not cumulative) and a last one for +Inf.
    private final AtomicLongArray buckets = new AtomicLongArray(LATENCY_BUCKETS_MILLIS.size() + 1);
    private final LongAdder sumNanos = new LongAdder();

    void record(long nanos) {
      sumNanos.add(nanos);
      int i = 0;
      while (i < LATENCY_BUCKETS_MILLIS.size() && nanos > LATENCY_BUCKETS_MILLIS.get(i) * 1_000_000) {
        i++;
      }
      buckets.incrementAndGet(i);
    }

    /**
     * Cumulative as Prometheus wants it: for each bound of {@link #LATENCY_BUCKETS_MILLIS}, how many
     * took at most that long; then all of them.
     */
    public long[] cumulative() {
      long[] out = new long[buckets.length()];
      long sum = 0;
      for (int i = 0; i < out.length; i++) {
        sum += buckets.get(i);
        out[i] = sum;
      }
      return out;
    }

    public double sumSeconds() {
      return sumNanos.sum() / 1e9;
    }

    /**
     * The smallest bucket bound that at least {@code percentile} % of the recorded times stay within,
     * in milliseconds; null when nothing was recorded or only +Inf holds that share.
     */
    public Long percentileBoundMillis(double percentile) {
      long[] cumulative = cumulative();
      long count = cumulative[cumulative.length - 1];
      if (count == 0) {
        return null;
      }
      for (int i = 0; i < LATENCY_BUCKETS_MILLIS.size(); i++) {
        if (cumulative[i] * 100.0 >= percentile * count) {
          return LATENCY_BUCKETS_MILLIS.get(i);
        }
      }
      return null;
    }
  }

  private final LongAdder accepted = new LongAdder();
  private final Map<Rejection, LongAdder> rejected = new EnumMap<>(Rejection.class);
  private final Histogram latency = new Histogram();
  private final Histogram ownLatency = new Histogram();

  public IngressCounters() {
    for (Rejection r : Rejection.values()) {
      rejected.put(r, new LongAdder()); // filled once: the EnumMap is only read afterwards
    }
  }

  /**
   * A webhook the broker acknowledged, {@code nanos} after it was received, of which {@code
   * brokerNanos} waiting for the acknowledgement.
   */
  public void accepted(long nanos, long brokerNanos) {
    accepted.increment();
    latency.record(nanos);
    ownLatency.record(Math.max(0, nanos - brokerNanos));
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

  /** Receipt to 200, the broker's acknowledgement included. */
  public Histogram latency() {
    return latency;
  }

  /** Receipt to 200 less the wait for the broker's acknowledgement: what the ingress itself takes. */
  public Histogram ownLatency() {
    return ownLatency;
  }

  @Override
  public String toString() {
    return "IngressCounters[accepted=" + acceptedCount() + ", rejected=" + rejectedCounts() + "]";
  }
}
