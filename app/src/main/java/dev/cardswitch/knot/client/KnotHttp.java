package dev.cardswitch.knot.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends one request to Knot with the headers Knot wants and follows redirects by hand, because the
 * JDK client (set to {@link HttpClient.Redirect#NEVER}) would otherwise decide what travels where.
 *
 * <p>Redirect policy:
 *
 * <ul>
 *   <li>Only to the same origin (scheme, host and port) as the request: nothing, neither the
 *       {@code Authorization} header nor the body, is ever sent to another origin; such a redirect
 *       ends the exchange with {@link Answer#refusedRedirect()} set.
 *   <li>At most {@code maxRedirects} hops; one more ends the exchange the same way.
 *   <li>307 and 308 are followed with the same method and body. For {@code POST /card}, 301, 302
 *       and 303 are not followed: they would turn the POST into a GET without body, which cannot
 *       deliver the card. For a GET, all five are followed as a GET.
 * </ul>
 *
 * <p>All hops share one time budget (the time-out of the request). Thread-safe; never blocks.
 */
final class KnotHttp {

  static final String KNOT_VERSION = "2.0";
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /**
   * How an exchange ended: exactly one of {@code response} (the final answer) and {@code failure}
   * (time-out, connection error, ...) is set; {@code refusedRedirect} explains a redirect not
   * followed, and then {@code response} is that redirect.
   */
  record Answer(Reply response, Throwable failure, String refusedRedirect) {
    static Answer of(Reply response) {
      return new Answer(response, null, null);
    }

    static Answer failed(Throwable failure) {
      return new Answer(null, failure, null);
    }

    static Answer refused(Reply response, String why) {
      return new Answer(response, null, why);
    }
  }

  /** What came back: the status, the headers and the whole body. */
  record Reply(int statusCode, HttpHeaders headers, byte[] body) {
    static Reply of(HttpResponse<byte[]> response) {
      return new Reply(response.statusCode(), response.headers(), response.body());
    }
  }

  /**
   * A request given up before it was sent (e.g. no time left for a redirect hop): unlike a time-out
   * or a connection error after sending, it cannot have reached Knot.
   */
  static final class NotSentException extends IOException {
    NotSentException(String message) {
      super(message);
    }
  }

  private final HttpClient http;
  private final KnotCredentials credentials;
  private final int maxRedirects;
  private final Clock clock;

  KnotHttp(HttpClient http, KnotCredentials credentials, int maxRedirects, Clock clock) {
    this.http = Objects.requireNonNull(http);
    this.credentials = Objects.requireNonNull(credentials);
    this.maxRedirects = maxRedirects;
    this.clock = Objects.requireNonNull(clock);
  }

  /** {@code GET uri}, redirects followed per the policy; never completes exceptionally. */
  CompletableFuture<Answer> get(URI uri, Duration timeout) {
    return send("GET", uri, null, clock.instant().plus(timeout), 0);
  }

  /** {@code POST uri} with a JSON body, redirects followed per the policy; never completes exceptionally. */
  CompletableFuture<Answer> postJson(URI uri, byte[] body, Duration timeout) {
    return send("POST", uri, body, clock.instant().plus(timeout), 0);
  }

  private CompletableFuture<Answer> send(String method, URI uri, byte[] body, Instant budgetEnd, int hops) {
    Duration left = Duration.between(clock.instant(), budgetEnd);
    if (left.isNegative() || left.isZero()) {
      return CompletableFuture.completedFuture(Answer.failed(new NotSentException("no time left to follow the redirect to " + uri.getPath())));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(left)
        .header("Authorization", credentials.basicAuthorization())
        .header("Knot-Version", KNOT_VERSION)
        .header("Accept", "application/json");
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    CompletableFuture<Reply> replied = new CompletableFuture<>();
    try {
      http.sendAsync(request.build(), info -> replyFrom(info, replied)).whenComplete((response, failure) -> {
        // A failure (time-out, connection error) arrives only here; an answer has normally been
        // taken from its body already, and then this does nothing.
        if (failure != null) {
          replied.completeExceptionally(failure);
        } else {
          replied.complete(Reply.of(response));
        }
      });
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Answer.failed(e));
    }
    return replied.handle((response, failure) -> {
          if (failure != null) {
            return CompletableFuture.completedFuture(Answer.failed(unwrap(failure)));
          }
          if (!REDIRECTS.contains(response.statusCode())) {
            return CompletableFuture.completedFuture(Answer.of(response));
          }
          return followOrRefuse(method, uri, body, budgetEnd, hops, response);
        })
        .thenCompose(f -> f);
  }

  /**
   * Reads the body whole and completes {@code replied} on the thread that read its last bytes (the
   * client's selector thread, as the client runs its stages in place), before the client's own
   * future can complete. That future is handed to the JDK's common pool first (JDK 17's
   * {@code HttpClientImpl.sendAsync}): waiting for it cost a thread wake-up per call, on the selector
   * thread and on a pool thread (docs/BENCHMARKS.md, item 20).
   */
  private static HttpResponse.BodySubscriber<byte[]> replyFrom(HttpResponse.ResponseInfo info, CompletableFuture<Reply> replied) {
    return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
      replied.complete(new Reply(info.statusCode(), info.headers(), bytes));
      return bytes;
    });
  }

  private CompletableFuture<Answer> followOrRefuse(
      String method, URI uri, byte[] body, Instant budgetEnd, int hops, Reply response) {
    int status = response.statusCode();
    String location = response.headers().firstValue("Location").orElse(null);
    if (location == null) {
      return CompletableFuture.completedFuture(Answer.refused(response, "HTTP " + status + " without a Location header"));
    }
    URI target;
    try {
      target = uri.resolve(location.trim());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(Answer.refused(response, "HTTP " + status + " with an unreadable Location header"));
    }
    if (!sameOrigin(uri, target)) {
      return CompletableFuture.completedFuture(Answer.refused(response,
          "HTTP " + status + " redirect to another origin (" + origin(target) + ") not followed: only "
              + origin(uri) + " receives credentials and card JWEs"));
    }
    if (hops >= maxRedirects) {
      return CompletableFuture.completedFuture(Answer.refused(response,
          "more than " + maxRedirects + " redirects (KNOT_MAX_REDIRECTS); last was HTTP " + status + " to " + target.getPath()));
    }
    boolean keepsMethod = status == 307 || status == 308;
    if (!keepsMethod && !method.equals("GET")) {
      return CompletableFuture.completedFuture(Answer.refused(response,
          "HTTP " + status + " to " + method + " " + uri.getPath() + " not followed: it would turn the " + method
              + " into a GET without body; only 307 and 308 are followed for a " + method));
    }
    return send(method, target, keepsMethod ? body : null, budgetEnd, hops + 1);
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && b.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && b.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  static String origin(URI u) {
    return (u.getScheme() == null ? "?" : u.getScheme().toLowerCase(Locale.ROOT)) + "://" + u.getHost() + ":" + port(u);
  }

  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof java.util.concurrent.ExecutionException) && cur.getCause() != null) {
      cur = cur.getCause();
    }
    // The JDK reports some connection failures as an IOException wrapping the real cause; but a
    // connect time-out (HttpConnectTimeoutException wrapping "ConnectException: HTTP connect timed
    // out") must stay a time-out: one cut short by the switch's deadline says nothing about Knot.
    if (cur instanceof IOException && !(cur instanceof HttpTimeoutException)
        && cur.getCause() instanceof java.net.ConnectException) {
      return cur.getCause();
    }
    return cur;
  }
}
