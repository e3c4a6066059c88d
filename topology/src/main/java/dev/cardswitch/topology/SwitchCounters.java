package dev.cardswitch.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link SwitchMetrics} kept in memory: counters by status and reason, re-sent calls, calls in
 * flight. What tests and the demo read; the metrics endpoint exports the same. Thread-safe.
 */
public final class SwitchCounters implements SwitchMetrics {

  private final Map<String, LongAdder> ignored = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final LongAdder resent = new LongAdder();
  private final Map<String, LongAdder> statusSkipped = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> lifecycleUnmatched = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong();

  @Override
  public void eventIgnored(String eventType) {
    ignored.computeIfAbsent(eventType, k -> new LongAdder()).increment();
  }

  @Override
  public void outcome(String status) {
    outcomes.computeIfAbsent(status, k -> new LongAdder()).increment();
  }

  @Override
  public void deadLetter(String reason) {
    deadLetters.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  @Override
  public void resentAfterRestart() {
    resent.increment();
  }

  @Override
  public void inFlight(int delta) {
    inFlight.addAndGet(delta);
  }

  @Override
  public void statusRecordSkipped(String topic) {
    statusSkipped.computeIfAbsent(topic, k -> new LongAdder()).increment();
  }

  @Override
  public void lifecycleUnmatched(String eventType) {
    lifecycleUnmatched.computeIfAbsent(eventType, k -> new LongAdder()).increment();
  }

  /** Closing webhooks dropped because their task was not switched, by event type. */
  public Map<String, Long> lifecycleUnmatched() { return snapshot(lifecycleUnmatched); }
  /** Records the switch-status store could not read, by topic. */
  public Map<String, Long> statusSkipped() { return snapshot(statusSkipped); }
  public Map<String, Long> ignored() { return snapshot(ignored); }
  public Map<String, Long> outcomes() { return snapshot(outcomes); }
  public Map<String, Long> deadLetters() { return snapshot(deadLetters); }
  public long resentCount() { return resent.sum(); }
  public long inFlight() { return inFlight.get(); }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> copy = new TreeMap<>();
    counters.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  @Override
  public String toString() {
    return "SwitchCounters[outcomes=" + outcomes() + ", deadLetters=" + deadLetters() + ", ignored=" + ignored()
        + ", resentAfterRestart=" + resentCount() + ", inFlight=" + inFlight() + "]";
  }
}
