package dev.cardswitch.topology.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How many statuses the purge looks at per punctuation. */
class StatusPurgeTest {

  @Test
  void aLongRetentionIsWalkedSlowlyAFullPassStillWithinAHundredthOfIt() {
    // 100,000 statuses kept 30 days: a pass every 7.2 hours needs 4 keys a second; the floor is 10.
    assertEquals(StatusPurge.MIN_BATCH, StatusPurge.batchFor(100_000, Duration.ofDays(30)));
    // Ten million: 10,000,000 / 25,920 s = 385.8 keys a second.
    assertEquals(386, StatusPurge.batchFor(10_000_000, Duration.ofDays(30)));
  }

  @Test
  void aShortRetentionOrAHugeStoreIsCappedAtTheBatch() {
    assertEquals(StatusPurge.BATCH, StatusPurge.batchFor(10_000, Duration.ofMinutes(1)));
    assertEquals(StatusPurge.BATCH, StatusPurge.batchFor(Long.MAX_VALUE, Duration.ofDays(30)));
  }

  @Test
  void anEmptyOrUnknownStoreStillGetsTheFloor() {
    assertEquals(StatusPurge.MIN_BATCH, StatusPurge.batchFor(0, Duration.ofDays(30)));
    assertEquals(StatusPurge.MIN_BATCH, StatusPurge.batchFor(-1, Duration.ofDays(30)));
  }
}
