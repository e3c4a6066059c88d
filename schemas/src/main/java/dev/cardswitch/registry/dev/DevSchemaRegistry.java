package dev.cardswitch.registry.dev;

import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.registry.BasicCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development schema registry: Confluent's REST subset served in-process over HTTP, so the
 * service and standard registry clients run without a Confluent installation. Endpoints: {@code
 * POST /subjects/{s}/versions} (register; idempotent; one global id per schema; BACKWARD-checked,
 * 409 when incompatible), {@code POST /subjects/{s}} (look up), {@code GET /subjects}, {@code GET
 * /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/{v|latest}[/schema]}, {@code GET
 * /schemas/ids/{id}[/schema|/versions|/subjects]}, {@code POST
 * /compatibility/subjects/{s}/versions/{v|latest}[?verbose=true]}, {@code GET /config}.
 * Registrations live in a {@link SchemaStore}: in memory by default, or a Kafka topic ({@link
 * KafkaSchemaStore}) so ids survive restarts.
 *
 * <pre>{@code
 * try (DevSchemaRegistry registry = DevSchemaRegistry.builder().build().start()) {
 *   String url = registry.url();   // http://127.0.0.1:<ephemeral port>
 * }
 * }</pre>
 *
 * <p>Binds 127.0.0.1 by default: it has no authorization beyond optional basic authentication
 * and is not meant to be exposed. Thread-safe; {@link #close()} closes the store too.
 */
public final class DevSchemaRegistry implements AutoCloseable {

  /** Loopback only: a development tool must not be reachable from the network by default. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** 0: an ephemeral port, so parallel runs and tests never collide; read it with {@link #url()}. */
  public static final int DEFAULT_PORT = 0;
  /** Enough for a handful of producers and consumers fetching schemas at start-up. */
  public static final int DEFAULT_THREADS = 4;

  private static final Logger log = LoggerFactory.getLogger(DevSchemaRegistry.class);

  private final String host;
  private final int requestedPort;
  private final int threads;
  private final SchemaCatalog catalog;
  private final RegistryHttpHandler handler;
  private final boolean authenticated;
  private HttpServer server;
  private ExecutorService executor;

  private DevSchemaRegistry(Builder builder) {
    this.host = builder.host;
    this.requestedPort = builder.port;
    this.threads = builder.threads;
    this.catalog = new SchemaCatalog(builder.store);
    this.handler = new RegistryHttpHandler(catalog, builder.credentials);
    this.authenticated = builder.credentials != null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the store, then starts serving. Returns this registry, for chaining.
   *
   * @throws SchemaStoreException when the store cannot be loaded
   * @throws UncheckedIOException when the port cannot be bound
   */
  public synchronized DevSchemaRegistry start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    catalog.start();
    HttpServer bound;
    try {
      bound = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
    } catch (IOException e) {
      catalog.close();
      throw new UncheckedIOException(
          "Development schema registry cannot listen on "
              + host
              + ":"
              + requestedPort
              + " ("
              + e.getMessage()
              + "): choose another port, or 0 for an ephemeral one",
          e);
    }
    executor = Executors.newFixedThreadPool(threads, new NamedDaemonThreads());
    bound.setExecutor(executor);
    bound.createContext("/", handler);
    bound.start();
    server = bound;
    log.info(
        "Development schema registry listening on {} (store: {}{})",
        url(),
        catalog.describeStore(),
        authenticated ? ", basic authentication required" : "");
    return this;
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:39017}. */
  public synchronized String url() {
    return "http://" + host + ":" + port();
  }

  /** The port actually bound (the ephemeral one when configured with 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  /** HTTP requests received since start, answered or refused: lets tests check client caching. */
  public long requestCount() {
    return handler.requestCount();
  }

  /** Stops serving at once and closes the store. Idempotent. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
      catalog.close();
      log.info("Development schema registry stopped");
    }
  }

  /** Builds a {@link DevSchemaRegistry}; not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int threads = DEFAULT_THREADS;
    private SchemaStore store;
    private BasicCredentials credentials;

    private Builder() {}

    /** The address to bind; {@value DevSchemaRegistry#DEFAULT_HOST} unless exposure is intended. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 for an ephemeral one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Where registrations live; an {@link InMemorySchemaStore} when not set. The registry owns it. */
    public Builder store(SchemaStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Require these basic-auth credentials on every request (401 otherwise). */
    public Builder requireCredentials(BasicCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    public DevSchemaRegistry build() {
      if (store == null) {
        store = new InMemorySchemaStore();
      }
      return new DevSchemaRegistry(this);
    }
  }

  private static final class NamedDaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "dev-schema-registry-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
