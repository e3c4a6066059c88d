package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyDistributionTest {

  @Test
  void percentilesAreNearestRanksOfTheSortedValues() {
    long[] shuffled = LongStream.rangeClosed(1, 100).map(i -> (i * 37) % 100 + 1).toArray();
    LatencyDistribution d = LatencyDistribution.of(shuffled);

    assertEquals(100, d.count());
    assertEquals(50L, d.percentile(50));
    assertEquals(95L, d.percentile(95));
    assertEquals(99L, d.percentile(99));
    assertEquals(100L, d.percentile(100));
    assertEquals(1L, d.percentile(0.1));
    assertEquals(100L, d.max());
  }

  @Test
  void aPercentileIsAlwaysAMeasuredValue() {
    LatencyDistribution d = LatencyDistribution.of(new long[] {200, 10});

    assertEquals(10L, d.percentile(50), "rank ceil(0.5 * 2) = 1");
    assertEquals(200L, d.percentile(51), "rank ceil(0.51 * 2) = 2, no interpolation");
  }

  @Test
  void anEmptyDistributionHasNoPercentile() {
    assertNull(LatencyDistribution.empty().percentile(99));
    assertNull(LatencyDistribution.of(new long[0]).max());
  }

  @Test
  void rejectsPercentilesOutsideZeroToHundred() {
    LatencyDistribution d = LatencyDistribution.of(new long[] {1});
    assertThrows(IllegalArgumentException.class, () -> d.percentile(0));
    assertThrows(IllegalArgumentException.class, () -> d.percentile(100.5));
  }

  @Test
  void theValuesAreCopied() {
    long[] values = {5, 6, 7};
    LatencyDistribution d = LatencyDistribution.of(values);
    values[2] = 1000;
    assertEquals(7L, d.max());
  }
}
