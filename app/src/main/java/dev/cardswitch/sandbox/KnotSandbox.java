package dev.cardswitch.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.knot.client.KnotCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Knot's development environment (seeds 000 and 001): a real HTTP server on the
 * loopback interface serving {@code GET /jwe/key} and {@code POST /card} with Knot's checks and
 * error bodies, plus faults injected on demand ({@link SandboxFaults}) and counters ({@link
 * SandboxStats}, {@link TaskCalls}). It serves the embedded mode, the demo, the benchmark and the
 * tests, and runs alone as {@code ./card-switch sandbox}.
 *
 * <p>What it checks, in order, on {@code POST /card} (after any outage or injected answer): Basic
 * auth (401 {@code INVALID_API_KEYS}); the {@code Knot-Version: 2.0} header (Knot documents no
 * answer to a missing one: 400 {@code INVALID_REQUEST/INVALID_FIELD}); the body {@code {task_id,
 * jwe}} (400 {@code INVALID_FIELD} "the task_id field is required"); the JWE (400 {@code
 * INVALID_INPUT/INVALID_JWE} "invalid jwe", also for a JWE made for a rotated-out key); the card
 * document, with {@link CardDocumentValidator} (400 {@code INVALID_FIELD} naming the field path,
 * never its value). Then 200 {@code {"message":"Success"}}.
 *
 * <p>Delayed answers are sent from a scheduler, not by a sleeping thread, so thousands of slow
 * requests can be pending at once. In load runs, {@code verifyShare} below 1 decrypts only that
 * share of the JWEs (RSA decryption costs about 1 ms); the others are only checked for shape.
 *
 * <p>The admin endpoints under {@code /_sandbox/} ({@code stats}, {@code tasks/{id}}, {@code
 * faults}, {@code rotate-key}, {@code reset}) take no credentials: the sandbox listens on loopback
 * only. It never logs card data nor the secret.
 *
 * <p>Thread-safe.
 */
public final class KnotSandbox implements AutoCloseable {

  /** Where a same-origin redirect sends {@code POST /card}; it serves {@code /card} too. */
  public static final String ALT_CARD_PATH = "/_sandbox/redirected/card";
  public static final double DEFAULT_VERIFY_SHARE = 1.0;

  private static final Logger LOG = LoggerFactory.getLogger(KnotSandbox.class);

  final KnotCredentials credentials;
  final boolean credentialsGenerated;
  final SandboxKeys keys;
  final double verifyShare;
  final RandomGenerator random;
  final Clock clock;

  final LongAdder keyRequests = new LongAdder();
  final LongAdder cardRequests = new LongAdder();
  final LongAdder switched = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder injected = new LongAdder();
  final LongAdder verified = new LongAdder();
  final LongAdder notVerified = new LongAdder();
  final Map<Long, AtomicInteger[]> tasks = new ConcurrentHashMap<>();

  private final InetAddress host;
  private final ExecutorService handlers;
  private final ScheduledExecutorService delays;
  private final AtomicInteger injectionsLeft = new AtomicInteger(-1);
  private final SandboxHandler handler;
  private volatile SandboxFaults faults = SandboxFaults.NONE;
  private volatile LifecycleWebhooks lifecycle; // null: no lifecycle webhooks
  private HttpServer server; // guarded by this
  private int port; // guarded by this
  private ScheduledFuture<?> outageEnd; // guarded by this
  private boolean closed; // guarded by this

