package dev.cardswitch.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReliabilityReportTest {

  static ScenarioResult outage() {
    return new ScenarioResult("Knot outage", "Knot refuses connections for 30 s", 7, 1800, 0, 0, 0, 0,
        Optional.of(Duration.ofMillis(5300)), Map.of("SWITCHED", 1500L, "KNOT_UNAVAILABLE", 300L),
        List.of("the circuit opened 2.1 s into the outage"), List.of(), Duration.ofSeconds(70));
  }

  static ScenarioResult kills() {
    return new ScenarioResult("SIGKILL at random points", "20 SIGKILLs", 7, 9000, 2, 1, 12, 12,
        Optional.of(Duration.ofMillis(12_400)), Map.of("SWITCHED", 8990L), List.of(),
        List.of("lost: 2 events without any result"), Duration.ofSeconds(400));
  }

  @Test
  void rowsSayWhatWasInjectedLostDuplicatedResentAndHowLongRecoveryTook() {
    ReliabilityReport report = new ReliabilityReport();
    report.add(outage());
    report.add(kills());

    List<String> rows = report.table().lines().toList();
    assertEquals(4, rows.size(), report.table());
    assertEquals("| Knot outage | Knot refuses connections for 30 s | 1800 | 0 | 0 | 0 | 0 | 5.3 s"
        + " | KNOT_UNAVAILABLE 300, SWITCHED 1500 |", rows.get(2));
    assertTrue(rows.get(3).startsWith("| **FAILED** SIGKILL at random points | 20 SIGKILLs | 9000 | 2 | 1 | 12 | 12 |"),
        rows.get(3));
    assertFalse(report.passed());
  }

  @Test
  void summarisesInWordsAndInOneJsonLine() {
    ReliabilityReport report = new ReliabilityReport();
    report.add(outage());
    report.add(kills());

    assertEquals("2 fault runs, 10800 events: 2 lost, 1 duplicates, 12 cards re-sent after a restart (marked), 12"
        + " accepted twice by Knot; longest time to recover 12.4 s.\nFAILED: SIGKILL at random points (see the notes"
        + " above).", report.summary());
    assertEquals("{\"runs\":2,\"passed\":1,\"events\":10800,\"lost\":2,\"duplicates\":1,\"resent_after_restart\":12,"
        + "\"accepted_twice\":12,\"max_recovery_ms\":12400,\"failed\":[\"SIGKILL at random points\"]}",
        report.jsonLine());
  }

  @Test
  void theDocumentNamesTheCommandTheMachineAndTheDate() {
    ReliabilityReport report = new ReliabilityReport();
    report.add(outage());
    String doc = report.document("./card-switch soak --seed 7", "2 vCPU AMD EPYC, 24 GB, OpenJDK 17.0.15",
        "2026-11-25", Duration.ofMinutes(21));
    assertTrue(doc.startsWith("# Reliability\n"), doc);
    assertTrue(doc.contains("`./card-switch soak --seed 7` on 2 vCPU AMD EPYC, 24 GB, OpenJDK 17.0.15, 2026-11-25"
        + " (21 min)"), doc);
    assertTrue(doc.contains("  - the circuit opened 2.1 s into the outage\n"), doc);
    assertTrue(doc.contains("Every run kept every invariant."), doc);
  }
}
