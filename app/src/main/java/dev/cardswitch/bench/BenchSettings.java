package dev.cardswitch.bench;

import dev.cardswitch.sandbox.Latency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a benchmark runs: the load (events measured, warm-up events before them, the rate they are
 * offered at, how many distinct cards they reuse), the embedded Knot sandbox's behaviour (latency
 * L ± jitter, uniform; the share of JWEs it really decrypts), how many service instances run, the
 * JVM options of their processes, whether the naive baseline runs too, or instead a sweep of offered
 * rates (each step {@code events} events at its rate, after one warm-up). Immutable, validated
 * when built, each error naming the flag; thread-safe.
 */
public final class BenchSettings {

  public static final int DEFAULT_EVENTS = 5000;
  /** 0: offer every event as fast as the broker takes them. */
  public static final double DEFAULT_RATE = 0;
  public static final Duration DEFAULT_LATENCY = Duration.ofMillis(200);
  /** Knot's latency is drawn uniformly from L · (1 − jitter) to L · (1 + jitter). */
  public static final double DEFAULT_JITTER = 0.2;
  /**
   * RSA decryption costs the sandbox about a millisecond: decrypting every JWE would make the
   * sandbox, which shares the machine, the bottleneck. The others are checked for shape only.
   */
  public static final double DEFAULT_VERIFY_SHARE = 0.01;
  public static final int DEFAULT_INSTANCES = 1;
  /**
   * Events played, and waited for, before the measured span: connections, first commits and above
   * all the JIT, whose compiler threads can take more CPU than the switches for the first few
   * thousand events (the report shows their share).
   */
  public static final int DEFAULT_WARMUP = 2000;
  /** Distinct cards the events reuse (sealing one costs about a millisecond). */
  public static final int DEFAULT_CARDS = 300;
  /** Beyond the last event's window, how long to wait for results before calling them missing. */
  public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(30);
  public static final long DEFAULT_SEED = 42;

  private final int events;
  private final double rate;
  private final Duration latency;
  private final double jitter;
  private final double verifyShare;
  private final int instances;
  private final boolean baseline;
  private final Warmup warmup;
  private final int cards;
  private final List<String> javaOptions;
  private final Duration margin;
  private final long seed;
  private final List<Double> sweep;
  private final Path plot;

