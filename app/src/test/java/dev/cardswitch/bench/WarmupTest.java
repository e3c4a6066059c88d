package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class WarmupTest {

  @Test
  void aFixedWarmUpPlaysItsEventsInOneGo() {
    Warmup fixed = Warmup.parse("12000");

    assertFalse(fixed.untilSettled());
    assertEquals(12_000, fixed.next(0, List.of()));
    assertEquals(0, fixed.next(12_000, List.of()));
    assertEquals(0, Warmup.parse("0").next(0, List.of()), "--warmup 0 plays nothing");
  }

  @Test
  void autoPlaysChunksUntilTheJitsShareStaysAtTheSettledShareForTwoChunks() {
    Warmup auto = Warmup.parse("auto");

    assertTrue(auto.untilSettled());
    assertEquals(Warmup.AUTO_CHUNK, auto.next(0, List.of()), "no share before the first chunk");
    assertEquals(Warmup.AUTO_CHUNK, auto.next(10_000, List.of(0.38)), "C2 busy");
    assertEquals(Warmup.AUTO_CHUNK, auto.next(20_000, List.of(0.38, 0.03)), "one quiet chunk can be a lull");
    assertEquals(Warmup.AUTO_CHUNK, auto.next(30_000, List.of(0.38, 0.03, 0.19)), "as it was here");
    assertEquals(Warmup.AUTO_CHUNK, auto.next(40_000, List.of(0.38, 0.03, 0.19, 0.10)));
    assertEquals(0, auto.next(50_000, List.of(0.38, 0.03, 0.19, 0.10, 0.07)), "two in a row at 10 % or less");
    assertEquals(OptionalDouble.of(0.10), Warmup.lastShare(List.of(0.38, 0.03, 0.19, 0.10, 0.07)),
        "the higher of the two it was judged by");
    assertFalse(auto.settled(List.of(0.04)), "one chunk is not enough");
    assertEquals(OptionalDouble.empty(), Warmup.lastShare(List.of()));
  }

  @Test
  void autoStopsAtItsMostEventsEvenIfTheJitHasNotSettled() {
    Warmup capped = new Warmup(25, true, 10, 0.1);

    assertEquals(10, capped.next(10, List.of(0.5)));
    assertEquals(5, capped.next(20, List.of(0.5, 0.5)), "the last chunk is cut to the most events");
    assertEquals(0, capped.next(25, List.of(0.5, 0.5, 0.5)));
    assertFalse(capped.settled(List.of(0.5, 0.5, 0.5)));
  }

  @Test
  void aValueThatIsNeitherANumberNorAutoIsRefusedNamingTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Warmup.parse("lots"));
    assertEquals("--warmup takes a number of events, or auto (until the JIT has settled), was 'lots'", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Warmup.parse("-1")).getMessage()
        .startsWith("--warmup must be 0 or more events"));
  }

  @Test
  void printsAsTheFlagIsGiven() {
    assertEquals("auto", Warmup.auto().toString());
    assertEquals("2000", Warmup.fixed(2000).toString());
  }
}
