package dev.cardswitch.demo;

import dev.cardswitch.ingress.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * POSTs the demo's events to card-switch's webhook ingress as Knot would: Knot's JSON body, signed
 * with the Knot secret ({@code Knot-Signature}, {@link WebhookSignature}). At most {@value
 * #MAX_IN_FLIGHT} requests are open at once; {@link #post} waits for a slot. An answer other than
 * 200 fails the event's future with the ingress's status and error body, which names the problem
 * (never card data: a webhook carries none).
 *
 * <p>Thread-safe.
 */
final class IngressPoster {

  /** Requests open at once: enough to keep the ingress busy without queueing thousands on it. */
  static final int MAX_IN_FLIGHT = 64;
  private static final String CONTENT_TYPE = "application/json";

  private final URI ingress;
  private final WebhookSignature signature;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
  private final Object roundTripsLock = new Object();
  private long[] roundTripsMicros = new long[1024];
  private int roundTrips;

  IngressPoster(URI ingress, String secret, Clock clock) {
    this.ingress = Objects.requireNonNull(ingress, "ingress");
    this.signature = new WebhookSignature(Objects.requireNonNull(secret, "secret"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  URI ingress() {
    return ingress;
  }

  /** Posts one event; the future completes with when the ingress answered 200. */
  CompletableFuture<Instant> post(PlannedEvent event) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException(DemoException.PRODUCE_FAILED, "interrupted while posting events to " + ingress);
    }
    byte[] body = event.toKnotBody(clock.instant()).getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(ingress)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", CONTENT_TYPE)
        .header(WebhookSignature.ENCRYPTION_TYPE_HEADER, WebhookSignature.HMAC_SHA256)
        .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(new WebhookSignature.SignedFields(
            Integer.toString(body.length), CONTENT_TYPE, WebhookSignature.HMAC_SHA256, PlannedEvent.AUTHENTICATED,
            event.sessionId())))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    CompletableFuture<Instant> answered;
    try {
      long sent = System.nanoTime();
      answered = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
        if (response.statusCode() != 200) {
          throw new DemoException(DemoException.PRODUCE_FAILED, "the webhook ingress " + ingress + " answered "
              + response.statusCode() + " to task " + event.taskId() + ": " + response.body());
        }
        recordRoundTrip((System.nanoTime() - sent) / 1000);
        return clock.instant();
      });
    } catch (RuntimeException e) {
      slots.release();
      throw e;
    }
    return answered.whenComplete((at, error) -> slots.release());
  }

  private void recordRoundTrip(long micros) {
    synchronized (roundTripsLock) {
      if (roundTrips == roundTripsMicros.length) {
        roundTripsMicros = java.util.Arrays.copyOf(roundTripsMicros, roundTrips * 2);
      }
      roundTripsMicros[roundTrips++] = micros;
    }
  }

  /** The round trips of the POSTs answered 200 so far: request start to answer. */
  IngressRoundTrips roundTrips() {
    synchronized (roundTripsLock) {
      return IngressRoundTrips.ofMicros(java.util.Arrays.copyOf(roundTripsMicros, roundTrips));
    }
  }
}
