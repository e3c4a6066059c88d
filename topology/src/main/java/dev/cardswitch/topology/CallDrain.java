package dev.cardswitch.topology;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a stopping service finish the calls to Knot it started before Kafka Streams closes its tasks.
 *
 * <p>Why: a task that closes with a {@code POST /card} in flight never learns Knot's answer, and its
 * next owner must send the card again (marked {@code resent_after_restart}): Knot gets it twice. A
 * crash cannot avoid that; a clean stop (SIGTERM on a rolling update, a scale-in) can. After
 * {@link #start()} the topology starts no new call (switches already queued stay in the pending
 * store, marked as never sent, for the next owner), forwards the answers of the calls in flight,
 * and {@link #awaitSettled} returns once each of them is an outcome or a dead letter waiting for the
 * final commit that closing the streams makes.
 *
 * <p>Thread-safe: the service thread starts and waits, stream threads count.
 */
public final class CallDrain {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition settled = lock.newCondition();
  private volatile boolean draining;
  private int unsettled;

  /** No new call to Knot from now on. */
  public void start() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Calls started and not yet turned into an outcome or a dead letter. */
  public int unsettled() {
    lock.lock();
    try {
      return unsettled;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every call started has been turned into a result (or its task closed); false at the
   * timeout.
   */
  public boolean awaitSettled(Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (unsettled > 0) {
        if (left <= 0) {
          return false;
        }
        left = settled.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** A call to Knot started (stream thread). */
  public void callStarted() {
    lock.lock();
    try {
      unsettled++;
    } finally {
      lock.unlock();
    }
  }

  /** {@code calls} calls were turned into results, or will never be here (their task closed). */
  public void callsSettled(int calls) {
    if (calls <= 0) {
      return;
    }
    lock.lock();
    try {
      unsettled = Math.max(0, unsettled - calls);
      if (unsettled == 0) {
        settled.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }
}