  private KnotSandbox(Builder b) throws IOException {
    this.host = b.host;
    if (b.credentials != null) {
      this.credentials = b.credentials;
      this.credentialsGenerated = false;
    } else {
      SecureRandom r = new SecureRandom();
      byte[] secret = new byte[16];
      r.nextBytes(secret);
      this.credentials = new KnotCredentials(UUID.randomUUID().toString(), HexFormat.of().formatHex(secret));
      this.credentialsGenerated = true;
    }
    if (!(b.verifyShare >= 0 && b.verifyShare <= 1)) {
      throw new IllegalArgumentException("verifyShare must be in [0, 1], got " + b.verifyShare);
    }
    this.verifyShare = b.verifyShare;
    this.clock = b.clock;
    this.random = b.seed == null ? new Random() : new Random(b.seed);
    this.keys = new SandboxKeys(new CardDocumentValidator(clock));
    this.handlers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("knot-sandbox-http"));
    this.delays = Executors.newSingleThreadScheduledExecutor(daemon("knot-sandbox-delays"));
    this.handler = new SandboxHandler(this);
    this.port = b.port;
    synchronized (this) {
      listen();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A sandbox on a free loopback port with generated credentials. */
  public static KnotSandbox start() {
    return builder().start();
  }

  private void listen() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 1024);
    s.createContext("/", handler);
    s.setExecutor(handlers);
    s.start();
    server = s;
    port = s.getAddress().getPort();
    LOG.info("Knot sandbox listening on {}", baseUrl());
  }

  /** {@code http://127.0.0.1:port}: the value for {@code KNOT_BASE_URL}. */
  public synchronized URI baseUrl() {
    String h = host.getHostAddress();
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port);
  }

  public synchronized int port() {
    return port;
  }

  /** The credentials the sandbox accepts. */
  public KnotCredentials credentials() {
    return credentials;
  }

  /** Whether the credentials were generated (and must be shown to the user) rather than given. */
  public boolean credentialsGenerated() {
    return credentialsGenerated;
  }

  /** The {@code kid} of the key currently served. */
  public String currentKid() {
    return keys.kid();
  }

  /** Rotates the key (new {@code kid}); JWEs for the old one fail with {@code INVALID_JWE}. */
  public String rotateKey() {
    String kid = keys.rotate();
    LOG.info("Knot sandbox key rotated to {}", kid);
    return kid;
  }

  /** The faults now in force. */
  public SandboxFaults faults() {
    return faults;
  }

  /**
   * Replaces the faults in force. Returns once they apply: after a {@link SandboxFaults.Outage#REFUSE}
   * outage, connections are refused; after one ends, they are accepted again.
   */
  public synchronized void faults(SandboxFaults next) {
    Objects.requireNonNull(next, "faults");
    if (closed) {
      throw new IllegalStateException("the sandbox is closed");
    }
    if (outageEnd != null) {
      outageEnd.cancel(false);
      outageEnd = null;
    }
    injectionsLeft.set(next.times());
    faults = next;
    try {
      if (next.outage() == SandboxFaults.Outage.REFUSE && server != null) {
        server.stop(0);
        server = null;
        LOG.info("Knot sandbox refusing connections");
      } else if (next.outage() != SandboxFaults.Outage.REFUSE && server == null) {
        listen();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the sandbox could not listen again on port " + port, e);
    }
    if (next.outage() != SandboxFaults.Outage.NONE && next.outageFor() != null) {
      SandboxFaults during = next;
      outageEnd = delays.schedule(() -> endOutage(during), next.outageFor().toNanos(), TimeUnit.NANOSECONDS);
    }
    LOG.info("Knot sandbox faults: {}", next);
  }

  private synchronized void endOutage(SandboxFaults during) {
    if (faults == during && !closed) {
      outageEnd = null;
      faults(during.toBuilder().outage(SandboxFaults.Outage.NONE).outageFor(null).build());
    }
  }

  /**
   * Sends Knot's lifecycle webhooks ({@link LifecycleWebhooks}) for every task accepted from now on,
   * to {@code settings.target()}; null stops them. Off until called.
   */
  public void lifecycleWebhooks(LifecycleWebhooks.Settings settings) {
    lifecycle = settings == null ? null : new LifecycleWebhooks(settings, random, clock, this::later);
    LOG.info("Knot sandbox lifecycle webhooks: {}", settings == null ? "off" : settings);
  }

  /** What the lifecycle webhooks delivered since they were last set; empty when they are off. */
  public LifecycleWebhooks.Stats lifecycleStats() {
    LifecycleWebhooks current = lifecycle;
    return current == null ? new LifecycleWebhooks.Stats(Map.of(), Map.of()) : current.stats();
  }

  /** Called once per accepted {@code POST /card}. */
  void switchAccepted(long taskId) {
    LifecycleWebhooks current = lifecycle;
    if (current != null) {
      current.switchAccepted(taskId);
    }
  }

  /** Clears all faults and counters; the key stays. */
  public void reset() {
    faults(SandboxFaults.NONE);
    for (LongAdder a : new LongAdder[] {keyRequests, cardRequests, switched, rejected, injected, verified, notVerified}) {
      a.reset();
    }
    tasks.clear();
  }

  public SandboxStats stats() {
    return new SandboxStats(keyRequests.sum(), cardRequests.sum(), switched.sum(), rejected.sum(), injected.sum(),
        verified.sum(), notVerified.sum(), verifyShare, tasks.size());
  }

  /** The calls received for one task (zero if none). */
  public TaskCalls calls(long taskId) {
    AtomicInteger[] c = tasks.get(taskId);
    return c == null ? new TaskCalls(taskId, 0, 0) : new TaskCalls(taskId, c[0].get(), c[1].get());
  }

  /** Takes one injected answer from the budget; false once {@code times} answers were given. */
  boolean takeInjection() {
    while (true) {
      int left = injectionsLeft.get();
      if (left < 0) {
        return true;
      }
      if (left == 0) {
        return false;
      }
      if (injectionsLeft.compareAndSet(left, left - 1)) {
        return true;
      }
    }
  }

  /** Runs {@code send} after {@code delay} without holding a thread meanwhile. */
  void later(Duration delay, Runnable send) {
    if (delay.isZero() || delay.isNegative()) {
      send.run();
      return;
    }
    try {
      delays.schedule(() -> handlers.execute(send), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: the connection is dropped with the server.
    }
  }

  /** The private key now in use, for tests that open what a client sent. */
  public com.nimbusds.jose.jwk.RSAKey currentPrivateKey() {
    return keys.privateKey();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.stop(0);
      server = null;
    }
    delays.shutdownNow();
    handlers.shutdownNow();
  }

  static void closeQuietly(HttpExchange exchange) {
    try {
      exchange.close();
    } catch (RuntimeException e) {
      // The client went away.
    }
  }

  /** Builds a {@link KnotSandbox}. Not thread-safe. */
  public static final class Builder {
    private InetAddress host = InetAddress.getLoopbackAddress();
    private int port;
    private KnotCredentials credentials;
    private double verifyShare = DEFAULT_VERIFY_SHARE;
    private Clock clock = Clock.systemUTC();
    private Long seed;

    private Builder() {}

    /** The port to listen on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The credentials to accept; generated when not given. */
    public Builder credentials(KnotCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /** The share of JWEs decrypted and validated (default 1.0: all). */
    public Builder verifyShare(double share) {
      this.verifyShare = share;
      return this;
    }

    /** The clock the card validator uses for "expiry not in the past" and Retry-After dates. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Seeds the random draws (latency, shares, sampling), for reproducible runs. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public KnotSandbox start() {
      try {
        return new KnotSandbox(this);
      } catch (IOException e) {
        throw new UncheckedIOException("the Knot sandbox could not listen on port " + port + ": choose another with --port", e);
      }
    }
  }
}
