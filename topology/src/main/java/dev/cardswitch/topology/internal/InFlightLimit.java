package dev.cardswitch.topology.internal;

import dev.cardswitch.CardSwitchException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the calls to Knot in flight across all stream tasks of one application instance. A stream
 * thread that finds no permit waits (back-pressure: it stops consuming instead of dropping or
 * buffering without bound) until a call completes or the waiting event's deadline passes. Permits
 * are released by the HTTP completion itself, not by the stream thread, so a waiting thread never
 * waits on itself. Thread-safe.
 */
final class InFlightLimit {

  /** A waiting thread re-checks the deadline at least this often (the clock may be a test's). */
  private static final long WAIT_SLICE_MS = 20;

  private final int max;
  private final Semaphore permits;

  InFlightLimit(int max) {
    this.max = max;
    this.permits = new Semaphore(max);
  }

  /**
   * Takes a permit, waiting while none is free until {@code deadline} (by {@code clock}).
   *
   * @return true with a permit; false if the deadline passed first (no permit taken)
   */
  boolean acquire(Instant deadline, Clock clock) {
    if (permits.tryAcquire()) {
      return true;
    }
    try {
      while (true) {
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0) {
          return false;
        }
        if (permits.tryAcquire(Math.min(left, WAIT_SLICE_MS), TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CardSwitchException("INTERRUPTED", "interrupted while waiting for a free call slot to Knot");
    }
  }

  void release() {
    permits.release();
  }

  /** Calls in flight now. */
  int inFlight() {
    return max - permits.availablePermits();
  }

  /** Threads waiting for a permit now (for tests and metrics). */
  int waitingThreads() {
    return permits.getQueueLength();
  }
}
