package dev.cardswitch.knot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * The classification of one exchange with Knot (one request, its followed redirects included): what
 * kind of answer it was, what the circuit breaker should make of it, and a human detail without
 * card data. Immutable.
 *
 * <p>Rules, for {@code POST /card}: 2xx success; 400 {@code INVALID_JWE} its own kind (the key may
 * have been rotated); 401 authentication; 408, 429 and 5xx retryable ({@code Retry-After} kept);
 * other 4xx permanent; a refused connection or a connect time-out retryable (the request never left);
 * a time-out or a connection error once the request may have left {@linkplain Kind#UNANSWERED
 * unanswered}: final, never re-sent, since Knot may have taken the card (its documentation does not
 * make {@code POST /card} idempotent per {@code task_id}); a refused redirect or any other status
 * unavailable. For {@code GET /jwe/key} the same, except that another 4xx is "unavailable" (it
 * concerns every card, not this one) and every time-out or connection error is retryable (a GET
 * changes nothing at Knot).
 *
 * <p>The circuit breaker counts Knot's failures: 5xx, 408, connection errors, and time-outs of the
 * full {@code KNOT_CALL_TIMEOUT}. A time-out cut short by the switch's own deadline (less of the
 * window was left than the call time-out) says nothing about Knot and is not counted: over capacity,
 * calls start late, and counting those would open the circuit on a healthy Knot. 4xx (429
 * included: Knot is up, only asking us to slow down) and redirects count as successes.
 */
record Verdict(Kind kind, int httpStatus, KnotError knotError, String detail, Duration retryAfter, Circuit circuit, RuntimeException callerFailure) {

  enum Kind {
    SUCCESS, INVALID_JWE, PERMANENT, AUTH, RETRYABLE,
    /** The request may have reached Knot and no answer came (full call time-out, connection lost): final. */
    UNANSWERED,
    /** The same, cut short by the switch's deadline (the time-out was what was left of the window): final. */
    UNANSWERED_BY_DEADLINE,
    UNAVAILABLE, DEADLINE, CALLER_FAILED;

    /** Whether Knot may have taken the card although it never said so. */
    boolean mayHaveSwitched() {
      return this == UNANSWERED || this == UNANSWERED_BY_DEADLINE;
    }
  }

  /** What the circuit breaker records for this exchange. */
  enum Circuit {
    SUCCESS, FAILURE,
    /** Nothing about Knot's health: Knot was not called, or our own deadline cut the call short. */
    NOT_COUNTED
  }

  /** Said by every result where Knot may have taken a card it did not confirm. */
  static final String MAY_HAVE_SWITCHED = KnotCallResult.MAY_HAVE_SWITCHED;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param timeout the time-out the exchange ran with
   * @param cutByDeadline whether that time-out was shorter than {@code KNOT_CALL_TIMEOUT} because
   *     the deadline came first
   */
  static Verdict ofCard(KnotHttp.Answer answer, Instant now, Duration timeout, boolean cutByDeadline) {
    if (answer.failure() != null) {
      return ofCardFailure(answer.failure(), timeout, cutByDeadline);
    }
    return of(answer, "POST /card", true, now);
  }

  static Verdict ofKey(KnotHttp.Answer answer, Instant now) {
    if (answer.failure() != null) {
      return ofFailure(answer.failure(), "GET /jwe/key");
    }
    return of(answer, "GET /jwe/key", false, now);
  }

