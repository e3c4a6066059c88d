package dev.cardswitch.app.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cardswitch.fido.FidoRequest;
import dev.cardswitch.fido.FidoRequestMinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /fido/jwt} on the admin port: mints the Cardinal FIDO request JWT for the issuer's
 * front end. Body {@code {"reference_id": "..."}} (the ReferenceId of Cardinal's FIDO Init), answer
 * {@code {"jwt": "...", "jti": "..."}}. With FIDO_GATE=off it answers 404 saying so. The request
 * JWT is signed but holds no secret; it is never logged. Thread-safe (the minter is).
 */
public final class FidoJwtEndpoint implements HttpHandler {

  public static final String PATH = "/fido/jwt";
  /** A reference id is tens of bytes; anything much larger is not a request for this endpoint. */
  static final int MAX_BODY_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FidoRequestMinter minter;

  private FidoJwtEndpoint(FidoRequestMinter minter) {
    this.minter = minter;
  }

  public static FidoJwtEndpoint minting(FidoRequestMinter minter) {
    return new FidoJwtEndpoint(java.util.Objects.requireNonNull(minter, "minter"));
  }

  /** The endpoint with FIDO_GATE=off: 404 with the fix. */
  public static FidoJwtEndpoint off() {
    return new FidoJwtEndpoint(null);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, Map.of("error", "not found: POST " + PATH));
        return;
      }
      if (minter == null) {
        send(exchange, 404, Map.of("error", "the Cardinal FIDO gate is off (FIDO_GATE=off): set FIDO_GATE=audit or"
            + " required, with CARDINAL_API_KEY_ID, CARDINAL_API_KEY, CARDINAL_ORG_UNIT_ID and CARDINAL_RETURN_URL"));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(exchange, 405, Map.of("error", "method not allowed: use POST with {\"reference_id\": \"...\"}"));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        send(exchange, 413, Map.of("error", "the body is larger than " + MAX_BODY_BYTES
            + " bytes: send {\"reference_id\": \"...\"}"));
        return;
      }
      String referenceId;
      try {
        JsonNode node = JSON.readTree(body);
        JsonNode ref = node == null ? null : node.get("reference_id");
        referenceId = ref != null && ref.isTextual() && !ref.asText().isBlank() ? ref.asText() : null;
      } catch (IOException e) {
        referenceId = null;
      }
      if (referenceId == null) {
        send(exchange, 400, Map.of("error", "send {\"reference_id\": \"...\"}: the ReferenceId Cardinal returned"
            + " from the FIDO Init request"));
        return;
      }
      FidoRequest request = minter.mint(referenceId);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("jwt", request.jwt());
      answer.put("jti", request.jti());
      send(exchange, 200, answer);
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
