package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SustainedThroughputTest {

  private static final long T0 = 1_790_000_000_000L;

  @Test
  void aRegularStreamGivesItsRate() {
    long[] every10ms = LongStream.range(0, 1000).map(i -> T0 + i * 10).toArray();

    SustainedThroughput t = SustainedThroughput.of(every10ms);

    assertEquals(100.0, t.perSecond(), 1e-9);
    assertEquals(800, t.counted(), "from the 100th to the 900th completion");
    assertEquals(T0 + 99 * 10, t.fromMillis());
    assertEquals(T0 + 899 * 10, t.toMillis());
    assertEquals(8000, t.spanMillis());
  }

  @Test
  void theRampUpAndTheTailAreLeftOut() {
    // 1000 completions: a slow start (99 over 10 s), 801 at 1000/s, then 100 stragglers over 10 s.
    long[] times = new long[1000];
    for (int i = 0; i < 99; i++) {
      times[i] = T0 + i * 100;
    }
    for (int i = 99; i < 900; i++) {
      times[i] = T0 + 10_000 + (i - 99);
    }
    for (int i = 900; i < 1000; i++) {
      times[i] = T0 + 10_800 + (i - 899) * 100;
    }

    SustainedThroughput t = SustainedThroughput.of(times);

    assertEquals(1000.0, t.perSecond(), 1e-9, "the drain rate, not 1000 events / 20.8 s");
  }

  @Test
  void theOrderOfTheCompletionsDoesNotMatter() {
    long[] times = {T0 + 900, T0, T0 + 300, T0 + 600, T0 + 100, T0 + 800, T0 + 200, T0 + 700, T0 + 500, T0 + 400};

    SustainedThroughput t = SustainedThroughput.of(times);

    assertEquals(10.0, t.perSecond(), 1e-9, "8 completions in 0.8 s");
  }

  @Test
  void marksInOneMillisecondFallBackToTheWholeSpan() {
    long[] times = {T0, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 1005};

    SustainedThroughput t = SustainedThroughput.of(times);

    assertTrue(t.known());
    assertEquals(11 / 1.005, t.perSecond(), 1e-9);
    assertEquals(1005, t.spanMillis());
  }

  @Test
  void fewerThanTwoDistinctTimesIsUnknown() {
    assertFalse(SustainedThroughput.of(new long[0]).known());
    assertFalse(SustainedThroughput.of(new long[] {T0}).known());
    assertFalse(SustainedThroughput.of(new long[] {T0, T0, T0}).known());
  }
}
