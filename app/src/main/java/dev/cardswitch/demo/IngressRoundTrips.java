package dev.cardswitch.demo;

import java.util.Arrays;

/**
 * How long the webhook ingress took to answer the demo's POSTs: from the request's start to its 200,
 * measured by the demo as Knot would see it (the broker's acknowledgement included, since the ingress
 * answers only after it). Immutable; thread-safe.
 */
public final class IngressRoundTrips {

  private final long[] sortedMicros;

  private IngressRoundTrips(long[] micros) {
    this.sortedMicros = micros.clone();
    Arrays.sort(sortedMicros);
  }

  /** The round trips, in microseconds, in any order. */
  public static IngressRoundTrips ofMicros(long[] micros) {
    return new IngressRoundTrips(micros);
  }

  public int count() {
    return sortedMicros.length;
  }

  /** The nearest-rank percentile in milliseconds, to 0.1 ms; null without any round trip. */
  public Double percentileMillis(double percentile) {
    if (sortedMicros.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sortedMicros.length);
    long micros = sortedMicros[Math.min(sortedMicros.length, Math.max(1, rank)) - 1];
    return Math.round(micros / 100.0) / 10.0;
  }
}
