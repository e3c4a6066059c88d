package dev.cardswitch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} says about another process: its CPU time ({@code /proc/<pid>/stat},
 * user + system time of all its threads) and its peak resident set size ({@code VmHWM} in {@code
 * /proc/<pid>/status}), and the reset of that peak (writing {@code 5} to {@code
 * /proc/<pid>/clear_refs}, Linux 4.0 and later, allowed for one's own processes), and the CPU time
 * of each of its live threads ({@code /proc/<pid>/task/<tid>/stat}), which tells the JVM's JIT
 * compiler and garbage collector threads from the application's. Reading from
 * outside the process means the figures include everything the JVM does (JIT, GC) and nothing of
 * the benchmark's own JVM. Elsewhere than on Linux every method says "unknown". Stateless;
 * thread-safe.
 */
public final class ProcFs {

  /**
   * Clock ticks per second of {@code utime} and {@code stime}: the kernel reports them in USER_HZ,
   * which is 100 on every Linux architecture Java runs on ({@code getconf CLK_TCK}).
   */
  public static final long USER_HZ = 100;

  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /**
   * User + system CPU time from the text of {@code /proc/<pid>/stat}.
   *
   * @throws IllegalArgumentException if the text is not a stat line
   */
  public static Duration cpuTime(String stat) {
    // The command name (field 2) is in parentheses and may hold spaces or ')': fields are counted
    // from the last ')'. After it come field 3 (state) onwards; utime and stime are fields 14, 15.
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: no ')' after the command name");
    }
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + (fields.length + 2) + " fields");
    }
    try {
      long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
      return Duration.ofMillis(ticks * 1000 / USER_HZ);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: utime or stime is not a number", e);
    }
  }

  /** What a thread of the JVM does, told by its name (as {@code /proc} shows it: 15 characters at most). */
  public enum ThreadKind {
    /** The JIT compilers ({@code C1 CompilerThread0}, {@code C2 CompilerThread1}, …). */
    JIT,
    /** The garbage collector and the VM thread that runs its safepoints. */
    GC,
    /** Everything else: the application, Kafka's clients, HTTP. */
    OTHER;

    public static ThreadKind of(String name) {
      if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
        return JIT;
      }
      if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
        return GC;
      }
      return OTHER;
    }
  }

  /** One thread's name and CPU time so far. */
  public record ThreadCpu(String name, Duration cpu) {}

  /** The command (thread) name, between the parentheses of a {@code stat} line. */
  public static String name(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc stat line: no command name in parentheses");
    }
    return stat.substring(open + 1, close);
  }

  /**
   * CPU time spent by each kind of thread between two readings of {@link #threads}: a thread in
   * {@code after} counts from its time in {@code before} (0 if it started in between). A thread
   * that ended in between is in neither: its time counts in the process's total only.
   */
  public static Map<ThreadKind, Duration> cpuByKind(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
    Map<ThreadKind, Duration> byKind = new java.util.EnumMap<>(ThreadKind.class);
    for (ThreadKind kind : ThreadKind.values()) {
      byKind.put(kind, Duration.ZERO);
    }
    after.forEach((tid, now) -> {
      ThreadCpu then = before.get(tid);
      Duration spent = then == null || !then.name().equals(now.name()) ? now.cpu() : now.cpu().minus(then.cpu());
      byKind.merge(ThreadKind.of(now.name()), spent, Duration::plus);
    });
    return byKind;
  }

  /** The live threads of process {@code pid} by thread id; empty if {@code /proc} cannot tell. */
  public static Map<Long, ThreadCpu> threads(long pid) {
    Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
    Map<Long, ThreadCpu> threads = new HashMap<>();
    try (Stream<Path> ids = Files.list(tasks)) {
      for (Path task : ids.toList()) {
        // A thread may end between the listing and the read: it is then left out.
        read(task.resolve("stat")).ifPresent(stat -> {
          try {
            threads.put(Long.parseLong(task.getFileName().toString()), new ThreadCpu(name(stat), cpuTime(stat)));
          } catch (IllegalArgumentException e) {
            // not a thread's stat line: left out
          }
        });
      }
    } catch (IOException | SecurityException e) {
      return Map.of();
    }
    return Collections.unmodifiableMap(threads);
  }

  /** The peak resident set size in KiB ({@code VmHWM}) from the text of {@code /proc/<pid>/status}. */
  public static OptionalLong peakRssKib(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
        try {
          return OptionalLong.of(Long.parseLong(parts[0]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty(); // a kernel thread, or a process that just ended
  }

  /** The CPU time of process {@code pid} so far; empty if {@code /proc} cannot tell. */
  public static Optional<Duration> cpuTime(long pid) {
    return read(PROC.resolve(Long.toString(pid)).resolve("stat")).map(ProcFs::cpuTime);
  }

  /** The peak resident set size of process {@code pid} in KiB; empty if {@code /proc} cannot tell. */
  public static OptionalLong peakRssKib(long pid) {
    Optional<String> status = read(PROC.resolve(Long.toString(pid)).resolve("status"));
    return status.isPresent() ? peakRssKib(status.get()) : OptionalLong.empty();
  }

  /**
   * Resets the peak resident set size of process {@code pid} to its current size.
   *
   * @return whether the kernel took the reset (false on kernels before 4.0, or without the right)
   */
  public static boolean resetPeakRss(long pid) {
    try {
      Files.writeString(PROC.resolve(Long.toString(pid)).resolve("clear_refs"), "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
