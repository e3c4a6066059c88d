package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  void aProcessThatDoesNotExistIsUnknown() {
    assertTrue(ProcFs.cpuTime(Long.MAX_VALUE).isEmpty());
    assertTrue(ProcFs.peakRssKib(Long.MAX_VALUE).isEmpty());
  }
}
