package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcFsTest {

  /** A JVM's stat line: utime 1234 ticks, stime 56 ticks (fields 14 and 15). */
  private static final String JVM_STAT = "4242 (java) S 4200 4242 4200 0 -1 4194560 182035 0 12 0 1234 56 0 0 20 0 "
      + "41 0 435570 6213820416 98765 18446744073709551615 94365865742336 94365865762217 140732620863856 0 0 0 0 "
      + "0 16800975 0 0 0 17 1 0 0 0 0 0 94365865778224 94365865779840 94366468562944 140732620868270 "
      + "140732620868290 140732620868290 140732620869611 0";

  @Test
  void cpuTimeIsUserPlusSystemTicksAtOneHundredPerSecond() {
    assertEquals(Duration.ofMillis((1234 + 56) * 10), ProcFs.cpuTime(JVM_STAT));
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String tricky = JVM_STAT.replace("(java)", "(my (odd) name)");
    assertEquals(Duration.ofMillis(12_900), ProcFs.cpuTime(tricky));
  }

  @Test
  void rejectsTextThatIsNotAStatLine() {
    assertThrows(IllegalArgumentException.class, () -> ProcFs.cpuTime("VmHWM: 12 kB"));
    assertThrows(IllegalArgumentException.class, () -> ProcFs.cpuTime("1 (x) S 1 2 3"));
    assertThrows(IllegalArgumentException.class,
        () -> ProcFs.cpuTime(JVM_STAT.replace(" 1234 56 ", " 1234 x ")));
  }

  @Test
  void peakRssIsVmHwmInKib() {
    String status = "Name:\tjava\nState:\tS (sleeping)\nVmPeak:\t 6068208 kB\nVmSize:\t 6068204 kB\n"
        + "VmHWM:\t  270336 kB\nVmRSS:\t  262144 kB\nThreads:\t41\n";
    assertEquals(OptionalLong.of(270_336), ProcFs.peakRssKib(status));
    assertEquals(OptionalLong.empty(), ProcFs.peakRssKib("Name:\tkthreadd\nState:\tS (sleeping)\n"));
  }

  @Test
  void readsThisProcessOnLinux() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux /proc only");
    long pid = ProcessHandle.current().pid();
    assertTrue(ProcFs.cpuTime(pid).orElseThrow().compareTo(Duration.ZERO) > 0, "this JVM has used CPU");
    assertTrue(ProcFs.peakRssKib(pid).orElseThrow() > 10_000, "a JVM holds more than 10 MiB");
  }

  @Test
  void threadsAreToldApartByName() {
    assertEquals(ProcFs.ThreadKind.JIT, ProcFs.ThreadKind.of("C2 CompilerThre"));
    assertEquals(ProcFs.ThreadKind.JIT, ProcFs.ThreadKind.of("C1 CompilerThre"));
    assertEquals(ProcFs.ThreadKind.GC, ProcFs.ThreadKind.of("GC Thread#1"));
    assertEquals(ProcFs.ThreadKind.GC, ProcFs.ThreadKind.of("G1 Conc#0"));
    assertEquals(ProcFs.ThreadKind.GC, ProcFs.ThreadKind.of("VM Thread"));
    assertEquals(ProcFs.ThreadKind.OTHER, ProcFs.ThreadKind.of("card-switch-ben"));
    assertEquals("my (odd) name", ProcFs.name(JVM_STAT.replace("(java)", "(my (odd) name)")));
  }

  @Test
  void cpuByKindCountsEachLiveThreadFromItsEarlierTime() {
    Map<Long, ProcFs.ThreadCpu> before = Map.of(
        10L, new ProcFs.ThreadCpu("C2 CompilerThre", Duration.ofMillis(700)),
        11L, new ProcFs.ThreadCpu("GC Thread#0", Duration.ofMillis(50)),
        12L, new ProcFs.ThreadCpu("StreamThread-1", Duration.ofMillis(100)),
        13L, new ProcFs.ThreadCpu("C1 CompilerThre", Duration.ofMillis(300)));
    Map<Long, ProcFs.ThreadCpu> after = Map.of(
        10L, new ProcFs.ThreadCpu("C2 CompilerThre", Duration.ofMillis(1000)),
        11L, new ProcFs.ThreadCpu("GC Thread#0", Duration.ofMillis(80)),
        12L, new ProcFs.ThreadCpu("StreamThread-1", Duration.ofMillis(600)),
        14L, new ProcFs.ThreadCpu("C2 CompilerThre", Duration.ofMillis(40)));

    Map<ProcFs.ThreadKind, Duration> byKind = ProcFs.cpuByKind(before, after);

    assertEquals(Duration.ofMillis(340), byKind.get(ProcFs.ThreadKind.JIT), "300 more, and 40 by a new compiler thread");
    assertEquals(Duration.ofMillis(30), byKind.get(ProcFs.ThreadKind.GC));
    assertEquals(Duration.ofMillis(500), byKind.get(ProcFs.ThreadKind.OTHER));
  }

  @Test
  void listsTheThreadsOfThisProcessOnLinux() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/task")), "Linux /proc only");
    Map<Long, ProcFs.ThreadCpu> threads = ProcFs.threads(ProcessHandle.current().pid());
    assertTrue(threads.values().stream().anyMatch(t -> ProcFs.ThreadKind.of(t.name()) == ProcFs.ThreadKind.JIT),
        "a HotSpot JVM has compiler threads: " + threads.values());
    assertTrue(threads.containsKey(ProcessHandle.current().pid()), "the main thread's id is the process id");
  }

  @Test
  void aProcessThatDoesNotExistIsUnknown() {
    assertTrue(ProcFs.cpuTime(Long.MAX_VALUE).isEmpty());
    assertTrue(ProcFs.peakRssKib(Long.MAX_VALUE).isEmpty());
    assertTrue(ProcFs.threads(Long.MAX_VALUE).isEmpty());
  }
}
