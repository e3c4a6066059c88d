package dev.cardswitch.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a fault script works with while a run's events are produced: the stack, a seeded random
 * source, the run's clock (from the first event produced), how far production got; and where it
 * records what it did: when a fault started and ended (the end is where recovery is measured
 * from), notes for the report, and violations of the fault's own expectations. Thread-safe.
 */
public final class FaultContext {

  /** Something the fault script did, at a moment. */
  public record Mark(Instant at, Kind kind, String what) {
    public enum Kind { FAULT_STARTED, FAULT_ENDED }
  }

  private final SoakStack stack;
  private final Random random;
  private final int events;
  private final AtomicInteger produced = new AtomicInteger();
  private final CountDownLatch firstEvent = new CountDownLatch(1);
  private final CountDownLatch productionDone = new CountDownLatch(1);
  private final List<Mark> marks = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private volatile Instant started;
  private volatile String detail = "";

  FaultContext(SoakStack stack, long seed, int events) {
    this.stack = stack;
    this.random = new Random(seed);
    this.events = events;
  }

  public SoakStack stack() {
    return stack;
  }

  /** Seeded: the same seed gives the same fault points. */
  public Random random() {
    return random;
  }

  /** When the first event was acknowledged: the run's time zero. */
  public Instant started() {
    return started;
  }

  public Duration elapsed() {
    return Duration.between(started, Instant.now());
  }

  public int produced() {
    return produced.get();
  }

  public int events() {
    return events;
  }

  public boolean productionDone() {
    return productionDone.getCount() == 0;
  }

  /** Waits until {@code sinceStart} after time zero: a fault's timeline is wall-clock time, as in production. */
  public void awaitElapsed(Duration sinceStart) {
    long waitMillis = Duration.between(Instant.now(), started.plus(sinceStart)).toMillis();
    if (waitMillis > 0) {
      try {
        Thread.sleep(waitMillis); // the schedule of the fault, not a synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SoakException(SoakException.INTERRUPTED, "interrupted while waiting to inject a fault", e);
      }
    }
  }

  /** Waits {@code length} from now (a fault's schedule, not a synchronisation). */
  public void pause(Duration length) {
    awaitElapsed(elapsed().plus(length));
  }

  /** Waits until every event was produced (acknowledged), at most {@code timeout}. */
  public boolean awaitProductionDone(Duration timeout) {
    try {
      return productionDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while waiting for production", e);
    }
  }

  public synchronized Instant faultStarted(String what) {
    Instant now = Instant.now();
    marks.add(new Mark(now, Mark.Kind.FAULT_STARTED, what));
    return now;
  }

  /** The fault is over (or the service was restarted): recovery is measured from now. */
  public synchronized Instant faultEnded(String what) {
    Instant now = Instant.now();
    marks.add(new Mark(now, Mark.Kind.FAULT_ENDED, what));
    return now;
  }

  /** A fact for the report, e.g. how long the broker was down. */
  public synchronized void note(String note) {
    notes.add(note);
  }

  /** The fault's own expectation failed (e.g. the health endpoint never said FAILING). */
  public synchronized void violation(String violation) {
    violations.add(violation);
  }

  /** What the progress line shows beside the bar. */
  public void detail(String detail) {
    this.detail = detail;
  }

  String detail() {
    return detail;
  }

  void eventProduced() {
    if (produced.incrementAndGet() == 1) {
      started = Instant.now();
      firstEvent.countDown();
    }
  }

  void productionEnded() {
    if (started == null) {
      started = Instant.now();
    }
    firstEvent.countDown();
    productionDone.countDown();
  }

  void awaitFirstEvent(Duration timeout) {
    try {
      if (!firstEvent.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new SoakException(SoakException.NOT_STARTED, "no event was acknowledged within " + timeout
            + ": is the broker at " + stack.bootstrapServers() + " up?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while waiting for the first event", e);
    }
  }

  synchronized List<Mark> marks() {
    return List.copyOf(marks);
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }
}
