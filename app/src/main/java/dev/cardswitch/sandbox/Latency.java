package dev.cardswitch.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the sandbox waits before answering {@code POST /card}: none, fixed, uniform between two
 * bounds, or log-normal given its median and 99th percentile (the usual shape of a remote API's
 * latency). Samples are capped at {@link #MAX}. Immutable and thread-safe.
 */
public final class Latency {

  /** No sample is longer than this, whatever the distribution's tail. */
  public static final Duration MAX = Duration.ofSeconds(60);

  /** The 0.99 quantile of the standard normal distribution. */
  private static final double Z_99 = 2.3263478740408408;

  public enum Kind { NONE, FIXED, UNIFORM, LOG_NORMAL }

  public static final Latency NONE = new Latency(Kind.NONE, Duration.ZERO, Duration.ZERO);

  private final Kind kind;
  private final Duration a;
  private final Duration b;

  private Latency(Kind kind, Duration a, Duration b) {
    this.kind = kind;
    this.a = a;
    this.b = b;
  }

  public static Latency fixed(Duration delay) {
    return new Latency(Kind.FIXED, nonNegative(delay, "delay"), Duration.ZERO);
  }

  public static Latency uniform(Duration min, Duration max) {
    if (nonNegative(max, "max").compareTo(nonNegative(min, "min")) < 0) {
      throw new IllegalArgumentException("uniform latency: max " + max + " is below min " + min);
    }
    return new Latency(Kind.UNIFORM, min, max);
  }

  /** Log-normal with the given median and 99th percentile (p99 at least p50, both positive). */
  public static Latency logNormal(Duration p50, Duration p99) {
    if (p50.isNegative() || p50.isZero() || p99.compareTo(p50) < 0) {
      throw new IllegalArgumentException("log-normal latency needs 0 < p50 <= p99, got p50=" + p50 + " p99=" + p99);
    }
    return new Latency(Kind.LOG_NORMAL, p50, p99);
  }

  private static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    return d;
  }

  /** One delay drawn from this distribution. */
  public Duration sample(RandomGenerator random) {
    Duration d = switch (kind) {
      case NONE -> Duration.ZERO;
      case FIXED -> a;
      case UNIFORM -> a.plusNanos((long) (random.nextDouble() * (b.toNanos() - a.toNanos())));
      case LOG_NORMAL -> {
        double mu = Math.log(a.toNanos());
        double sigma = (Math.log(b.toNanos()) - mu) / Z_99;
        yield Duration.ofNanos((long) Math.min(MAX.toNanos(), Math.exp(mu + sigma * random.nextGaussian())));
      }
    };
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  public Kind kind() {
    return kind;
  }

  /** FIXED: the delay; UNIFORM: the minimum; LOG_NORMAL: the median; NONE: zero. */
  public Duration first() {
    return a;
  }

  /** UNIFORM: the maximum; LOG_NORMAL: the 99th percentile; otherwise zero. */
  public Duration second() {
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Latency l && l.kind == kind && l.a.equals(a) && l.b.equals(b);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, a, b);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case FIXED -> "fixed " + a.toMillis() + " ms";
      case UNIFORM -> "uniform " + a.toMillis() + ".." + b.toMillis() + " ms";
      case LOG_NORMAL -> "log-normal p50=" + a.toMillis() + " ms p99=" + b.toMillis() + " ms";
    };
  }
}
