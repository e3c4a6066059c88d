package dev.cardswitch.topology.internal;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.InvalidCardDocumentException;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.deadletter.DeadLetters;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.vault.CardVault;
import dev.cardswitch.vault.CardVaultException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where a switch's card comes from in card-vault lookup mode: a card reference carrying a
 * {@code card_token} is looked up in the {@link CardVault} (a network call, chained off the stream
 * thread), then parsed and validated on the thread that completed the lookup; a reference without one
 * keeps its card in {@code card_envelope}, opened by {@link SwitchProcessor} as before.
 *
 * <p>The mode is chosen per record, by which field is set, not per deployment: an issuer can move
 * its cards to the platform one by one, and a reference never needs a second setting to be read
 * right. A reference with a token is always looked up; its {@code card_envelope} is ignored.
 *
 * <p>Failures come back as exceptions in the future; {@link #deadLetter} turns them into their dead
 * letter on the stream thread. Immutable; thread-safe.
 */
final class CardSource {

  private final CardVault vault;
  private final CardDocumentValidator validator;

  CardSource(CardVault vault, CardDocumentValidator validator) {
    this.vault = vault;
    this.validator = validator;
  }

  /** Whether the reference's card is looked up in the vault rather than carried in its envelope. */
  static boolean fromVault(CardReference reference) {
    return reference.getCardToken() != null;
  }

  /**
   * Fetches, parses and validates the card of a token reference. Never blocks. The clear JSON is
   * wiped once parsed; the document is the caller's to close. Fails with a {@link CardVaultException}
   * or an {@link InvalidCardDocumentException}.
   */
  CompletableFuture<CardDocument> fetch(CardReference reference, Instant deadline) {
    CompletableFuture<byte[]> lookup;
    try {
      lookup = vault.cardDocument(reference.getCardToken(), deadline);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    return lookup.thenApply(CardSource::parseAndWipe).thenApply(document -> {
      List<Violation> violations = validator.validate(document);
      if (!violations.isEmpty()) {
        document.close();
        throw new InvalidCardDocumentException(violations);
      }
      return document;
    });
  }

  private static CardDocument parseAndWipe(byte[] clear) {
    try {
      return CardDocument.fromJson(clear);
    } finally {
      Arrays.fill(clear, (byte) 0);
    }
  }

  /**
   * The dead letter of a failed lookup (the caller adds the request and what it knows), or null when
   * the failure is not the card source's (e.g. a fault inside card-switch: INTERNAL_ERROR as before).
   */
  static DeadLetters deadLetter(Throwable error, Instant now) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof CardVaultException vaultFailure) {
      return DeadLetters.draft(vaultFailure.deadLetterReason(), vaultFailure.getMessage(), now);
    }
    if (cause instanceof InvalidCardDocumentException invalid) {
      return DeadLetters.draft(DeadLetterReason.INVALID_CARD_DATA,
              "the card document from the card vault breaks " + invalid.violations().size()
                  + " of Knot's rules (see invalid_fields): correct the card in the card-management platform, then replay",
              now)
          .violations(invalid.violations());
    }
    return null;
  }
}
