package dev.cardswitch.knot.client;

import dev.cardswitch.topology.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A scheduler for tests in which scheduled delays take no real time: scheduling a task advances
 * the {@link TestClock} by its delay and runs it at once on another thread. Every delay asked for
 * is recorded. Thread-safe.
 */
public final class TimeWarpScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final TestClock clock;
  private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "time-warp");
    t.setDaemon(true);
    return t;
  });
  private final List<Duration> delays = new ArrayList<>();

  public TimeWarpScheduler(TestClock clock) {
    this.clock = clock;
  }

  /** Every delay scheduled so far, in order. */
  public synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(() -> {
      command.run();
      return null;
    }, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Duration d = Duration.ofNanos(unit.toNanos(delay));
    synchronized (this) {
      delays.add(d);
      clock.advance(d);
    }
    CompletableFuture<V> result = new CompletableFuture<>();
    runner.execute(() -> {
      try {
        result.complete(callable.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return new Done<>(result);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the Knot client");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the Knot client");
  }

  @Override
  public void execute(Runnable command) {
    runner.execute(command);
  }

  @Override
  public void shutdown() {
    runner.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return runner.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return runner.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return runner.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return runner.awaitTermination(timeout, unit);
  }

  private static final class Done<V> implements ScheduledFuture<V> {
    private final CompletableFuture<V> f;

    Done(CompletableFuture<V> f) {
      this.f = f;
    }

    @Override public long getDelay(TimeUnit unit) { return 0; }
    @Override public int compareTo(Delayed o) { return Long.compare(0, o.getDelay(TimeUnit.NANOSECONDS)); }
    @Override public boolean cancel(boolean mayInterrupt) { return f.cancel(mayInterrupt); }
    @Override public boolean isCancelled() { return f.isCancelled(); }
    @Override public boolean isDone() { return f.isDone(); }
    @Override public V get() throws InterruptedException, ExecutionException { return f.get(); }
    @Override public V get(long t, TimeUnit u) throws InterruptedException, ExecutionException, TimeoutException { return f.get(t, u); }
  }
}
