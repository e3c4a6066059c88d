package dev.cardswitch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Linux's {@code /proc} says about another process: its CPU time ({@code /proc/<pid>/stat},
 * user + system time of all its threads) and its peak resident set size ({@code VmHWM} in {@code
 * /proc/<pid>/status}), and the reset of that peak (writing {@code 5} to {@code
 * /proc/<pid>/clear_refs}, Linux 4.0 and later, allowed for one's own processes). Reading from
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