  private BenchSettings(Builder b) {
    if (b.events < 1) {
      throw new IllegalArgumentException("--events must be at least 1, was " + b.events);
    }
    if (!(b.rate >= 0) || Double.isInfinite(b.rate)) {
      throw new IllegalArgumentException("--rate must be events per second, or 0 for as fast as possible, was " + b.rate);
    }
    Objects.requireNonNull(b.latency, "latency");
    if (b.latency.isNegative() || b.latency.compareTo(Latency.MAX) > 0) {
      throw new IllegalArgumentException("--latency-ms must be from 0 to " + Latency.MAX.toMillis() + ", was "
          + b.latency.toMillis());
    }
    if (!(b.jitter >= 0 && b.jitter <= 1)) {
      throw new IllegalArgumentException("--jitter must be from 0 to 1 (a share of the latency), was " + b.jitter);
    }
    if (!(b.verifyShare >= 0 && b.verifyShare <= 1)) {
      throw new IllegalArgumentException("--verify-share must be from 0 to 1, was " + b.verifyShare);
    }
    if (b.instances < 1) {
      throw new IllegalArgumentException("--instances must be at least 1, was " + b.instances);
    }
    Objects.requireNonNull(b.warmup, "warmup");
    if (b.cards < 1) {
      throw new IllegalArgumentException("--cards must be at least 1, was " + b.cards);
    }
    Objects.requireNonNull(b.margin, "margin");
    if (b.margin.isNegative()) {
      throw new IllegalArgumentException("margin must not be negative, was " + b.margin);
    }
    Objects.requireNonNull(b.sweep, "sweep");
    for (Double step : b.sweep) {
      if (step == null || !(step > 0) || Double.isInfinite(step)) {
        throw new IllegalArgumentException("--sweep takes offered rates in events per second, each above 0, was "
            + b.sweep);
      }
    }
    if (!b.sweep.isEmpty() && b.baseline) {
      throw new IllegalArgumentException("--sweep and --baseline are separate runs: give one of them");
    }
    this.sweep = List.copyOf(b.sweep);
    this.plot = b.plot;
    this.events = b.events;
    this.rate = b.rate;
    this.latency = b.latency;
    this.jitter = b.jitter;
    this.verifyShare = b.verifyShare;
    this.instances = b.instances;
    this.baseline = b.baseline;
    this.warmup = b.warmup;
    this.cards = b.cards;
    this.javaOptions = List.copyOf(b.javaOptions);
    this.margin = b.margin;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Measured events. */
  public int events() { return events; }
  /** Events per second offered; 0 = as fast as possible. */
  public double rate() { return rate; }
  /** Knot's mean latency L. */
  public Duration latency() { return latency; }
  public double jitter() { return jitter; }
  /** Share of JWEs the sandbox decrypts and validates. */
  public double verifyShare() { return verifyShare; }
  public int instances() { return instances; }
  public boolean baseline() { return baseline; }
  /** Events before the measured span: a number, or until the JIT has settled. */
  public Warmup warmup() { return warmup; }
  /** Distinct cards; never more than the events that use them. */
  public int cards() { return (int) Math.min(cards, (long) events + warmup.events()); }
  /** Options of each service JVM, e.g. {@code -Xmx512m}. */
  public List<String> javaOptions() { return javaOptions; }
  public Duration margin() { return margin; }
  public long seed() { return seed; }
  /** Offered rates of a load sweep, events per second, in order; empty for a single run. */
  public List<Double> sweep() { return sweep; }
  /** Where a sweep draws its latency-versus-load plot (PNG); null for {@code $DATA_DIR/bench/sweep.png}. */
  public Path plot() { return plot; }

  /** The sandbox's latency: uniform over L · (1 ± jitter). */
  public Latency sandboxLatency() {
    if (latency.isZero()) {
      return Latency.NONE;
    }
    if (jitter == 0) {
      return Latency.fixed(latency);
    }
    long nanos = latency.toNanos();
    return Latency.uniform(Duration.ofNanos(Math.round(nanos * (1 - jitter))),
        Duration.ofNanos(Math.round(nanos * (1 + jitter))));
  }

  @Override
  public String toString() {
    return "BenchSettings[events=" + events + ", rate=" + rate + ", latency=" + latency.toMillis() + "ms, jitter="
        + jitter + ", verifyShare=" + verifyShare + ", instances=" + instances + ", baseline=" + baseline
        + ", warmup=" + warmup + ", cards=" + cards() + ", javaOptions=" + javaOptions + ", sweep=" + sweep + "]";
  }

  /** Builder with every field at its default. Not thread-safe. */
  public static final class Builder {
    private int events = DEFAULT_EVENTS;
    private double rate = DEFAULT_RATE;
    private Duration latency = DEFAULT_LATENCY;
    private double jitter = DEFAULT_JITTER;
    private double verifyShare = DEFAULT_VERIFY_SHARE;
    private int instances = DEFAULT_INSTANCES;
    private boolean baseline;
    private Warmup warmup = Warmup.fixed(DEFAULT_WARMUP);
    private int cards = DEFAULT_CARDS;
    private List<String> javaOptions = List.of();
    private Duration margin = DEFAULT_MARGIN;
    private long seed = DEFAULT_SEED;
    private List<Double> sweep = List.of();
    private Path plot;

    private Builder() {}

    public Builder events(int v) { this.events = v; return this; }
    public Builder rate(double v) { this.rate = v; return this; }
    public Builder latency(Duration v) { this.latency = v; return this; }
    public Builder jitter(double v) { this.jitter = v; return this; }
    public Builder verifyShare(double v) { this.verifyShare = v; return this; }
    public Builder instances(int v) { this.instances = v; return this; }
    public Builder baseline(boolean v) { this.baseline = v; return this; }
    public Builder warmup(int v) { this.warmup = Warmup.fixed(v); return this; }
    public Builder warmup(Warmup v) { this.warmup = v; return this; }
    public Builder cards(int v) { this.cards = v; return this; }
    public Builder javaOptions(List<String> v) { this.javaOptions = Objects.requireNonNull(v, "javaOptions"); return this; }
    public Builder margin(Duration v) { this.margin = v; return this; }
    public Builder seed(long v) { this.seed = v; return this; }
    public Builder sweep(List<Double> v) { this.sweep = Objects.requireNonNull(v, "sweep"); return this; }
    public Builder plot(Path v) { this.plot = v; return this; }

    public BenchSettings build() {
      return new BenchSettings(this);
    }
  }
}
