package dev.cardswitch.topology.internal;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.InvalidCardDocumentException;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.deadletter.DeadLetters;
import dev.cardswitch.envelope.EnvelopeException;
import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.vault.CardVault;
import dev.cardswitch.vault.CardVaultException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Where a switch's card comes from, off the stream thread: a card reference carrying a
 * {@code card_token} is looked up in the {@link CardVault} (a network call), then parsed and
 * validated on the thread that completed the lookup; a reference without one keeps its card in
 * {@code card_envelope}, opened (ECDH-ES, the most expensive step of a switch), parsed and validated
 * on the card-work executor. The stream thread then only does Kafka work, so the crypto's
 * parallelism does not depend on the number of stream threads. (An executor that runs tasks in
 * place, the default of {@link dev.cardswitch.topology.SwitchPorts} and the blocking baseline's,
 * does the card work on the stream thread, as before.)
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
  private final KeyRing keyRing;
  private final Executor cardWork;
  private final CardDocumentValidator validator;

  CardSource(CardVault vault, KeyRing keyRing, Executor cardWork, CardDocumentValidator validator) {
    this.vault = vault;
    this.keyRing = keyRing;
    this.cardWork = cardWork;
    this.validator = validator;
  }

  /**
   * Gets the card of {@code reference} (from the vault or its envelope) and hands it to {@code next}
   * on the thread that got it: the vault's HTTP thread, or a card-work thread (the caller's only with
   * an executor that runs tasks in place, as the tests' and the blocking baseline's do). Never
   * blocks. {@code next} owns the document (and must close it) once it is called; a failure before
   * that comes back in the future, as described at {@link #fetch} and {@link #open}.
   */
  <T> CompletableFuture<T> withCard(CardReference reference, Instant deadline,
      Function<CardDocument, CompletableFuture<T>> next) {
    if (fromVault(reference)) {
      return fetch(reference, deadline).thenCompose(next);
    }
    // One task does both the opening and next (Knot's JWE, the request): chaining next to the
    // opening's future instead would run it on the stream thread whenever the opening won the race.
    String envelope = reference.getCardEnvelope();
    try {
      return CompletableFuture.supplyAsync(() -> next.apply(open(envelope)), cardWork).thenCompose(Function.identity());
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e); // the executor is shutting down: INTERNAL_ERROR
    }
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
    return lookup.thenApply(CardSource::parseAndWipe).thenApply(this::validated);
  }

  /**
   * Opens, parses and validates the card of an envelope, on the calling thread. The clear JSON is
   * wiped once parsed; the document is the caller's to close. Fails with an {@link EnvelopeException}
   * or an {@link InvalidCardDocumentException}.
   */
  private CardDocument open(String envelope) {
    return validated(parseAndWipe(keyRing.decrypt(envelope)));
  }

  private CardDocument validated(CardDocument document) {
    List<Violation> violations = validator.validate(document);
    if (!violations.isEmpty()) {
      document.close();
      throw new InvalidCardDocumentException(violations);
    }
    return document;
  }

  private static CardDocument parseAndWipe(byte[] clear) {
    try {
      return CardDocument.fromJson(clear);
    } finally {
      Arrays.fill(clear, (byte) 0);
    }
  }

  /**
   * The dead letter of a card that could not be had (the caller adds the request and what it knows),
   * or null when the failure is not the card source's (e.g. a fault inside card-switch:
   * INTERNAL_ERROR as before). {@code fromVault}: whether the card was looked up rather than opened.
   */
  static DeadLetters deadLetter(Throwable error, boolean fromVault, Instant now) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof CardVaultException vaultFailure) {
      return DeadLetters.draft(vaultFailure.deadLetterReason(), vaultFailure.getMessage(), now);
    }
    if (cause instanceof EnvelopeException e) {
      boolean unknownKey = EnvelopeException.UNKNOWN_ENVELOPE_KEY.equals(e.reason());
      return DeadLetters.draft(
          unknownKey ? DeadLetterReason.UNKNOWN_ENVELOPE_KEY : DeadLetterReason.UNDECRYPTABLE_ENVELOPE,
          (unknownKey
              ? "the card envelope is encrypted to a key card-switch does not hold: add that key to CARD_KEYS, then replay: "
              : "the card envelope cannot be opened: re-encrypt the card reference to card-switch's key (GET /keys): ")
              + e.getMessage(), now);
    }
    if (cause instanceof InvalidCardDocumentException invalid) {
      return DeadLetters.draft(DeadLetterReason.INVALID_CARD_DATA, fromVault
              ? "the card document from the card vault breaks " + invalid.violations().size()
                  + " of Knot's rules (see invalid_fields): correct the card in the card-management platform, then replay"
              : "the card document breaks " + invalid.violations().size() + " of Knot's rules (see invalid_fields):"
                  + " correct the card reference, then replay",
              now)
          .violations(invalid.violations());
    }
    return null;
  }
}
