package dev.cardswitch.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every request of a {@link KnotSandbox}: Knot's two endpoints, the redirect target, and
 * the admin endpoints ({@link SandboxAdmin}). Thread-safe (stateless; state lives in the sandbox).
 */
final class SandboxHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxHandler.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private final KnotSandbox sandbox;
  private final SandboxAdmin admin;

  SandboxHandler(KnotSandbox sandbox) {
    this.sandbox = sandbox;
    this.admin = new SandboxAdmin(sandbox);
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getPath();
      boolean alt = path.equals(KnotSandbox.ALT_CARD_PATH);
      if (path.startsWith("/_sandbox/") && !alt) {
        admin.handle(exchange, path.substring("/_sandbox/".length()));
      } else if (sandbox.faults().outage() == SandboxFaults.Outage.UNAVAILABLE) {
        sandbox.injected.increment();
        reply(exchange, 503, message("Service Unavailable (sandbox outage)"), Duration.ZERO);
      } else if (alt) {
        card(exchange, true);
      } else if (path.equals("/jwe/key")) {
        key(exchange);
      } else if (path.equals("/card")) {
        card(exchange, false);
      } else {
        reply(exchange, 404, message("no such endpoint: the sandbox serves GET /jwe/key and POST /card"), Duration.ZERO);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("sandbox request failed: {}", e.getClass().getSimpleName());
      KnotSandbox.closeQuietly(exchange);
    }
  }

  private void key(HttpExchange exchange) throws IOException {
    sandbox.keyRequests.increment();
    exchange.getRequestBody().readAllBytes();
    if (!"GET".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET");
      reply(exchange, 405, knotError("INVALID_REQUEST", "INVALID_FIELD", "GET is the only method of /jwe/key"), Duration.ZERO);
      return;
    }
    ObjectNode refusal = authenticate(exchange);
    if (refusal != null) {
      reply(exchange, status(refusal), refusal, Duration.ZERO);
      return;
    }
    byte[] jwk = sandbox.keys.publicJwkJson().getBytes(StandardCharsets.UTF_8);
    send(exchange, 200, jwk);
  }

  private void card(HttpExchange exchange, boolean redirected) throws IOException {
    sandbox.cardRequests.increment();
    byte[] raw = readBody(exchange);
    JsonNode body = parse(raw);
    SandboxFaults faults = sandbox.faults();
    Duration delay = faults.latency().sample(sandbox.random);
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      reply(exchange, 405, knotError("INVALID_REQUEST", "INVALID_FIELD", "POST is the only method of /card"), delay);
      return;
    }
    Long taskId = body != null && body.path("task_id").canConvertToLong() && body.path("task_id").isIntegralNumber()
        ? body.get("task_id").asLong()
        : null;

    if (!redirected && faults.redirect() != SandboxFaults.Redirect.NONE && sandbox.takeInjection()) {
      sandbox.injected.increment();
      String location = faults.redirect() == SandboxFaults.Redirect.SAME_ORIGIN
          ? KnotSandbox.ALT_CARD_PATH
          : faults.redirectTarget().toString();
      exchange.getResponseHeaders().set("Location", location);
      reply(exchange, faults.redirectStatus(), message("moved"), delay);
      return;
    }
    AtomicInteger[] counts = taskId == null ? null
        : sandbox.tasks.computeIfAbsent(taskId, id -> new AtomicInteger[] {new AtomicInteger(), new AtomicInteger()});
    if (counts != null) {
      counts[0].incrementAndGet();
    }
    if (!redirected && injected(exchange, faults, delay)) {
      return;
    }

    ObjectNode refusal = authenticate(exchange);
    if (refusal == null) {
      refusal = checkBody(body);
    }
    if (refusal == null) {
      boolean verify = sandbox.verifyShare >= 1.0 || sandbox.random.nextDouble() < sandbox.verifyShare;
      SandboxKeys.Check check = sandbox.keys.check(body.get("jwe").asText(), verify);
      (verify ? sandbox.verified : sandbox.notVerified).increment();
      if (!check.accepted()) {
        refusal = knotError(check.errorType(), check.errorCode(), check.message());
      }
    }
    if (refusal != null) {
      sandbox.rejected.increment();
      LOG.debug("POST /card task {}: {} {}", taskId, status(refusal), refusal.path("error_code").asText());
      reply(exchange, status(refusal), refusal, delay);
      return;
    }
    sandbox.switched.increment();
    counts[1].incrementAndGet();
    LOG.debug("POST /card task {}: 200", taskId);
    ObjectNode ok = JSON.createObjectNode().put("message", "Success");
    reply(exchange, 200, ok, delay);
    sandbox.switchAccepted(taskId);
  }

  /** A 5xx or 429 drawn from the faults' shares, within their budget; true if one was sent. */
  private boolean injected(HttpExchange exchange, SandboxFaults faults, Duration delay) {
    if (faults.errorShare() > 0 && sandbox.random.nextDouble() < faults.errorShare() && sandbox.takeInjection()) {
      sandbox.injected.increment();
      int status = faults.errorStatuses().get(sandbox.random.nextInt(faults.errorStatuses().size()));
      reply(exchange, status, message("sandbox: injected " + status), delay);
      return true;
    }
    if (faults.throttleShare() > 0 && sandbox.random.nextDouble() < faults.throttleShare() && sandbox.takeInjection()) {
      sandbox.injected.increment();
      exchange.getResponseHeaders().set("Retry-After", faults.retryAfterAsDate()
          ? DateTimeFormatter.RFC_1123_DATE_TIME.format(
              sandbox.clock.instant().plusSeconds(faults.retryAfterSeconds()).atOffset(ZoneOffset.UTC))
          : String.valueOf(faults.retryAfterSeconds()));
      reply(exchange, 429, message("Too Many Requests"), delay);
      return true;
    }
    return false;
  }

  /** Knot's 401 for bad credentials or a 400 for a missing Knot-Version; null when both are fine. */
  private ObjectNode authenticate(HttpExchange exchange) {
    boolean revoked = sandbox.faults().rejectCredentials();
    if (revoked) {
      sandbox.injected.increment();
    }
    if (revoked || !sandbox.credentials.matchesAuthorization(exchange.getRequestHeaders().getFirst("Authorization"))) {
      // Seed 001's example 401 body, which has no display_message.
      ObjectNode n = JSON.createObjectNode();
      n.put("error_type", "INVALID_INPUT").put("error_code", "INVALID_API_KEYS")
          .put("error_message", "Invalid client_id or secret provided.");
      return n.put("_status", 401);
    }
    String version = exchange.getRequestHeaders().getFirst("Knot-Version");
    if (version == null) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the Knot-Version header is required");
    }
    if (!version.trim().equals("2.0")) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the Knot-Version header must be 2.0");
    }
    return null;
  }

  private static ObjectNode checkBody(JsonNode body) {
    if (body == null || !body.isObject()) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the request body must be a JSON object");
    }
    JsonNode task = body.get("task_id");
    if (task == null || task.isNull()) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the task_id field is required");
    }
    if (!task.isIntegralNumber() || !task.canConvertToLong()) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the task_id field must be a number");
    }
    JsonNode jwe = body.get("jwe");
    if (jwe == null || jwe.isNull() || (jwe.isTextual() && jwe.asText().isEmpty())) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the jwe field is required");
    }
    if (!jwe.isTextual()) {
      return knotError("INVALID_REQUEST", "INVALID_FIELD", "the jwe field must be a string");
    }
    return null;
  }

  /** Knot's error body as seed 000 shows it; the status travels in {@code _status} until sent. */
  static ObjectNode knotError(String type, String code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error_type", type).put("error_code", code).put("error_message", message).putNull("display_message");
    return n.put("_status", 400);
  }

  static ObjectNode message(String text) {
    return JSON.createObjectNode().put("message", text);
  }

  private static int status(ObjectNode n) {
    return n.path("_status").asInt(400);
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      return body.length > MAX_BODY ? new byte[0] : body;
    }
  }

  private static JsonNode parse(byte[] raw) {
    try {
      return raw.length == 0 ? null : JSON.readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }

  /** Sends {@code body} (its {@code _status} member removed) after {@code delay}. */
  void reply(HttpExchange exchange, int status, ObjectNode body, Duration delay) {
    body.remove("_status");
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    sandbox.later(delay, () -> send(exchange, status, bytes));
  }

  static void send(HttpExchange exchange, int status, byte[] bytes) {
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } catch (IOException e) {
      // The client went away (timed out, or gave up): nothing to tell it.
    } finally {
      KnotSandbox.closeQuietly(exchange);
    }
  }
}