  private static Verdict of(KnotHttp.Answer answer, String what, boolean card, Instant now) {
    KnotHttp.Reply response = answer.response();
    int status = response.statusCode();
    KnotError error = status >= 400 ? parseError(response.body()) : null;
    if (answer.refusedRedirect() != null) {
      return new Verdict(Kind.UNAVAILABLE, status, null, what + ": " + answer.refusedRedirect(), null, Circuit.SUCCESS, null);
    }
    String answered = what + " answered HTTP " + status + (error == null ? "" : " " + error);
    if (status >= 200 && status < 300) {
      return new Verdict(Kind.SUCCESS, status, null, answered, null, Circuit.SUCCESS, null);
    }
    if (status == 401) {
      return new Verdict(Kind.AUTH, status, error,
          answered + ": check KNOT_CLIENT_ID and KNOT_SECRET", null, Circuit.SUCCESS, null);
    }
    Duration retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), now).orElse(null);
    if (status == 429) {
      return new Verdict(Kind.RETRYABLE, status, error, answered, retryAfter, Circuit.SUCCESS, null);
    }
    if (status == 408 || status >= 500) {
      return new Verdict(Kind.RETRYABLE, status, error, answered, retryAfter, Circuit.FAILURE, null);
    }
    if (status == 400 && card && error != null && error.isInvalidJwe()) {
      return new Verdict(Kind.INVALID_JWE, status, error, answered, null, Circuit.SUCCESS, null);
    }
    if (status >= 400 && status < 500) {
      return new Verdict(card ? Kind.PERMANENT : Kind.UNAVAILABLE, status, error, answered, null, Circuit.SUCCESS, null);
    }
    return new Verdict(Kind.UNAVAILABLE, status, error, what + " answered an unexpected HTTP " + status, null, Circuit.SUCCESS, null);
  }

  /**
   * A {@code POST /card} without an answer. Only a failure before the request could leave (refused
   * connection, connect time-out, no time left for a redirect hop) may be retried; after that, Knot
   * may have taken the card, and sending it again could switch it twice.
   */
  private static Verdict ofCardFailure(Throwable failure, Duration timeout, boolean cutByDeadline) {
    String what = "POST /card";
    boolean timedOut = failure instanceof HttpTimeoutException;
    Circuit circuit = timedOut && cutByDeadline ? Circuit.NOT_COUNTED : Circuit.FAILURE;
    if (failure instanceof HttpConnectTimeoutException) {
      return new Verdict(Kind.RETRYABLE, 0, null, what + ": connecting to Knot timed out after " + timeout.toMillis()
          + " ms (" + (cutByDeadline ? "what was left of the window" : "KNOT_CALL_TIMEOUT") + ")", null, circuit, null);
    }
    if (failure instanceof KnotHttp.NotSentException || failure instanceof ConnectException) {
      return ofFailure(failure, what);
    }
    String notResent = "; " + MAY_HAVE_SWITCHED + " (the request may have reached it): not re-sent, as POST /card is"
        + " not documented as idempotent per task_id; Knot's CARD_UPDATED or CARD_FAILED webhook for the task tells";
    if (timedOut) {
      return cutByDeadline
          ? new Verdict(Kind.UNANSWERED_BY_DEADLINE, 0, null, what + ": no answer within the " + timeout.toMillis()
              + " ms left before the deadline (less than KNOT_CALL_TIMEOUT)" + notResent, null, circuit, null)
          : new Verdict(Kind.UNANSWERED, 0, null, what + ": no answer within the time-out (KNOT_CALL_TIMEOUT="
              + timeout.toMillis() + " ms)" + notResent, null, circuit, null);
    }
    if (failure instanceof IOException) {
      return new Verdict(Kind.UNANSWERED, 0, null, what + ": connection error (" + failure.getClass().getSimpleName()
          + ": " + failure.getMessage() + ")" + notResent, null, circuit, null);
    }
    return ofFailure(failure, what);
  }

  private static Verdict ofFailure(Throwable failure, String what) {
    if (failure instanceof KnotHttp.NotSentException) {
      return new Verdict(Kind.RETRYABLE, 0, null, what + ": " + failure.getMessage(), null, Circuit.NOT_COUNTED, null);
    }
    if (failure instanceof HttpConnectTimeoutException) {
      return retryableFailure(what + ": connecting to Knot timed out (KNOT_CALL_TIMEOUT)");
    }
    if (failure instanceof HttpTimeoutException) {
      return retryableFailure(what + ": no answer within the time-out (KNOT_CALL_TIMEOUT or the deadline)");
    }
    if (failure instanceof ConnectException) {
      return retryableFailure(what + ": connection refused or unreachable");
    }
    if (failure instanceof IOException) {
      return retryableFailure(what + ": connection error (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")");
    }
    return new Verdict(Kind.UNAVAILABLE, 0, null,
        what + ": request failed (" + failure.getClass().getSimpleName() + ")", null, Circuit.NOT_COUNTED, null);
  }

  private static Verdict retryableFailure(String detail) {
    return new Verdict(Kind.RETRYABLE, 0, null, detail, null, Circuit.FAILURE, null);
  }

  /** A failure found before Knot was called (limits full, key unacceptable, ...). */
  static Verdict local(Kind kind, String detail) {
    return new Verdict(kind, 0, null, detail, null, Circuit.NOT_COUNTED, null);
  }

  static Verdict callerFailed(RuntimeException e) {
    return new Verdict(Kind.CALLER_FAILED, 0, null, "the JWE could not be built: " + e.getClass().getSimpleName(), null, Circuit.NOT_COUNTED, e);
  }

  /** The same answer, now final (an INVALID_JWE that a key refetch could not explain). */
  Verdict asPermanent(String why) {
    return new Verdict(Kind.PERMANENT, httpStatus, knotError, detail + "; " + why, null, circuit, null);
  }

  /** Knot's error body, when the answer carries one; null for anything else. */
  static KnotError parseError(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject() || !node.hasNonNull("error_code")) {
        return null;
      }
      return new KnotError(text(node, "error_type"), text(node, "error_code"), text(node, "error_message"));
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
