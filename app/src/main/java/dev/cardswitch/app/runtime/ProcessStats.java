package dev.cardswitch.app.runtime;

import dev.cardswitch.topology.SwitchCounters;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the admin server's {@code GET /stats} reports about this process: heap (used, committed,
 * max, and the peak since start or the last {@link #resetPeaks()}), process CPU time, garbage
 * collections, uptime and the {@link SwitchCounters}. A benchmark reads it before and after its
 * measured span, so it sees the service's own figures apart from the broker's and Knot's.
 *
 * <p>{@code heap_peak_bytes} is the most heap in use at once ({@link HeapPeak}: at the start of
 * every collection and at every read); {@code heap_pools} gives each pool's own peak too (those
 * need not coincide, so their sum would overstate it). Nothing here holds card data or secrets.
 * Thread-safe.
 */
public final class ProcessStats {

  private static final long MIB = 1024 * 1024;

  private final SwitchCounters counters;
  private final Clock clock;
  private final AtomicReference<Instant> peaksSince;

  public ProcessStats(SwitchCounters counters, Clock clock) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.peaksSince = new AtomicReference<>(
        Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
  }

  /** Starts the heap peaks afresh from the current usage. */
  public void resetPeaks() {
    for (MemoryPoolMXBean pool : heapPools()) {
      pool.resetPeakUsage();
    }
    HeapPeak.get().reset();
    peaksSince.set(clock.instant());
  }

  /** The figures, as the JSON body of {@code GET /stats} (keys in a stable order). */
  public Map<String, Object> snapshot() {
    Map<String, Object> body = new LinkedHashMap<>();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    Map<String, Object> pools = new LinkedHashMap<>();
    for (MemoryPoolMXBean pool : heapPools()) {
      MemoryUsage peakUsage = pool.getPeakUsage();
      MemoryUsage usage = pool.getUsage();
      if (peakUsage == null || usage == null) {
        continue; // the pool became invalid (e.g. a collector reconfigured)
      }
      pools.put(pool.getName(), Map.of("used_bytes", usage.getUsed(), "committed_bytes", usage.getCommitted(),
          "peak_bytes", peakUsage.getUsed()));
    }
    body.put("heap_used_bytes", heap.getUsed());
    body.put("heap_committed_bytes", heap.getCommitted());
    body.put("heap_max_bytes", heap.getMax());
    long peak = HeapPeak.get().bytes();
    body.put("heap_peak_bytes", peak);
    body.put("heap_peak_mb", peak / MIB);
    body.put("peaks_since", peaksSince.get().toString());
    body.put("heap_pools", pools);
    body.put("process_cpu_ns", processCpuNanos());
    body.put("thread_cpu_ns", threadCpuByGroup());
    long collections = 0;
    long collectionMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      collections += Math.max(0, gc.getCollectionCount());
      collectionMillis += Math.max(0, gc.getCollectionTime());
    }
    body.put("gc_count", collections);
    body.put("gc_time_ms", collectionMillis);
    body.put("uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
    body.put("available_processors", Runtime.getRuntime().availableProcessors());
    Map<String, Object> switches = new LinkedHashMap<>();
    switches.put("outcomes", counters.outcomes());
    switches.put("dead_letters", counters.deadLetters());
    switches.put("ignored", counters.ignored());
    switches.put("resent_after_restart", counters.resentCount());
    switches.put("in_flight", counters.inFlight());
    body.put("switches", switches);
    return body;
  }

  /** CPU time of the whole process (every thread), -1 where the JVM cannot tell. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * CPU time of the live Java threads by what they do, so a benchmark can say where a switch's CPU
   * goes: {@code stream} (Kafka Streams' stream threads: the topology's Kafka work), {@code
   * card_crypto} (the card crypto threads: envelope, validation, Knot JWE, starting the call),
   * {@code http} (the JDK HTTP client's threads and the common pool that completes its futures),
   * {@code kafka_clients} (producers' and consumers' network threads, heartbeats, admin), {@code
   * other}. The JIT compilers and the GC are not Java threads: {@code /proc} tells those. A thread
   * that ended takes its time with it. Empty where the JVM cannot measure thread CPU.
   */
  static Map<String, Long> threadCpuByGroup() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new LinkedHashMap<>();
    if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
      return byGroup;
    }
    for (String group : List.of("stream", "card_crypto", "http", "kafka_clients", "other")) {
      byGroup.put(group, 0L);
    }
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        byGroup.merge(threadGroup(info.getThreadName()), nanos, Long::sum);
      }
    }
    return byGroup;
  }

  static String threadGroup(String name) {
    // First: a stream thread's producer is named after it ("kafka-producer-network-thread | <app>-StreamThread-1-producer").
    if (name.startsWith("kafka-")) {
      return "kafka_clients";
    }
    if (name.contains("-StreamThread-") || name.contains("-StateUpdater-")) {
      return "stream";
    }
    if (name.startsWith(CardCryptoPool.THREAD_PREFIX)) {
      return "card_crypto";
    }
    if (name.startsWith("HttpClient-") || name.startsWith("ForkJoinPool.commonPool")) {
      return "http";
    }
    return "other";
  }

  /** The heap's pools that are still valid (also what {@link HeapPeak} sums). */
  static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
        .toList();
  }
}
