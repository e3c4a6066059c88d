package dev.cardswitch.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * How big and how fast a demo run is: number of events, seed, rate, and how long to wait for
 * results beyond Knot's window. Immutable, validated when built (each error naming the flag);
 * thread-safe.
 */
public final class DemoSettings {

  public static final int DEFAULT_EVENTS = DemoPlan.DEFAULT_EVENTS;
  public static final long DEFAULT_SEED = DemoPlan.DEFAULT_SEED;

  /** 0: produce as fast as the broker acknowledges. */
  public static final double DEFAULT_RATE = 0;

  /** Wait for results until the last event's receipt + the window + this margin. */
  public static final Duration DEFAULT_MARGIN = ResultCollector.DEFAULT_MARGIN;

  private final int events;
  private final long seed;
  private final double rate;
  private final Duration margin;
  private final Duration lifecycleWait;
  /** Null: the card references carry no FIDO result. */
  private final DemoCardinal fido;

  private DemoSettings(Builder b) {
    if (b.events < 1) {
      throw new IllegalArgumentException("events (--events) must be at least 1, was " + b.events);
    }
    if (!(b.rate >= 0) || Double.isInfinite(b.rate)) {
      throw new IllegalArgumentException(
          "rate (--rate) must be a number of events per second, or 0 for as fast as possible, was "
              + b.rate);
    }
    Objects.requireNonNull(b.margin, "margin");
    if (b.margin.isNegative()) {
      throw new IllegalArgumentException("margin must not be negative, was " + b.margin);
    }
    this.events = b.events;
    this.seed = b.seed;
    this.rate = b.rate;
    this.margin = b.margin;
    Objects.requireNonNull(b.lifecycleWait, "lifecycleWait");
    if (b.lifecycleWait.isNegative()) {
      throw new IllegalArgumentException("lifecycleWait must not be negative, was " + b.lifecycleWait);
    }
    this.lifecycleWait = b.lifecycleWait;
    this.fido = b.fido;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return builder().events(events).seed(seed).rate(rate).margin(margin).lifecycleWait(lifecycleWait).fido(fido);
  }

  public static DemoSettings defaults() {
    return builder().build();
  }

  public int events() {
    return events;
  }

  public long seed() {
    return seed;
  }

  /** Events per second; 0 = as fast as possible. */
  public double rate() {
    return rate;
  }

  public Duration margin() {
    return margin;
  }

  /**
   * Once every event has its result, how long at most to wait for Knot's lifecycle webhooks to
   * close the switched tasks (0, the default: not at all; the summary then counts them as awaiting).
   */
  public Duration lifecycleWait() {
    return lifecycleWait;
  }

  /**
   * The stand-in for Cardinal FIDO when the service's FIDO gate is on ({@code --fido}): every card
   * reference then carries a FIDO result, and with {@code required} a planned share a failed one.
   * Null when the gate is off.
   */
  public DemoCardinal fido() {
    return fido;
  }

  @Override
  public String toString() {
    return "DemoSettings[events="
        + events
        + ", seed="
        + seed
        + ", rate="
        + rate
        + ", margin="
        + margin
        + ", lifecycleWait="
        + lifecycleWait
        + (fido == null ? "" : ", fido=" + fido)
        + "]";
  }

  /** Builder with every field at its default. Not thread-safe. */
  public static final class Builder {
    private int events = DEFAULT_EVENTS;
    private long seed = DEFAULT_SEED;
    private double rate = DEFAULT_RATE;
    private Duration margin = DEFAULT_MARGIN;
    private Duration lifecycleWait = Duration.ZERO;
    private DemoCardinal fido;

    private Builder() {}

    /** Plays Cardinal FIDO with {@code cardinal} (null: no FIDO results). */
    public Builder fido(DemoCardinal cardinal) {
      this.fido = cardinal;
      return this;
    }

    public Builder lifecycleWait(Duration wait) {
      this.lifecycleWait = wait;
      return this;
    }

    public Builder events(int events) {
      this.events = events;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder rate(double eventsPerSecond) {
      this.rate = eventsPerSecond;
      return this;
    }

    public Builder margin(Duration margin) {
      this.margin = margin;
      return this;
    }

    public DemoSettings build() {
      return new DemoSettings(this);
    }
  }
}
