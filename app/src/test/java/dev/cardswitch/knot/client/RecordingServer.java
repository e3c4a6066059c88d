package dev.cardswitch.knot.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A second origin for redirect tests: records every request it receives (method, path, headers,
 * body) and answers 200, or a 307 to a given URL, or (see {@link #closingEveryConnection()}) closes
 * the connection without answering. Thread-safe.
 */
public final class RecordingServer implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String path, Map<String, List<String>> headers, String body) {}

  private final HttpServer server;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private volatile URI redirectTo;
  private volatile boolean dropping;

  /** A server that reads and records each request, then closes the connection without an answer. */
  public static RecordingServer closingEveryConnection() {
    RecordingServer server = new RecordingServer();
    server.dropping = true;
    return server;
  }

  public RecordingServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
      URI to = redirectTo;
      if (dropping) {
        exchange.close(); // before any response header: the connection is closed unanswered
        return;
      }
      if (to != null) {
        exchange.getResponseHeaders().set("Location", to.toString());
        exchange.sendResponseHeaders(307, -1);
      } else {
        byte[] ok = "{\"message\":\"Success\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, ok.length);
        exchange.getResponseBody().write(ok);
      }
      exchange.close();
    });
    server.start();
  }

  /** From now on, answer every request with a 307 to {@code target}. */
  public void redirectTo(URI target) {
    this.redirectTo = target;
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public List<Received> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
