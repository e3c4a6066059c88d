package dev.cardswitch.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The admin endpoints of a {@link KnotSandbox}, under {@code /_sandbox/}, all JSON:
 *
 * <ul>
 *   <li>{@code GET stats}: the counters ({@link SandboxStats}), with the verified share;
 *   <li>{@code GET tasks/{taskId}}: {@code {task_id, calls, successes}};
 *   <li>{@code GET faults}, {@code PUT faults} (or POST): the faults in force, replaced as a whole
 *       by the body (see {@link SandboxFaults#toJson()}); a {@code refuse} outage needs {@code
 *       outage_ms}, since this endpoint goes down with it;
 *   <li>{@code POST rotate-key}: a new key, {@code {kid}};
 *   <li>{@code POST reset}: faults and counters cleared.
 * </ul>
 *
 * Thread-safe (stateless).
 */
final class SandboxAdmin {

  private final KnotSandbox sandbox;

  SandboxAdmin(KnotSandbox sandbox) {
    this.sandbox = sandbox;
  }

  void handle(HttpExchange exchange, String route) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(64 * 1024);
    String method = exchange.getRequestMethod();
    if (route.equals("stats") && method.equals("GET")) {
      SandboxStats s = sandbox.stats();
      ObjectNode n = SandboxHandler.JSON.createObjectNode();
      n.put("key_requests", s.keyRequests()).put("card_requests", s.cardRequests()).put("switched", s.switched())
          .put("rejected", s.rejected()).put("injected_faults", s.injectedFaults())
          .put("jwe_verified", s.jweVerified()).put("jwe_not_verified", s.jweNotVerified())
          .put("verify_share", s.verifyShare()).put("tasks", s.tasks()).put("kid", sandbox.currentKid());
      ok(exchange, n);
    } else if (route.startsWith("tasks/") && method.equals("GET")) {
      long taskId;
      try {
        taskId = Long.parseLong(route.substring("tasks/".length()));
      } catch (NumberFormatException e) {
        fail(exchange, 400, "tasks/{taskId} needs a numeric task id");
        return;
      }
      TaskCalls c = sandbox.calls(taskId);
      ok(exchange, SandboxHandler.JSON.createObjectNode().put("task_id", c.taskId()).put("calls", c.calls()).put("successes", c.successes()));
    } else if (route.equals("faults") && method.equals("GET")) {
      ok(exchange, sandbox.faults().toJson());
    } else if (route.equals("faults") && (method.equals("PUT") || method.equals("POST"))) {
      SandboxFaults faults;
      try {
        JsonNode json = SandboxHandler.JSON.readTree(body);
        faults = SandboxFaults.fromJson(json);
      } catch (IOException | IllegalArgumentException e) {
        fail(exchange, 400, "bad faults: " + e.getMessage());
        return;
      }
      if (faults.outage() == SandboxFaults.Outage.REFUSE && faults.outageFor() == null) {
        fail(exchange, 400, "a refuse outage set here needs outage_ms: this endpoint goes down with the sandbox's socket");
        return;
      }
      // Answer first: a refuse outage closes this very connection.
      ok(exchange, faults.toJson());
      sandbox.faults(faults);
    } else if (route.equals("rotate-key") && method.equals("POST")) {
      ok(exchange, SandboxHandler.JSON.createObjectNode().put("kid", sandbox.rotateKey()));
    } else if (route.equals("reset") && method.equals("POST")) {
      sandbox.reset();
      ok(exchange, SandboxHandler.JSON.createObjectNode().put("reset", true));
    } else {
      fail(exchange, 404, "admin endpoints: GET stats, GET tasks/{id}, GET|PUT faults, POST rotate-key, POST reset");
    }
  }

  private static void ok(HttpExchange exchange, ObjectNode body) {
    SandboxHandler.send(exchange, 200, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void fail(HttpExchange exchange, int status, String message) {
    SandboxHandler.send(exchange, status, SandboxHandler.message(message).toString().getBytes(StandardCharsets.UTF_8));
  }
}
