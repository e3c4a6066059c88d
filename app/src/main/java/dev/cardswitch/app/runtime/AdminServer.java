package dev.cardswitch.app.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.app.metrics.ServiceMetrics;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.ingress.IngressCounters;
import dev.cardswitch.knot.client.KnotClient;
import dev.cardswitch.topology.SwitchCounters;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The admin endpoints: {@code GET /keys} (card-switch's envelope public keys as a JWK set, the
 * current key first: what issuers encrypt card references to, seed 003's "retrieve public key"),
 * {@code GET /health} (liveness: the streams are alive; also says whether Knot refuses our
 * credentials and the Knot circuit breaker's state), {@code GET /ready} (readiness: the streams are
 * RUNNING), {@code GET /metrics} (the counters in Prometheus' text format, {@link AdminMetrics}, then
 * the service's Micrometer registry: JVM, Kafka, Resilience4j and more, see {@code ServiceMetrics}) and
 * {@code GET /stats} (heap, CPU time, garbage collections and the switch counters of this process,
 * see {@link ProcessStats}; {@code POST /stats/reset} starts the heap peaks afresh, which is what a
 * benchmark does at the start of its measured span: it changes no state of the service), and
 * {@code GET /switches/{task_id}} once {@link #handle added} (a switch task's status, see
 * {@code dev.cardswitch.status.SwitchStatusEndpoint}). Nothing
 * here holds a secret or card data. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<KafkaStreams.State> ALIVE = Set.of(KafkaStreams.State.CREATED,
      KafkaStreams.State.REBALANCING, KafkaStreams.State.RUNNING, KafkaStreams.State.PENDING_SHUTDOWN);

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static AdminServer start(String bind, int port, JwkSetKeyRing keyRing, KafkaStreams streams, KnotClient knot,
      SwitchCounters counters) {
    return start(bind, port, keyRing, streams, knot, counters, null);
  }

  /** The same, {@code GET /metrics} also exporting the webhook ingress's counters (null: no ingress). */
  public static AdminServer start(String bind, int port, JwkSetKeyRing keyRing, KafkaStreams streams, KnotClient knot,
      SwitchCounters counters, IngressCounters ingress) {
    return start(bind, port, keyRing, streams::state, knot::authenticationFailing, knot::circuitState, counters,
        new ProcessStats(counters, Clock.systemUTC()), ingress);
  }

  /** The same, given only what the endpoints read: for tests without a running Kafka Streams. */
  static AdminServer start(String bind, int port, JwkSetKeyRing keyRing, Supplier<KafkaStreams.State> streams,
      BooleanSupplier knotAuthenticationFailing, Supplier<CircuitBreaker.State> knotCircuit, SwitchCounters counters,
      ProcessStats stats) {
    return start(bind, port, keyRing, streams, knotAuthenticationFailing, knotCircuit, counters, stats, null);
  }

  static AdminServer start(String bind, int port, JwkSetKeyRing keyRing, Supplier<KafkaStreams.State> streams,
      BooleanSupplier knotAuthenticationFailing, Supplier<CircuitBreaker.State> knotCircuit, SwitchCounters counters,
      ProcessStats stats, IngressCounters ingress) {
    return start(bind, port, keyRing, streams, knotAuthenticationFailing, knotCircuit, counters, stats, ingress, null);
  }

  /**
   * The same, {@code GET /metrics} also exporting {@code metrics}' registry (JVM, Kafka, Resilience4j
   * and the meters that exist only there) after the hand-written families; null: those only.
   */
  static AdminServer start(String bind, int port, JwkSetKeyRing keyRing, Supplier<KafkaStreams.State> streams,
      BooleanSupplier knotAuthenticationFailing, Supplier<CircuitBreaker.State> knotCircuit, SwitchCounters counters,
      ProcessStats stats, IngressCounters ingress, ServiceMetrics metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (IOException e) {
      throw new SettingException(AppConfig.ADMIN_PORT, "the admin port " + bind + ":" + port + " cannot be opened ("
          + e.getMessage() + "): set ADMIN_PORT to a free port (0 picks one)");
    }
    List<JWK> publicKeys = new ArrayList<>(keyRing.publicKeys());
    byte[] keys = new JWKSet(publicKeys).toString(true).getBytes(StandardCharsets.UTF_8);
    server.createContext("/keys", exchange -> {
      if (allowGet(exchange)) {
        send(exchange, 200, "application/jwk-set+json", keys);
      }
    });
    server.createContext("/health", exchange -> {
      if (allowGet(exchange)) {
        KafkaStreams.State state = streams.get();
        Map<String, Object> body = new LinkedHashMap<>();
        boolean alive = ALIVE.contains(state);
        body.put("status", alive ? "UP" : "DOWN");
        body.put("streams", state.name());
        body.put("knot_authentication", knotAuthenticationFailing.getAsBoolean() ? "FAILING" : "OK");
        body.put("knot_circuit", knotCircuit.get().name());
        body.put("calls_in_flight", counters.inFlight());
        sendJson(exchange, alive ? 200 : 503, body);
      }
    });
    server.createContext("/metrics", exchange -> {
      if (allowGet(exchange)) {
        String text = AdminMetrics.render(streams.get(), knotAuthenticationFailing.getAsBoolean(), knotCircuit.get(),
            counters, ingress);
        if (metrics != null) {
          text += metrics.scrape();
        }
        send(exchange, 200, AdminMetrics.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8));
      }
    });
    server.createContext("/ready", exchange -> {
      if (allowGet(exchange)) {
        KafkaStreams.State state = streams.get();
        boolean ready = state == KafkaStreams.State.RUNNING;
        sendJson(exchange, ready ? 200 : 503, Map.of("ready", ready, "streams", state.name()));
      }
    });
    server.createContext("/stats", exchange -> {
      if (!"/stats".equals(exchange.getRequestURI().getPath())) {
        sendJson(exchange, 404, Map.of("error", "not found: GET /stats or POST /stats/reset"));
      } else if (allowGet(exchange)) {
        sendJson(exchange, 200, stats.snapshot());
      }
    });
    server.createContext("/stats/reset", exchange -> {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        sendJson(exchange, 405, Map.of("error", "method not allowed: use POST"));
      } else {
        exchange.getRequestBody().readAllBytes();
        stats.resetPeaks();
        sendJson(exchange, 200, stats.snapshot());
      }
    });
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "card-switch-admin");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new AdminServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Serves {@code path} (and what is below it) with {@code handler} from now on: for endpoints that
   * need what exists only once the admin port is bound (the switch status needs Kafka Streams, whose
   * {@code application.server} is this port).
   */
  public void handle(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET");
      sendJson(exchange, 405, Map.of("error", "method not allowed: use GET"));
      return false;
    }
    return true;
  }

  private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

}
