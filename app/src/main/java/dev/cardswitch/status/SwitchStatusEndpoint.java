package dev.cardswitch.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /switches/{task_id}} on the admin port: the task's status from whichever instance
 * holds it. Here: 200 with the status ({@link SwitchStatusJson}), or 404 when no record of the task
 * was read. On another instance: the request is forwarded once to the owner's admin endpoint and its
 * answer returned as it is (a forwarded request is marked, so two instances that disagree about the
 * owner answer 503 instead of passing it back and forth). While the instances rebalance or a store
 * restores, or the owner does not answer: 503 with {@code Retry-After}. Errors are JSON
 * ({@code error}, {@code message}, {@code task_id}). Thread-safe.
 */
public final class SwitchStatusEndpoint implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchStatusEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The path prefix this endpoint serves. */
  public static final String PATH = "/switches/";
  /** Marks a request one instance forwarded to another. */
  static final String FORWARDED_HEADER = "X-Card-Switch-Forwarded-By";
  /** A rebalance or a restore of a small store takes seconds: ask again soon. */
  static final int RETRY_AFTER_SECONDS = 2;
  /** Bounds the wait for the owner: an admin request must not hang on a dead instance. */
  public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(5);
  private static final Set<Integer> RELAYED = Set.of(200, 404, 503);

  private final StatusLookup lookup;
  private final String self;
  private final HttpClient http;
  private final Duration forwardTimeout;

  /**
   * @param self this instance's advertised admin endpoint (host:port), reported as {@code served_by}
   */
  public SwitchStatusEndpoint(StatusLookup lookup, String self, Duration forwardTimeout) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.self = Objects.requireNonNull(self, "self");
    this.forwardTimeout = Objects.requireNonNull(forwardTimeout, "forwardTimeout");
    this.http = HttpClient.newBuilder().connectTimeout(forwardTimeout).followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** For an instance whose status store is off: every request is a 404 that says so. */
  public static HttpHandler off(String setting) {
    return exchange -> {
      exchange.getRequestBody().readAllBytes();
      send(exchange, 404, error(null, "SWITCH_STATUS_OFF", "this card-switch keeps no switch status (" + setting
          + "=off): set " + setting + "=on and restart it, or ask another instance"));
    };
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, error(null, "METHOD_NOT_ALLOWED", "use GET " + PATH + "{task_id}"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String id = path.startsWith(PATH) ? path.substring(PATH.length()) : "";
      long taskId;
      try {
        if (!id.matches("[0-9]{1,19}")) {
          throw new NumberFormatException();
        }
        taskId = Long.parseLong(id);
      } catch (NumberFormatException e) {
        String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
        send(exchange, 400, error(null, "BAD_TASK_ID", "\"" + shown + "\" is not a task id: give Knot's task_id,"
            + " a positive whole number, as in GET " + PATH + "408321"));
        return;
      }
      answer(exchange, taskId);
    }
  }

  private void answer(HttpExchange exchange, long taskId) throws IOException {
    StatusLookup.Answer answer = lookup.find(taskId);
    if (answer instanceof StatusLookup.Found found) {
      send(exchange, 200, SwitchStatusJson.of(taskId, found.status(), self));
    } else if (answer instanceof StatusLookup.Missing) {
      send(exchange, 404, error(taskId, "UNKNOWN_TASK", "no record of task " + taskId + " has been read: check the"
          + " task id (Knot's task_id of the AUTHENTICATED webhook), and that the webhook reached the webhook topic"));
    } else if (answer instanceof StatusLookup.Elsewhere owner) {
      forward(exchange, taskId, owner);
    } else {
      unavailable(exchange, taskId, ((StatusLookup.Unavailable) answer).why());
    }
  }

  private void forward(HttpExchange exchange, long taskId, StatusLookup.Elsewhere owner) throws IOException {
    String from = exchange.getRequestHeaders().getFirst(FORWARDED_HEADER);
    if (from != null) {
      // The instance that sent this here thinks it is ours; we think it is someone else's: the
      // assignment is changing. Answer rather than pass the request on again.
      unavailable(exchange, taskId, "the instances disagree about who holds task " + taskId + " (" + from
          + " sent it here, this instance points to " + owner.endpoint() + "): a rebalance is under way");
      return;
    }
    URI uri = URI.create("http://" + owner.endpoint() + PATH + taskId);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(forwardTimeout).header(FORWARDED_HEADER, self)
        .GET().build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      unavailable(exchange, taskId, "the instance holding task " + taskId + " (" + owner.endpoint()
          + ") did not answer within " + forwardTimeout.toMillis() + " ms");
      return;
    } catch (IOException e) {
      LOG.warn("switch status: the instance at {} holding task {} did not answer ({})", owner.endpoint(), taskId,
          e.getClass().getSimpleName());
      unavailable(exchange, taskId, "the instance holding task " + taskId + " (" + owner.endpoint()
          + ") could not be reached (" + e.getClass().getSimpleName() + "): it may be restarting; if this lasts,"
          + " check that its ADMIN_ADVERTISED_HOST and ADMIN_PORT are reachable from here");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unavailable(exchange, taskId, "interrupted while asking " + owner.endpoint());
      return;
    }
    if (!RELAYED.contains(response.statusCode())) {
      unavailable(exchange, taskId, "the instance holding task " + taskId + " (" + owner.endpoint()
          + ") answered HTTP " + response.statusCode());
      return;
    }
    response.headers().firstValue("Retry-After").ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
    sendBytes(exchange, response.statusCode(), response.body());
  }

  private static void unavailable(HttpExchange exchange, long taskId, String why) throws IOException {
    exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    Map<String, Object> body = error(taskId, "UNAVAILABLE", why + ": ask again in " + RETRY_AFTER_SECONDS + " s");
    body.put("retry_after_seconds", RETRY_AFTER_SECONDS);
    send(exchange, 503, body);
  }

  private static Map<String, Object> error(Long taskId, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task_id", taskId);
    body.put("error", code);
    body.put("message", message);
    return body;
  }

  private static void send(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
    sendBytes(exchange, status, JSON.writeValueAsBytes(body));
  }

  private static void sendBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
