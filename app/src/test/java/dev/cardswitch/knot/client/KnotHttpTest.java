package dev.cardswitch.knot.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class KnotHttpTest {

  @Test
  void sameOriginMeansSameSchemeHostAndPort() {
    URI knot = URI.create("https://development.knotapi.com/card");
    assertTrue(KnotHttp.sameOrigin(knot, URI.create("https://DEVELOPMENT.knotapi.com:443/v2/card")));
    assertFalse(KnotHttp.sameOrigin(knot, URI.create("http://development.knotapi.com/card")));
    assertFalse(KnotHttp.sameOrigin(knot, URI.create("https://development.knotapi.com:8443/card")));
    assertFalse(KnotHttp.sameOrigin(knot, URI.create("https://development.knotapi.com.evil.example/card")));
    assertFalse(KnotHttp.sameOrigin(knot, URI.create("/relative")));
  }

  @Test
  void aConnectTimeOutStaysATimeOutWhileOtherConnectFailuresShowTheirCause() {
    java.net.http.HttpConnectTimeoutException timedOut = new java.net.http.HttpConnectTimeoutException("HTTP connect timed out");
    timedOut.initCause(new java.net.ConnectException("HTTP connect timed out"));
    assertTrue(KnotHttp.unwrap(new java.util.concurrent.CompletionException(timedOut)) == timedOut);

    java.net.ConnectException refused = new java.net.ConnectException("Connection refused");
    assertTrue(KnotHttp.unwrap(new java.util.concurrent.CompletionException(new java.io.IOException(refused))) == refused);
  }

  @Test
  void aConnectTimeOutCutShortByTheDeadlineIsNotCountedAgainstKnot() {
    java.net.http.HttpConnectTimeoutException timedOut = new java.net.http.HttpConnectTimeoutException("HTTP connect timed out");
    timedOut.initCause(new java.net.ConnectException("HTTP connect timed out"));
    Verdict cut = Verdict.ofCard(KnotHttp.Answer.failed(KnotHttp.unwrap(timedOut)), java.time.Instant.now(),
        java.time.Duration.ofMillis(3), true);
    assertTrue(cut.circuit() == Verdict.Circuit.NOT_COUNTED, cut.toString());
    Verdict full = Verdict.ofCard(KnotHttp.Answer.failed(KnotHttp.unwrap(timedOut)), java.time.Instant.now(),
        java.time.Duration.ofSeconds(4), false);
    assertTrue(full.circuit() == Verdict.Circuit.FAILURE, "a full call time-out counts: " + full);
  }
}
