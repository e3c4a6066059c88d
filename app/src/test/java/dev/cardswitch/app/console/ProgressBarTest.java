package dev.cardswitch.app.console;

import dev.cardswitch.topology.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private ProgressBar.Builder bar(long total, boolean terminal) {
    return ProgressBar.builder("events", total)
        .out(out)
        .terminal(terminal)
        .clock(clock)
        .barWidth(10);
  }

  @Test
  void rendersLabelBarCountPercentRateElapsedAndEta() {
    ProgressBar bar = bar(1000, true).build();
    clock.advance(Duration.ofSeconds(2));
    bar.advance(250);

    assertEquals("events [##--------]  250/1000  25%  125/s  elapsed 0:02  ETA 0:06", bar.render());
  }

  @Test
  void slowRatesShowOneDecimalAndLongRunsShowHours() {
    ProgressBar bar = bar(100, true).build();
    clock.advance(Duration.ofSeconds(4000));
    bar.advance(10);

    assertEquals(
        "events [#---------]  10/100  10%  0.0/s  elapsed 1:06:40  ETA 10:00:00", bar.render());
  }

  @Test
  void withoutProgressTheEtaIsUnknownAndWithoutTimeTheRateIs() {
    ProgressBar bar = bar(10, true).build();
    assertEquals("events [----------]  0/10  0%  -/s  elapsed 0:00  ETA -:--", bar.render());
    clock.advance(Duration.ofSeconds(1));
    assertEquals("events [----------]  0/10  0%  0.0/s  elapsed 0:01  ETA -:--", bar.render());
  }

  @Test
  void anUnknownTotalShowsOnlyCountRateAndElapsed() {
    ProgressBar bar = bar(0, true).build();
    clock.advance(Duration.ofSeconds(2));
    bar.advance(40);
    assertEquals("events  40  20/s  elapsed 0:02", bar.render());
  }

  @Test
  void moreThanTheTotalFillsTheBarWithoutOverflowing() {
    ProgressBar bar = bar(10, true).build();
    clock.advance(Duration.ofSeconds(1));
    bar.advance(12);
    assertEquals("events [##########]  12/10  100%  12/s  elapsed 0:01  ETA 0:00", bar.render());
  }

  @Test
  void appendsTheDetailText() {
    AtomicInteger produced = new AtomicInteger(7);
    ProgressBar bar = bar(10, true).detail(() -> "produced " + produced.get() + "/10").build();
    assertTrue(bar.render().endsWith("ETA -:--  produced 7/10"), bar.render());
  }

  @Test
  void onATerminalRedrawsInPlaceAtMostOncePerInterval() {
    ProgressBar bar = bar(100, true).redrawInterval(Duration.ofMillis(100)).build();
    bar.step(); // first update draws at once
    clock.advance(Duration.ofMillis(50));
    bar.step(); // too soon: counted, not drawn
    clock.advance(Duration.ofMillis(60));
    bar.step(); // 110 ms after the first draw

    String text = printed();
    assertEquals(2, text.chars().filter(c -> c == '\r').count(), text);
    assertFalse(text.contains("\n"), "no line break before finish");
    assertTrue(text.endsWith("3/100  3%  27/s  elapsed 0:00  ETA 0:03"), text);
    assertEquals(3, bar.done());
  }

  @Test
  void onATerminalFinishEndsTheLineAndPadsOverALongerOne() {
    AtomicInteger detailLength = new AtomicInteger(20);
    ProgressBar bar = bar(10, true).detail(() -> "x".repeat(detailLength.get())).build();
    bar.step();
    String first = printed();
    detailLength.set(0);
    clock.advance(Duration.ofMillis(50)); // before the next redraw is due: only finish draws
    bar.advance(9);
    bar.finish();

    String text = printed();
    String[] draws = text.substring(1).split("\r");
    assertEquals(2, draws.length, text);
    assertTrue(text.endsWith(System.lineSeparator()), "finish ends the line");
    String last = draws[1].substring(0, draws[1].length() - System.lineSeparator().length());
    assertEquals(first.length() - 1, last.length(), "padded to the longer line drawn before");
    assertTrue(last.startsWith("events [##########]  10/10  100%"), last);
  }

  @Test
  void withoutATerminalPrintsAPlainLinePerIntervalAndAtTheEnd() {
    ProgressBar bar = bar(100, false).plainInterval(Duration.ofSeconds(5)).build();
    for (int second = 1; second <= 12; second++) {
      clock.advance(Duration.ofSeconds(1));
      bar.advance(5);
    }
    bar.finish();

    List<String> lines = printed().lines().toList();
    assertEquals(
        List.of(
            "events [##--------]  25/100  25%  5.0/s  elapsed 0:05  ETA 0:15",
            "events [#####-----]  50/100  50%  5.0/s  elapsed 0:10  ETA 0:10",
            "events [######----]  60/100  60%  5.0/s  elapsed 0:12  ETA 0:08"),
        lines);
    assertFalse(printed().contains("\r"), "no carriage returns in a log");
  }

  @Test
  void finishDoesNotRepeatALineJustPrintedAndIsIdempotent() {
    ProgressBar bar = bar(10, false).plainInterval(Duration.ofSeconds(1)).build();
    clock.advance(Duration.ofSeconds(1));
    bar.advance(10);
    bar.finish();
    bar.close();
    bar.step();

    assertEquals(1, printed().lines().count(), printed());
    assertEquals(11, bar.done(), "updates after finish still count");
  }

  @Test
  void refreshDrawsAChangedDetailWhenDue() {
    AtomicInteger produced = new AtomicInteger();
    ProgressBar bar =
        bar(10, false)
            .plainInterval(Duration.ofSeconds(1))
            .detail(() -> "produced " + produced.get())
            .build();
    produced.set(4);
    clock.advance(Duration.ofSeconds(1));
    bar.refresh();
    assertTrue(printed().strip().endsWith("produced 4"), printed());
  }

  @Test
  void rejectsNegativeProgressAndNonPositiveIntervals() {
    ProgressBar bar = bar(10, true).build();
    assertThrows(IllegalArgumentException.class, () -> bar.advance(-1));
    assertThrows(IllegalArgumentException.class, () -> bar(10, true).redrawInterval(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> bar(10, true).barWidth(0));
  }

  @Test
  void concurrentUpdatesAllCountAndLinesNeverInterleave() throws Exception {
    ProgressBar bar = bar(40_000, false).plainInterval(Duration.ofMillis(1)).build();
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 10_000; i++) {
                    bar.step();
                    if (i % 100 == 0) {
                      clock.advance(Duration.ofMillis(1));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    bar.finish();

    assertEquals(40_000, bar.done());
    List<String> lines = printed().lines().toList();
    assertTrue(lines.size() > 1, "several lines were drawn");
    for (String line : lines) {
      assertTrue(line.matches("events \\[[#-]{10}]  \\d+/40000  \\d+%  .*"), line);
    }
    assertTrue(
        lines.get(lines.size() - 1).contains("40000/40000  100%"), lines.get(lines.size() - 1));
  }
}
