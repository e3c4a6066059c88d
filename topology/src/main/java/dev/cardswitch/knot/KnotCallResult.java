package dev.cardswitch.knot;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What came of one {@link KnotGateway#sendCard} call: the whole sequence of attempts (retries, a
 * key refetch, redirects) for one task, summed up. Holds no card data: statuses, Knot's error
 * code, counts, instants and a human detail built from those. Immutable.
 */
public final class KnotCallResult {

  /** The classification of a call, from the topology's point of view. */
  public enum Outcome {
    /** Knot accepted the card (2xx, {@code {"message":"Success"}}). */
    SWITCHED,
    /**
     * Knot rejected this request for good (400 {@code INVALID_INPUT}/{@code INVALID_REQUEST}, and
     * any other 4xx but 401, 408 and 429): resending the same card will not help. {@link
     * #knotError()} holds Knot's code when it sent one.
     */
    PERMANENT,
    /** Knot refused our credentials (401 {@code INVALID_API_KEYS}); not retried; an operator must act. */
    AUTH,
    /**
     * Knot could not be reached or kept failing: retries exhausted on 5xx/429/time-outs/connection
     * errors, circuit breaker open, local limits full, an unacceptable key, a redirect not followed.
     */
    UNAVAILABLE,
    /** The deadline passed, or left no room for another attempt, before Knot accepted the card. */
    DEADLINE;

    /** Whether Knot accepted the card. */
    public boolean switched() {
      return this == SWITCHED;
    }
  }

  /**
   * Said in the detail of every result where Knot may have taken the card without confirming it (a
   * {@code POST /card} that timed out or lost its connection after it was sent): such a call is
   * never re-sent, and {@link #mayHaveSwitched()} is true.
   */
  public static final String MAY_HAVE_SWITCHED = "Knot may have switched the card";

  private final Outcome outcome;
  private final int httpStatus;
  private final KnotError knotError;
  private final int attempts;
  private final Instant firstAttemptAt;
  private final Instant lastAttemptAt;
  private final String detail;
  private final boolean mayHaveSwitched;

  /**
   * @param outcome the classification
   * @param httpStatus the status of Knot's last answer, 0 when there was none (time-out,
   *     connection error, no attempt)
   * @param knotError Knot's error body of the last answer, or null
   * @param attempts how many {@code POST /card} requests were sent (a followed redirect is part of
   *     the request it answers)
   * @param firstAttemptAt when the first {@code POST /card} was started, null when none was
   * @param lastAttemptAt when the last one was started, null when none was
   * @param detail a short human explanation without card data
   */
  public KnotCallResult(
      Outcome outcome,
      int httpStatus,
      KnotError knotError,
      int attempts,
      Instant firstAttemptAt,
      Instant lastAttemptAt,
      String detail) {
    this(outcome, httpStatus, knotError, attempts, firstAttemptAt, lastAttemptAt, detail, false);
  }

  /**
   * @param mayHaveSwitched whether a {@code POST /card} may have reached Knot without an answer
   *     (then {@code detail} says {@link #MAY_HAVE_SWITCHED}); only for an outcome other than {@link
   *     Outcome#SWITCHED}
   */
  public KnotCallResult(
      Outcome outcome,
      int httpStatus,
      KnotError knotError,
      int attempts,
      Instant firstAttemptAt,
      Instant lastAttemptAt,
      String detail,
      boolean mayHaveSwitched) {
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
    if ((attempts == 0) != (firstAttemptAt == null) || (firstAttemptAt == null) != (lastAttemptAt == null)) {
      throw new IllegalArgumentException("first and last attempt instants are set exactly when attempts > 0");
    }
    this.httpStatus = httpStatus;
    this.knotError = knotError;
    this.attempts = attempts;
    this.firstAttemptAt = firstAttemptAt;
    this.lastAttemptAt = lastAttemptAt;
    this.detail = Objects.requireNonNull(detail, "detail");
    if (mayHaveSwitched && (outcome == Outcome.SWITCHED || attempts == 0 || !detail.contains(MAY_HAVE_SWITCHED))) {
      throw new IllegalArgumentException("mayHaveSwitched needs an outcome other than SWITCHED, a POST /card sent,"
          + " and a detail that says \"" + MAY_HAVE_SWITCHED + "\"");
    }
    this.mayHaveSwitched = mayHaveSwitched;
  }

  /**
   * Whether Knot may have taken the card without saying so: a {@code POST /card} was sent and no
   * answer came (time-out, connection lost). It was not re-sent; Knot's lifecycle webhooks for the
   * task ({@code CARD_UPDATED}, {@code CARD_FAILED}) tell what happened.
   */
  public boolean mayHaveSwitched() {
    return mayHaveSwitched;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The status of Knot's last answer, 0 when there was none. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Knot's error body of the last answer, when it sent one. */
  public Optional<KnotError> knotError() {
    return Optional.ofNullable(knotError);
  }

  /** How many {@code POST /card} requests were sent. */
  public int attempts() {
    return attempts;
  }

  public Optional<Instant> firstAttemptAt() {
    return Optional.ofNullable(firstAttemptAt);
  }

  public Optional<Instant> lastAttemptAt() {
    return Optional.ofNullable(lastAttemptAt);
  }

  /** A short human explanation, e.g. {@code "HTTP 503 from POST /card; no room for attempt 3 before the deadline"}. */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return "KnotCallResult[" + outcome
        + (httpStatus == 0 ? "" : ", HTTP " + httpStatus)
        + (knotError == null ? "" : ", " + knotError)
        + ", attempts=" + attempts
        + (mayHaveSwitched ? ", may have switched" : "")
        + (firstAttemptAt == null ? "" : ", first=" + firstAttemptAt + ", last=" + lastAttemptAt)
        + ", " + detail + "]";
  }
}
