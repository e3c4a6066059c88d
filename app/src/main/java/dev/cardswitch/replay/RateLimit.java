package dev.cardswitch.replay;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces replays to at most {@code rate} events a second: permit i is granted no earlier than one
 * interval ({@code 1/rate} s) after permit i-1, so N replays take at least {@code (N-1)/rate}
 * seconds. A run that falls behind does not catch up in a burst: the next permit is one interval
 * after the late one. Not thread-safe: one replay loop uses it.
 */
final class RateLimit {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long next;
  private boolean started;

  RateLimit(double perSecond, LongSupplier nanoTime) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new ReplayException(ReplayException.BAD_OPTION, "--rate is " + perSecond
          + ": give the largest number of events to re-submit per second, e.g. 20");
    }
    this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / perSecond));
    this.nanoTime = nanoTime;
  }

  static RateLimit perSecond(double perSecond) {
    return new RateLimit(perSecond, System::nanoTime);
  }

  /** Nanoseconds until the next permit (0 when one is available now). */
  long waitNanos() {
    return started ? Math.max(0, next - nanoTime.getAsLong()) : 0;
  }

  /** Waits for the next permit and takes it. */
  void acquire() throws InterruptedException {
    long wait;
    while ((wait = waitNanos()) > 0) {
      // A pacing wait, not synchronisation: the permit's time is all there is to wait for.
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    long now = nanoTime.getAsLong();
    next = Math.max(now, started ? next : now) + intervalNanos;
    started = true;
  }
}
