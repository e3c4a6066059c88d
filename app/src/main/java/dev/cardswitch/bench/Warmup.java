package dev.cardswitch.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * How long a benchmark plays events before it measures: a fixed number, or ({@code --warmup auto})
 * chunks of {@code chunk} events until the JIT has settled, at most {@code events} in all.
 *
 * <p>Why the JIT: C2 has minutes of compiling to do in the service, on one compiler thread that
 * shares the cores with everything else, and how long depends on the machine (docs/jit-notes.md). A
 * fixed warm-up that ends while C2 still compiles measures the compiler as much as card-switch, and
 * a slower machine then gives another table. "Settled" is read off the service's own threads: its
 * JIT compiler threads took at most {@code settledJitShare} of its CPU over each of the last
 * {@value #SETTLED_CHUNKS} chunks (C2 works in bursts, so one quiet chunk can be a lull between two).
 * Immutable.
 *
 * @param events the warm-up events, or with {@code untilSettled} the most it plays
 * @param untilSettled whether it stops as soon as the JIT has settled
 * @param chunk events played between two readings of the JIT's share
 * @param settledJitShare the JIT's share of the service's CPU at or below which it has settled
 */
public record Warmup(int events, boolean untilSettled, int chunk, double settledJitShare) {

  /** What {@code --warmup auto} plays at most: about 5 minutes at 1,000 events/s. */
  public static final int AUTO_MAX_EVENTS = 300_000;
  /** 10 s at 1,000 events/s: long enough for the share to mean something, short enough to stop soon. */
  public static final int AUTO_CHUNK = 10_000;
  /**
   * Once settled on this machine the compiler threads take 3–6 % of the service's CPU (item 18's
   * runs after 120,000 events); 10 % leaves room for a noisy machine, and while C2 is busy they
   * take 30–40 %.
   */
  public static final double AUTO_JIT_SHARE = 0.10;
  /** Chunks in a row at or below the share before the JIT counts as settled. */
  public static final int SETTLED_CHUNKS = 2;

  public Warmup {
    if (events < 0) {
      throw new IllegalArgumentException("--warmup must be 0 or more events, or auto, was " + events);
    }
    if (untilSettled && (chunk < 1 || !(settledJitShare >= 0 && settledJitShare <= 1))) {
      throw new IllegalArgumentException("a warm-up until the JIT settles needs a chunk of 1 or more events and a"
          + " share from 0 to 1, was " + chunk + " and " + settledJitShare);
    }
  }

  public static Warmup fixed(int events) {
    return new Warmup(events, false, Math.max(events, 1), 0);
  }

  /** {@code --warmup auto}. */
  public static Warmup auto() {
    return new Warmup(AUTO_MAX_EVENTS, true, AUTO_CHUNK, AUTO_JIT_SHARE);
  }

  /** {@code --warmup}'s value: {@code auto}, or a number of events. */
  public static Warmup parse(String text) {
    String value = text == null ? "" : text.trim();
    if (value.equalsIgnoreCase("auto")) {
      return auto();
    }
    try {
      return fixed(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--warmup takes a number of events, or auto (until the JIT has settled),"
          + " was '" + value + "'");
    }
  }

  /**
   * The events of the next chunk, 0 when the warm-up is over.
   *
   * @param played the warm-up events played so far
   * @param jitShares the JIT's share of the service's CPU over each chunk played, in order
   */
  public int next(int played, List<Double> jitShares) {
    if (!untilSettled) {
      return played == 0 ? events : 0;
    }
    if (settled(jitShares)) {
      return 0;
    }
    return Math.max(0, Math.min(chunk, events - played));
  }

  /** Whether the last {@value #SETTLED_CHUNKS} chunks' shares say the JIT has settled. */
  public boolean settled(List<Double> jitShares) {
    return jitShares.size() >= SETTLED_CHUNKS
        && jitShares.subList(jitShares.size() - SETTLED_CHUNKS, jitShares.size()).stream()
            .allMatch(share -> share <= settledJitShare);
  }

  /** The highest of the last {@value #SETTLED_CHUNKS} chunks' shares: what "settled" was judged by. */
  public static OptionalDouble lastShare(List<Double> jitShares) {
    return jitShares.subList(Math.max(0, jitShares.size() - SETTLED_CHUNKS), jitShares.size()).stream()
        .mapToDouble(Double::doubleValue).max();
  }

  /** As the flag is given: {@code auto} or the number. */
  @Override
  public String toString() {
    return untilSettled ? "auto" : Integer.toString(events);
  }

  /**
   * What a warm-up did.
   *
   * @param events the warm-up events played
   * @param lastJitShare the JIT's highest share of the service's CPU over the last {@value
   *     #SETTLED_CHUNKS} chunks of a warm-up until settled ({@link #lastShare}); empty for a fixed one
   * @param settled whether a warm-up until settled stopped because the JIT had (false when it
   *     reached its most events first; false for a fixed one)
   */
  public record Done(Warmup warmup, int events, OptionalDouble lastJitShare, boolean settled) {

    /** A fixed warm-up of {@code events}, as played. */
    public static Done fixed(int events) {
      return new Done(Warmup.fixed(events), events, OptionalDouble.empty(), false);
    }

    /** For a summary: "10000 warm-up events", or how many until the JIT settled and its share then. */
    public String describe() {
      if (!warmup.untilSettled()) {
        return events + " warm-up events";
      }
      String share = lastJitShare.isPresent()
          ? String.format(Locale.ROOT, "%.0f %%", lastJitShare.getAsDouble() * 100) : "unknown";
      return settled
          ? String.format(Locale.ROOT, "%d warm-up events, until the JIT settled (its compilers at most %s of the"
              + " service's CPU in each of the last %d chunks of %d)", events, share, SETTLED_CHUNKS, warmup.chunk())
          : String.format(Locale.ROOT, "%d warm-up events, and the JIT had NOT settled (its compilers still %s of"
              + " the service's CPU): the figures include its work", events, share);
    }
  }
}
