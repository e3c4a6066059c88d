package dev.cardswitch.knot.client;

import dev.cardswitch.knot.KnotJwk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Knot's current key, fetched once and shared: refreshed when older than the TTL, or when Knot
 * rejects a JWE made with it. Concurrent callers share one in-flight fetch, so a burst of calls
 * after expiry (or after a rotation) makes one {@code GET /jwe/key}, not one per call.
 *
 * <p>Thread-safe, lock-free; never blocks.
 */
final class KeyCache {

  /** Why a key could not be had: the classification of the failed fetch. */
  static final class KeyUnavailableException extends RuntimeException {
    private final Verdict verdict;

    KeyUnavailableException(Verdict verdict) {
      super(verdict.detail(), null, false, false);
      this.verdict = verdict;
    }

    Verdict verdict() {
      return verdict;
    }
  }

  private record Cached(KnotJwk key, Instant fetchedAt) {}

  private final Supplier<CompletableFuture<KnotJwk>> fetcher;
  private final Clock clock;
  private final Duration ttl;
  private final AtomicReference<Cached> cached = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<KnotJwk>> inFlight = new AtomicReference<>();

  /**
   * @param fetcher fetches the key now; fails with {@link KeyUnavailableException}
   */
  KeyCache(Supplier<CompletableFuture<KnotJwk>> fetcher, Clock clock, Duration ttl) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The cached key while fresh, else the result of a (shared) fetch. */
  CompletableFuture<KnotJwk> current() {
    Cached c = cached.get();
    if (c != null && clock.instant().isBefore(c.fetchedAt().plus(ttl))) {
      return CompletableFuture.completedFuture(c.key());
    }
    return fetchShared();
  }

  /**
   * After Knot rejected a JWE made with {@code rejected}: a newer key if someone already fetched
   * one, else a fresh fetch (shared with concurrent callers).
   */
  CompletableFuture<KnotJwk> refreshAfterRejection(KnotJwk rejected) {
    Cached c = cached.get();
    if (c != null && !c.key().sameKeyAs(rejected)) {
      return CompletableFuture.completedFuture(c.key());
    }
    if (c != null) {
      cached.compareAndSet(c, null);
    }
    return fetchShared();
  }

  /** When the cached key was fetched; empty when none is cached. */
  Optional<Instant> fetchedAt() {
    Cached c = cached.get();
    return c == null ? Optional.empty() : Optional.of(c.fetchedAt());
  }

  /** Stores a key fetched outside the cache (e.g. by {@code knot-check}). */
  void put(KnotJwk key) {
    cached.set(new Cached(key, clock.instant()));
  }

  private CompletableFuture<KnotJwk> fetchShared() {
    while (true) {
      CompletableFuture<KnotJwk> existing = inFlight.get();
      if (existing != null) {
        return existing;
      }
      CompletableFuture<KnotJwk> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        CompletableFuture<KnotJwk> fetch;
        try {
          fetch = fetcher.get();
        } catch (RuntimeException e) {
          fetch = CompletableFuture.failedFuture(e);
        }
        fetch.whenComplete((key, failure) -> {
          if (failure == null) {
            put(key);
          }
          // Cleared before completing, so that a caller woken by the completion sees the cache.
          inFlight.compareAndSet(mine, null);
          if (failure == null) {
            mine.complete(key);
          } else {
            mine.completeExceptionally(failure);
          }
        });
        return mine;
      }
    }
  }
}
