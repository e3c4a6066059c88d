package dev.cardswitch.topology.internal;

import dev.cardswitch.fido.AcceptedJtis;
import dev.cardswitch.fido.FidoResponseVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * "Each FIDO jti accepted once", in the changelogged {@code fido-used-jti-store} of the switch's
 * card_id partition: jti → the card (card_id) it was accepted for, at the time of acceptance.
 *
 * <p>Why the card and not the task: the token travels in the card reference, one per card, and a
 * cardholder who authenticated once commonly switches the card at several merchants in the same
 * sitting (one Knot task each); bound to the first task, the token would dead-letter every other
 * merchant as a replay, with no way for the issuer to supply a token per task. Bound to the card,
 * a token copied into another cardholder's reference is refused ({@code REPLAYED}), a restarted
 * or replayed switch of the same card passes again, and the 2-hour expiry bounds the reuse. A
 * card's
 * reference and its switches share that partition, so a token carried by one card reference is
 * always checked in one place, across restarts (the changelog) and instances (one owner per
 * partition). Entries older than {@link #RETENTION} are dropped with their segment: by then the
 * token has expired, so the expiry check refuses it first.
 *
 * <p>Used by its processor's stream thread only.
 */
final class FidoJtiStore implements AcceptedJtis {

  /** A token lives at most 2 h after its iat, and its iat may be a minute ahead; ten minutes of margin. */
  static final Duration RETENTION = FidoResponseVerifier.MAX_AGE
      .plus(FidoResponseVerifier.DEFAULT_CLOCK_SKEW).plus(Duration.ofMinutes(10));

  private final WindowStore<String, String> store;
  private final Clock clock;

  FidoJtiStore(WindowStore<String, String> store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public boolean acceptOnce(String jti, String owner, Instant expiresAt) {
    Instant now = clock.instant();
    boolean mine = false;
    try (WindowStoreIterator<String> found = store.fetch(jti, now.minus(RETENTION), now.plus(RETENTION))) {
      while (found.hasNext()) {
        if (!owner.equals(found.next().value)) {
          return false;
        }
        mine = true;
      }
    }
    if (!mine) {
      store.put(jti, owner, now.toEpochMilli());
    }
    return true;
  }
}
