package dev.cardswitch.deadletter;

import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.internal.SwitchRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the project's {@link DeadLetter} records from structured facts: a reason, a detail written
 * by card-switch (never an exception message of a library that may have seen card data), the event,
 * its source coordinates, Knot's answer. One draft per dead letter; not thread-safe.
 */
public final class DeadLetters {

  private final DeadLetter.Builder builder;

  private DeadLetters(DeadLetterReason reason, String detail, Instant completedAt) {
    this.builder = DeadLetter.newBuilder()
        .setReason(Objects.requireNonNull(reason, "reason"))
        .setDetail(Objects.requireNonNull(detail, "detail"))
        .setReplayable(replayable(reason))
        .setCompletedAt(Objects.requireNonNull(completedAt, "completedAt"))
        .setInvalidFields(List.of())
        .setAttempts(0)
        .setResentAfterRestart(false);
  }

  /**
   * Starts a dead letter.
   *
   * @param detail a precise explanation naming the problem and the fix; no card data, no secrets
   */
  public static DeadLetters draft(DeadLetterReason reason, String detail, Instant completedAt) {
    return new DeadLetters(reason, detail, completedAt);
  }

  /**
   * Whether replaying an event dead-lettered for {@code reason} could succeed once the cause is
   * fixed: true for causes outside the event and the card (a reference or key not there yet, Knot
   * down or refusing our credentials, the window missed, a fault of card-switch); false when the
   * same input would fail the same way (unreadable event, broken envelope, invalid card, Knot's
   * rejection, a duplicate).
   */
  public static boolean replayable(DeadLetterReason reason) {
    return switch (reason) {
      case NO_CARD_REFERENCE, UNKNOWN_ENVELOPE_KEY, DEADLINE_EXCEEDED, KNOT_UNAVAILABLE, KNOT_AUTH_FAILED,
          INTERNAL_ERROR, CARD_VAULT_UNAVAILABLE, CARD_NOT_FOUND, CARD_VAULT_RESPONSE_INVALID -> true;
      // A new Cardinal FIDO result in the card reference lets the replay through.
      case CARDHOLDER_NOT_AUTHENTICATED -> true;
      case MALFORMED_EVENT, MALFORMED_CARD_REFERENCE, UNDECRYPTABLE_ENVELOPE, INVALID_CARD_DATA, KNOT_REJECTED,
          DUPLICATE_EVENT, UNKNOWN -> false;
    };
  }

  /** Where the record came from. */
  public DeadLetters source(String topic, int partition, long offset) {
    builder.setSourceTopic(topic).setSourcePartition(partition).setSourceOffset(offset);
    return this;
  }

  /**
   * The event's identifiers and the event itself (which holds no card data), with its {@code
   * replay_of} link when {@code card-switch replay} re-submitted it.
   */
  public DeadLetters event(KnotWebhookEvent event) {
    builder.setEvent(event)
        .setEventType(event.getEvent())
        .setTaskId(event.getTaskId())
        .setSessionId(event.getSessionId())
        .setExternalUserId(event.getExternalUserId())
        .setCardId(event.getData() == null ? null : event.getData().getCardId())
        .setMerchantId(event.getMerchant() == null ? null : event.getMerchant().getId())
        .setMerchantName(event.getMerchant() == null ? null : event.getMerchant().getName())
        .setEventTime(event.getTimestamp())
        .setReceivedAt(event.getReceivedAt())
        // A replayed event names the dead letter it came from; a new dead letter keeps the link.
        .setReplayOf(event.getReplayOf());
    return this;
  }

  /** A switch request: its event, deadline and source coordinates. */
  public DeadLetters request(SwitchRequest request) {
    return event(request.getEvent())
        .deadline(request.getDeadlineAt())
        .source(request.getSourceTopic(), request.getSourcePartition(), request.getSourceOffset());
  }

  public DeadLetters deadline(Instant deadline) {
    builder.setDeadlineAt(deadline);
    return this;
  }

  public DeadLetters cardLastFour(String lastFour) {
    builder.setCardLastFour(lastFour == null || lastFour.isEmpty() ? null : lastFour);
    return this;
  }

  /** The broken rules, as {@code path: rule}: never the values. */
  public DeadLetters violations(List<Violation> violations) {
    List<String> fields = new ArrayList<>(violations.size());
    for (Violation v : violations) {
      fields.add(v.fieldPath() + ": " + v.rule());
    }
    builder.setInvalidFields(fields);
    return this;
  }

  /** Offending fields as {@code path: rule} (never values). */
  public DeadLetters invalidFields(List<String> pathsAndRules) {
    builder.setInvalidFields(List.copyOf(pathsAndRules));
    return this;
  }

  /** What Knot answered to the sequence of calls. */
  public DeadLetters knot(KnotCallResult result) {
    builder.setAttempts(result.attempts())
        .setHttpStatus(result.httpStatus() == 0 ? null : result.httpStatus())
        .setFirstAttemptAt(result.firstAttemptAt().orElse(null))
        .setLastAttemptAt(result.lastAttemptAt().orElse(null));
    result.knotError().ifPresent(e -> builder
        .setKnotErrorType(e.errorType())
        .setKnotErrorCode(e.errorCode())
        .setKnotErrorMessage(e.errorMessage()));
    return this;
  }

  public DeadLetters resentAfterRestart(boolean resent) {
    builder.setResentAfterRestart(resent);
    return this;
  }

  /** For a source value that could not be read: its digest and size, never its bytes. */
  public DeadLetters unreadableValue(byte[] value) {
    if (value != null) {
      builder.setSourceValueSha256(sha256Hex(value)).setSourceValueSize(value.length);
    }
    return this;
  }

  public DeadLetter build() {
    return builder.build();
  }

  static String sha256Hex(byte[] value) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(value);
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
