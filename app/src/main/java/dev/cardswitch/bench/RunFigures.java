package dev.cardswitch.bench;

import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of one measured span (card-switch's, or the naive baseline's): what the result topics
 * said, read {@code read_committed}, and what the service processes said about themselves.
 * Immutable; thread-safe.
 *
 * @param label {@code card-switch} or {@code baseline}
 * @param results every measured task accounted for: counts, missing, duplicates
 * @param throughput the sustained rate of {@code SWITCHED} outcomes ({@link SustainedThroughput})
 * @param card receipt → {@code /card} answered: {@code completed_at − received_at} of each
 *     {@code SWITCHED} outcome ({@code completed_at} is when the service decided the outcome, at
 *     most one completion interval, 10 ms, after Knot's answer)
 * @param sent receipt → {@code /card} sent: {@code last_attempt_at − received_at} of each {@code
 *     SWITCHED} outcome: the time spent in Kafka, the commits and the queue before Knot's latency
 * @param outcome receipt → outcome visible: the benchmark's consumer ({@code read_committed}) clock
 *     when it received the outcome, minus {@code received_at}, for each {@code SWITCHED} outcome
 * @param cpu CPU time of all service processes over the measured span; null when unknown
 * @param cpuFromProc whether {@code cpu} comes from {@code /proc/<pid>/stat} (else from the JVM's
 *     own count, {@code /stats})
 * @param jitCpu of {@code cpu}, what the JIT compiler threads spent (a warm-up too short for the JIT
 *     shows here); null when unknown
 * @param gcCpu of {@code cpu}, what the garbage collector's threads spent; null when unknown
 * @param heapPeakBytes the largest, over the instances, of the heap peak since the span's start
 *     (the most heap in use at once: at each collection's start and at each read, see {@code HeapPeak})
 * @param heapMaxBytes the largest heap an instance may grow to ({@code -Xmx} or the JVM's default)
 * @param rssPeakKib the largest, over the instances, peak resident set size; null when unknown
 * @param rssPeakSinceSpan whether that peak was reset at the span's start (else it counts from the
 *     process start)
 * @param deadlineMissesCounted {@code DEADLINE_EXCEEDED} dead letters the services counted during
 *     the span ({@code SwitchCounters}), beside the ones read from the topic
 * @param knotCalls {@code POST /card} calls the embedded sandbox accepted during the span; null
 *     against a real Knot
 * @param jweVerified JWEs the sandbox decrypted and validated during the span; null against a real Knot
 * @param jweNotVerified JWEs it only checked for shape; null against a real Knot
 * @param span wall time of the measured span: from the first event produced to the last result read
 * @param blockingConfirmed for the baseline, whether every service said it blocks on Knot
 * @param otherSamples a few of the {@link #otherResults()}, each with its reason, Knot's answer
 *     and the dead letter's detail (never card data)
 * @param stackCpu CPU time of the benchmark's own process over the span: the embedded broker,
 *     registry and sandbox and the benchmark's producer and consumer; null when unknown (it shares
 *     the machine with the services, so it bounds their throughput too)
 * @param threadCpu of {@code cpu}, the Java threads' CPU by group ({@code stream}, {@code http},
 *     {@code kafka_clients}, {@code other}; see the service's {@code GET /stats}), summed over the
 *     instances; empty when unknown
 */
public record RunFigures(
    String label,
    CollectedResults results,
    SustainedThroughput throughput,
    LatencyDistribution card,
    LatencyDistribution sent,
    LatencyDistribution outcome,
    Duration cpu,
    boolean cpuFromProc,
    Duration jitCpu,
    Duration gcCpu,
    long heapPeakBytes,
    long heapMaxBytes,
    Long rssPeakKib,
    boolean rssPeakSinceSpan,
    long deadlineMissesCounted,
    Long knotCalls,
    Long jweVerified,
    Long jweNotVerified,
    Duration span,
    boolean blockingConfirmed,
    List<String> otherSamples,
    Duration stackCpu,
    Map<String, Duration> threadCpu) {

  private static final double MIB = 1024 * 1024;

  public RunFigures {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(results, "results");
    Objects.requireNonNull(throughput, "throughput");
    Objects.requireNonNull(card, "card");
    Objects.requireNonNull(sent, "sent");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(span, "span");
    otherSamples = List.copyOf(otherSamples);
    threadCpu = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(threadCpu));
  }

  /** The benchmark process's CPU milliseconds per {@code SWITCHED} outcome; null when unknown. */
  public Double stackCpuMillisPerSwitch() {
    return stackCpu == null || switched() == 0 ? null : stackCpu.toNanos() / 1e6 / switched();
  }

  public int events() {
    return results.planned();
  }

  public long switched() {
    return results.switched();
  }

  /** Switches per second, sustained; null when too few switches to tell. */
  public Double switchesPerSecond() {
    return throughput.known() ? throughput.perSecond() : null;
  }

  /** {@code DEADLINE_EXCEEDED} dead letters of the measured tasks, as the topic says. */
  public long deadlineMisses() {
    return results.byReason().getOrDefault(DeadLetterReason.DEADLINE_EXCEEDED, 0L);
  }

  /** First results that are neither {@code SWITCHED} nor a deadline miss: something went wrong. */
  public long otherResults() {
    return results.unexpected() - deadlineMisses();
  }

  /** Every measured task ended exactly once, as a switch or a deadline miss. */
  public boolean accountedFor() {
    return results.missing() == 0 && results.duplicates() == 0 && otherResults() == 0;
  }

  /**
   * Service CPU milliseconds per {@code SWITCHED} outcome; null when unknown or nothing switched.
   * All the CPU of the span is counted, that of the events dead-lettered included: over capacity
   * this is more than a switch costs.
   */
  public Double cpuMillisPerSwitch() {
    if (cpu == null || switched() == 0) {
      return null;
    }
    return cpu.toNanos() / 1e6 / switched();
  }

  /**
   * {@link #threadCpu()} per switch, in ms, by group in its order; a group's value is null when
   * nothing was switched.
   */
  public Map<String, Double> threadCpuMillisPerSwitch() {
    Map<String, Double> perSwitch = new LinkedHashMap<>();
    threadCpu.forEach((group, time) -> perSwitch.put(group, switched() == 0 ? null : time.toNanos() / 1e6 / switched()));
    return perSwitch;
  }

  /** {@link #cpuMillisPerSwitch()} without the JIT compiler's share; null when unknown. */
  public Double cpuMillisPerSwitchWithoutJit() {
    if (cpu == null || jitCpu == null || switched() == 0) {
      return null;
    }
    return cpu.minus(jitCpu).toNanos() / 1e6 / switched();
  }

  public double heapPeakMib() {
    return heapPeakBytes / MIB;
  }

  public double heapMaxMib() {
    return heapMaxBytes / MIB;
  }

  /** Null when unknown. */
  public Double rssPeakMib() {
    return rssPeakKib == null ? null : rssPeakKib / 1024.0;
  }
}
