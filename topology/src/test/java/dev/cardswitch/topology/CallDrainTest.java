package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallDrainTest {

  @Test
  void waitsUntilEveryStartedCallIsSettled() throws Exception {
    CallDrain drain = new CallDrain();
    drain.callStarted();
    drain.callStarted();
    assertFalse(drain.awaitSettled(Duration.ofMillis(20)), "two calls unsettled");

    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> settled = CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      try {
        return drain.awaitSettled(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    drain.callsSettled(1);
    assertEquals(1, drain.unsettled());
    drain.callsSettled(1);
    assertTrue(settled.get(10, TimeUnit.SECONDS), "the waiter wakes when the last call settles");
  }

  @Test
  void settlingMoreThanStartedNeverGoesBelowZero() throws Exception {
    CallDrain drain = new CallDrain();
    drain.callStarted();
    drain.callsSettled(3);
    assertEquals(0, drain.unsettled());
    assertTrue(drain.awaitSettled(Duration.ZERO));
    drain.callsSettled(0);
    assertFalse(drain.draining());
    drain.start();
    assertTrue(drain.draining());
  }
}
