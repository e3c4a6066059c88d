package dev.cardswitch.app.runtime;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap this JVM held at once: the heap in use at the start of every garbage collection
 * (the collectors' notifications, and each collector's last collection when read) and at every read.
 *
 * <p>Why not the pools' own peaks ({@link MemoryPoolMXBean#getPeakUsage()}): eden, survivor and old
 * generation peak at different moments, so their sum overstates the heap in use at once, by up to a
 * whole young generation (715 MiB was once reported under a 512 MiB cap). Between two collections
 * the heap only grows, so its largest value is the one at the next collection's start, which the
 * JVM reports. One blind spot: G1's concurrent cleanup frees empty old regions without a
 * notification on JDK 17, and a peak just before it is seen only if no later collection starts
 * higher.
 *
 * <p>One per JVM ({@link #get()}): the heap is the JVM's. Holds figures only. Thread-safe.
 */
final class HeapPeak {

  private static final HeapPeak INSTANCE = new HeapPeak();

  private final Set<String> heapPools;
  private final AtomicLong peak = new AtomicLong();
  /** Per collector, the id of its last collection before the last reset: older ones do not count. */
  private final Map<String, Long> countedAfter = new ConcurrentHashMap<>();

  private HeapPeak() {
    heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getName)
        .collect(Collectors.toUnmodifiableSet());
    reset();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> onNotification(notification), null, null);
      }
    }
  }

  static HeapPeak get() {
    return INSTANCE;
  }

  /** Starts afresh from the heap in use now; collections that ended before do not count. */
  synchronized void reset() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      GcInfo last = lastGcInfo(gc);
      countedAfter.put(gc.getName(), last == null ? 0L : last.getId());
    }
    peak.set(usedNow());
  }

  /** The peak since the JVM started or the last {@link #reset()}, in bytes. */
  long bytes() {
    // The notifications come on their own thread, possibly after a read: the last collections are read here too.
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count(gc.getName(), lastGcInfo(gc));
    }
    peak.accumulateAndGet(usedNow(), Math::max);
    return peak.get();
  }

  private void onNotification(Notification notification) {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      count(info.getGcName(), info.getGcInfo());
    }
  }

  private void count(String collector, GcInfo info) {
    if (info == null || info.getId() <= countedAfter.getOrDefault(collector, 0L)) {
      return;
    }
    long before = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageBeforeGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        before += pool.getValue().getUsed();
      }
    }
    peak.accumulateAndGet(before, Math::max);
  }

  private static long usedNow() {
    long used = 0;
    for (MemoryPoolMXBean pool : ProcessStats.heapPools()) {
      MemoryUsage usage = pool.getUsage();
      used += usage == null ? 0 : usage.getUsed();
    }
    return used;
  }

  private static GcInfo lastGcInfo(GarbageCollectorMXBean gc) {
    return gc instanceof com.sun.management.GarbageCollectorMXBean sun ? sun.getLastGcInfo() : null;
  }
}
