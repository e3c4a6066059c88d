package dev.cardswitch.replay;

import java.util.Objects;

/**
 * What one replay run is asked to do: which dead letters ({@link ReplayFilter}), whether dead letters
 * not marked replayable are replayed too ({@code force}), whether to write anything ({@code execute};
 * a dry run by default) and the pace. Immutable; thread-safe.
 *
 * @param rate largest number of events re-submitted per second
 */
public record ReplayOptions(ReplayFilter filter, boolean force, boolean execute, double rate) {

  /**
   * 20 events a second: replayed events compete with live ones for Knot's allowance
   * (KNOT_RATE_LIMIT_PER_SECOND, 100 by default) and each must be sent within its own 15 s; a burst
   * of thousands would miss their windows again.
   */
  public static final double DEFAULT_RATE = 20;

  public ReplayOptions {
    Objects.requireNonNull(filter, "filter");
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new ReplayException(ReplayException.BAD_OPTION, "--rate is " + rate
          + ": give the largest number of events to re-submit per second, e.g. " + (int) DEFAULT_RATE);
    }
  }

  /** A dry run of every dead letter at the default rate. */
  public static ReplayOptions dryRun(ReplayFilter filter) {
    return new ReplayOptions(filter, false, false, DEFAULT_RATE);
  }
}
