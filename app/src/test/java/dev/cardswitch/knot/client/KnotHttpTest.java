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
}
