package dev.cardswitch.vault.client;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.vault.CardVaultException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's public key (seed 003's first flow: "Get Public Key → Public Key and Key ID"), fetched
 * on first use and kept until the platform signals a rotation (it refuses a token encrypted to the
 * key's kid as {@code UNKNOWN_KID}): then {@link #invalidate} drops that key and the next lookup
 * fetches the new one. Concurrent lookups share one fetch; a failed fetch is not cached.
 * Thread-safe (lock-free).
 */
final class PlatformKeyCache {

  private static final Logger LOG = LoggerFactory.getLogger(PlatformKeyCache.class);

  /** Fetches the key document: completes with the response body, or exceptionally with a CardVaultException. */
  private final Supplier<CompletableFuture<byte[]>> fetch;
  private final AtomicReference<CompletableFuture<ECKey>> current = new AtomicReference<>();

  PlatformKeyCache(Supplier<CompletableFuture<byte[]>> fetch) {
    this.fetch = fetch;
  }

  /** The key to encrypt request elements to; fetched if none is held. */
  CompletableFuture<ECKey> get() {
    while (true) {
      CompletableFuture<ECKey> held = current.get();
      if (held != null && !held.isCompletedExceptionally()) {
        return held;
      }
      CompletableFuture<ECKey> mine = new CompletableFuture<>();
      if (current.compareAndSet(held, mine)) {
        fetch.get().thenApply(PlatformKeyCache::parse).whenComplete((key, error) -> {
          if (error != null) {
            current.compareAndSet(mine, null);
            mine.completeExceptionally(error);
          } else {
            LOG.info("card vault public key {} fetched", key.getKeyID());
            mine.complete(key);
          }
        });
        return mine;
      }
    }
  }

  /** The platform no longer knows {@code kid}: forget that key (only that one: another lookup may have refreshed it already). */
  void invalidate(String kid) {
    CompletableFuture<ECKey> held = current.get();
    if (held != null && held.isDone() && !held.isCompletedExceptionally() && kid.equals(held.join().getKeyID())) {
      if (current.compareAndSet(held, null)) {
        LOG.info("card vault public key {} was rotated by the platform; fetching its new key", kid);
      }
    }
  }

  static ECKey parse(byte[] body) {
    JWK jwk;
    try {
      jwk = JWK.parse(new String(body, StandardCharsets.UTF_8));
    } catch (java.text.ParseException e) {
      throw invalid("is not a JWK");
    }
    if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
      throw invalid("is not an EC P-256 key (seed 003: ECDH-ES)");
    }
    if (ec.getKeyID() == null || ec.getKeyID().isBlank()) {
      throw invalid("has no kid (seed 003: the kid goes into every JWE header)");
    }
    if (ec.isPrivate()) {
      throw invalid("holds a private key: the platform must publish only its public key");
    }
    return ec;
  }

  private static CardVaultException invalid(String what) {
    return new CardVaultException(DeadLetterReason.CARD_VAULT_UNAVAILABLE,
        "the card vault's public key (GET " + VaultProtocol.PUBLIC_KEY_PATH + ") " + what
            + ": check CARD_VAULT_BASE_URL points at the card-management platform");
  }
}
