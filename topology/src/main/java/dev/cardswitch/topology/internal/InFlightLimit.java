package dev.cardswitch.topology.internal;

import java.util.concurrent.Semaphore;

/**
 * Bounds the calls to Knot in flight across all stream tasks of one application instance. It never
 * makes a stream thread wait: a switch that finds no permit stays queued (in the pending store) until
 * a call completes or its window closes. Waiting here would stall the thread's own commits, which
 * the queued switches need before they may be sent. Permits are released by the HTTP completion
 * itself. Thread-safe.
 */
final class InFlightLimit {

  private final int max;
  private final Semaphore permits;

  InFlightLimit(int max) {
    this.max = max;
    this.permits = new Semaphore(max);
  }

  /** Takes a permit if one is free; never waits. */
  boolean tryAcquire() {
    return permits.tryAcquire();
  }

  void release() {
    permits.release();
  }

  /** Calls in flight now. */
  int inFlight() {
    return max - permits.availablePermits();
  }

}
