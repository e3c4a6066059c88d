package dev.cardswitch.knot.client;

import dev.cardswitch.topology.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.cardswitch.knot.KnotJwk;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

  private static KnotJwk first;
  private static KnotJwk second;

  private final TestClock clock = new TestClock(Instant.parse("2026-06-01T00:00:00Z"));
  private final List<CompletableFuture<KnotJwk>> fetches = new ArrayList<>();
  private final KeyCache cache = new KeyCache(() -> {
    CompletableFuture<KnotJwk> f = new CompletableFuture<>();
    fetches.add(f);
    return f;
  }, clock, Duration.ofMinutes(5));

  @BeforeAll
  static void keys() throws Exception {
    first = KnotJwk.of(new RSAKeyGenerator(2048).keyID("k1").generate());
    second = KnotJwk.of(new RSAKeyGenerator(2048).keyID("k2").generate());
  }

  @Test
  void concurrentCallersShareOneInFlightFetch() {
    CompletableFuture<KnotJwk> a = cache.current();
    CompletableFuture<KnotJwk> b = cache.current();
    CompletableFuture<KnotJwk> c = cache.refreshAfterRejection(first);
    assertEquals(1, fetches.size());
    assertFalse(a.isDone());
    fetches.get(0).complete(first);
    assertSame(first, a.join());
    assertSame(first, b.join());
    assertSame(first, c.join());
  }

  @Test
  void servesTheCachedKeyUntilItsTtl() {
    CompletableFuture<KnotJwk> a = cache.current();
    fetches.get(0).complete(first);
    a.join();
    clock.advance(Duration.ofMinutes(4));
    assertSame(first, cache.current().join());
    assertEquals(1, fetches.size());
    clock.advance(Duration.ofMinutes(1));
    assertFalse(cache.current().isDone());
    assertEquals(2, fetches.size());
  }

  @Test
  void refetchesOnceAfterARejectionAndSharesTheResult() {
    cache.put(first);
    CompletableFuture<KnotJwk> a = cache.refreshAfterRejection(first);
    CompletableFuture<KnotJwk> b = cache.refreshAfterRejection(first);
    assertEquals(1, fetches.size());
    fetches.get(0).complete(second);
    assertSame(second, a.join());
    assertSame(second, b.join());
    // A caller that still holds the old key gets the new one without another fetch.
    assertSame(second, cache.refreshAfterRejection(first).join());
    assertEquals(1, fetches.size());
  }

  @Test
  void aFailedFetchIsNotCachedAndTheNextCallerTriesAgain() {
    CompletableFuture<KnotJwk> a = cache.current();
    fetches.get(0).completeExceptionally(new KeyCache.KeyUnavailableException(
        Verdict.local(Verdict.Kind.RETRYABLE, "GET /jwe/key answered HTTP 503")));
    assertTrue(a.isCompletedExceptionally());
    CompletableFuture<KnotJwk> b = cache.current();
    assertEquals(2, fetches.size());
    fetches.get(1).complete(first);
    assertSame(first, b.join());
  }
}
