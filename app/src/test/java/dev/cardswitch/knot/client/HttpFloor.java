package dev.cardswitch.knot.client;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.bench.LatencyDistribution;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * What one {@code POST /card} costs the service's HTTP client, by protocol: the Knot client's own
 * JDK client ({@link KnotClient#httpClient}) and request path ({@link KnotHttp#postJson}) against a
 * server answering after Knot's latency, at a steady rate. The floor under the bench's "HTTP client"
 * figure (docs/BENCHMARKS.md item 25), and what a real Knot over https costs beside the loopback
 * sandbox's plain HTTP/1.1.
 *
 * <ul>
 *   <li>{@code h1}: HTTP/1.1 over plain http, as the service talks to the sandbox (here to Jetty);
 *   <li>{@code h2c}: HTTP/2 over plain http (the JDK client upgrades its connection on a first GET);
 *   <li>{@code h1-tls}: HTTP/1.1 over TLS 1.3;
 *   <li>{@code h2-tls}: HTTP/2 over TLS 1.3 by ALPN, as the service talks to an https Knot that offers it;
 *   <li>{@code h1-jdk}: HTTP/1.1 over plain http to the JDK's own server ({@code com.sun.net.httpserver},
 *       what the sandbox runs on), answering as the sandbox does: the headers, then the body.
 * </ul>
 *
 * <p>The servers (Jetty, HTTP/1.1 and HTTP/2 on one plain and one TLS port, a self-signed key made
 * by {@code keytool}; the JDK's on a third port) run in this process on their own named threads.
 * The CPU counted is that of the client's threads only, read per thread: the JDK client's selector
 * thread, the caller's thread (which calls {@code sendAsync} as the service's card crypto threads
 * do) and the common pool (which JDK 17's client hands each completion to). Neither the servers,
 * the JIT nor the GC is in it. The rate rises over the first half of the warm-up: HTTP/1.1 over
 * TLS started cold at 800/s opens thousands of connections at once and never recovers.
 * Run: {@code mvn -B -q -pl app -am -Phttp-floor -DskipTests verify} with
 * {@code -Dhttp.args="--protocols h1,h1-jdk,h2c,h1-tls,h2-tls --rate 800 --seconds 30 --warmup 80 --rounds 2"}.
 *
 * <p>A measuring program, not part of the product. Not thread-safe.
 */
public final class HttpFloor {

  private static final List<String> PROTOCOLS = List.of("h1", "h2c", "h1-tls", "h2-tls", "h1-jdk");
  private static final byte[] ANSWER = "{\"message\":\"Success\"}".getBytes(StandardCharsets.US_ASCII);
  private static final String STORE_PASSWORD = "http-floor";
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final double rate;
  private final int latencyMs;
  private final byte[] body;
  /** The servers' ports, known once they have started. */
  private int plainPort;
  private int tlsPort;
  private int jdkPort;
  /** Requests the server saw, by the protocol it saw them in ("HTTP/1.1", "HTTP/2.0"). */
  private final Map<String, LongAdder> seenByProtocol = new ConcurrentHashMap<>();
  /** The connections those requests came on. */
  private final Set<String> connections = ConcurrentHashMap.newKeySet();

  private HttpFloor(double rate, int latencyMs, int bodyBytes) {
    this.rate = rate;
    this.latencyMs = latencyMs;
    this.body = cardBody(bodyBytes);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    double rate = Double.parseDouble(options.getOrDefault("rate", "800"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "80"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
    int latencyMs = Integer.parseInt(options.getOrDefault("latency-ms", "200"));
    int bodyBytes = Integer.parseInt(options.getOrDefault("body-bytes", "1800"));
    List<String> protocols = List.of(options.getOrDefault("protocols", String.join(",", PROTOCOLS)).split(","));
    for (String protocol : protocols) {
      if (!PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException("unknown protocol " + protocol + ": expected some of " + PROTOCOLS);
      }
    }
    Path work = Files.createTempDirectory("http-floor-");
    Path keyStore = selfSignedKeyStore(work);
    // As the launcher sets it for the sandbox: the JDK's server keeps up to 1,024 idle connections.
    System.setProperty("sun.net.httpserver.maxIdleConnections", "1024");
    // The Knot client uses the JVM's default SSL context: it must trust the floor's key.
    System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", STORE_PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "floor-server-delay"));
    Server server = new Server(new QueuedThreadPool(16, 4, 60_000, -1, null, null, null));
    ((QueuedThreadPool) server.getThreadPool()).setName("floor-server");
    List<String> json = new ArrayList<>();
    HttpServer jdkServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    ExecutorService jdkHandlers = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), r -> new Thread(r, "floor-jdk-server"));
    try {
      ServerConnector[] connectors = connectors(server, keyStore);
      HttpFloor floor = new HttpFloor(rate, latencyMs, bodyBytes);
      server.setHandler(floor.handler(delays));
      server.start();
      floor.plainPort = connectors[0].getLocalPort();
      floor.tlsPort = connectors[1].getLocalPort();
      jdkServer.createContext("/", floor.jdkHandler(delays, jdkHandlers));
      jdkServer.setExecutor(jdkHandlers);
      jdkServer.start();
      floor.jdkPort = jdkServer.getAddress().getPort();
      for (int round = 1; round <= rounds; round++) {
        for (String protocol : protocols) {
          json.add(floor.run(protocol, round, warmup, seconds));
        }
      }
    } finally {
      server.stop();
      jdkServer.stop(0);
      jdkHandlers.shutdownNow();
      delays.shutdownNow();
      try (var paths = Files.walk(work)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println("{\"rate\":" + rate + ",\"seconds\":" + seconds + ",\"warmup\":" + warmup + ",\"latency_ms\":" + latencyMs
        + ",\"body_bytes\":" + bodyBytes + ",\"runs\":[" + String.join(",", json) + "]}");
  }

  /** One protocol: a fresh client, a warm-up, then the measured span; its JSON object. */
  private String run(String protocol, int round, int warmupSeconds, int seconds) throws Exception {
    boolean tls = protocol.endsWith("-tls");
    HttpClient.Version version = protocol.startsWith("h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    URI base = URI.create((tls ? "https://localhost:" + tlsPort
        : "http://127.0.0.1:" + (protocol.equals("h1-jdk") ? jdkPort : plainPort)) + "/");
    HttpClient client = KnotClient.httpClient(version, Duration.ofSeconds(10));
    KnotHttp http = new KnotHttp(client, new KnotCredentials("floor-client", "floor-secret"), 0, Clock.systemUTC());
    URI card = base.resolve("card");
    // A first GET alone opens the connection (and over h2c makes the upgrade): the calls then share it.
    KnotHttp.Answer first = http.get(base.resolve("ping"), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
    if (first.failure() != null || first.response().statusCode() != 200) {
      throw new IllegalStateException(protocol + ": the first GET failed: " + first);
    }
    seenByProtocol.clear();
    connections.clear();
    Calls calls = new Calls();
    Thread caller = new Thread(() -> offer(http, card, calls, warmupSeconds / 2), "floor-caller");
    caller.start();
    progress(protocol + " warm-up", calls, warmupSeconds);
    Map<Long, GroupCpu> before = clientThreadCpu();
    long answeredBefore = calls.answered.sum();
    calls.measuring = true;
    long start = System.nanoTime();
    progress(protocol, calls, seconds);
    Map<Long, GroupCpu> after = clientThreadCpu();
    long answered = calls.answered.sum() - answeredBefore;
    calls.measuring = false;
    calls.offering = false;
    double span = (System.nanoTime() - start) / 1e9;
    caller.join();
    calls.drain(Duration.ofSeconds(30));
    // JDK 17's client has no shutdown: its selector thread ends once the client is collected.
    Map<String, Double> perCall = new LinkedHashMap<>();
    for (String group : List.of("selector", "caller", "common_pool")) {
      perCall.put(group, 0.0);
    }
    // Per thread, from its time before (0 if it started in between); an earlier run's selector
    // thread that ends in between drops out instead of counting negative.
    after.forEach((id, now) -> {
      GroupCpu then = before.get(id);
      perCall.merge(now.group(), (now.nanos() - (then == null ? 0 : then.nanos())) / 1e6 / answered, Double::sum);
    });
    double total = perCall.values().stream().mapToDouble(Double::doubleValue).sum();
    // Nearest rank over whole milliseconds, as the bench reports its latencies.
    LatencyDistribution latencies = LatencyDistribution.of(Arrays.stream(calls.latencies()).map(n -> n / 1_000_000).toArray());
    double p50 = latencies.count() == 0 ? Double.NaN : latencies.percentile(50);
    double p99 = latencies.count() == 0 ? Double.NaN : latencies.percentile(99);
    String seen = seenByProtocol.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().sum()).sorted().reduce((a, b) -> a + ", " + b).orElse("none") + " on " + connections.size() + " connections";
    System.out.printf(Locale.ROOT, "%-6s round %d: %d answered in %.1f s (%.1f/s), %d failed, p50 %.0f ms, p99 %.0f ms;"
            + " client CPU per call %.3f ms (selector %.3f, caller %.3f, common pool %.3f); the server saw %s%n",
        protocol, round, answered, span, answered / span, calls.failed.sum(), p50, p99,
        total, perCall.get("selector"), perCall.get("caller"), perCall.get("common_pool"), seen);
    return String.format(Locale.ROOT, "{\"protocol\":\"%s\",\"round\":%d,\"answered\":%d,\"calls_per_s\":%.1f,\"failed\":%d,"
            + "\"p50_ms\":%.0f,\"p99_ms\":%.0f,\"cpu_ms_per_call\":%.3f,\"selector_ms\":%.3f,\"caller_ms\":%.3f,\"common_pool_ms\":%.3f}",
        protocol, round, answered, answered / span, calls.failed.sum(), p50, p99,
        total, perCall.get("selector"), perCall.get("caller"), perCall.get("common_pool"));
  }

  /** What the calls did: counted always, timed while measuring. */
  private static final class Calls {
    final LongAdder answered = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicLong inFlight = new AtomicLong();
    final List<long[]> timed = new ArrayList<>();
    volatile boolean measuring;
    /** Cleared once the span is read: the caller thread lives until then, so its CPU is counted. */
    volatile boolean offering = true;
    private long[] current = new long[65_536];
    private int size;

    synchronized void time(long nanos) {
      if (size == current.length) {
        timed.add(current);
        current = new long[current.length];
        size = 0;
      }
      current[size++] = nanos;
    }

    synchronized long[] latencies() {
      int n = timed.size() * current.length + size;
      long[] all = new long[n];
      int at = 0;
      for (long[] full : timed) {
        System.arraycopy(full, 0, all, at, full.length);
        at += full.length;
      }
      System.arraycopy(current, 0, all, at, size);
      return all;
    }

    void drain(Duration atMost) {
      long end = System.nanoTime() + atMost.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < end) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // waiting for the last answers, not a result
      }
    }
  }

  /**
   * Calls {@code POST /card} from this thread, as the crypto threads do, until told to stop: the
   * rate rises from a tenth to all of it over {@code rampSeconds} (a cold client opening hundreds of
   * TLS connections at once only handshakes), then holds. The calls due are sent every 10 ms, so
   * that the pacing's own wake-ups cost this thread little per call.
   */
  private void offer(KnotHttp http, URI card, Calls calls, int rampSeconds) {
    double ramp = Math.max(1, rampSeconds);
    long start = System.nanoTime();
    long sent = 0;
    while (calls.offering) {
      double t = (System.nanoTime() - start) / 1e9;
      // Calls due by t: the integral of a rate rising linearly from rate/10 to rate over the ramp.
      double due = t < ramp
          ? rate * (0.1 * t + 0.9 * t * t / (2 * ramp))
          : rate * (0.1 * ramp + 0.9 * ramp / 2 + (t - ramp));
      for (; sent < (long) due; sent++) {
        send(http, card, calls);
      }
      LockSupport.parkNanos(TICK_NANOS); // pacing the load
    }
  }

  private void send(KnotHttp http, URI card, Calls calls) {
    long sent = System.nanoTime();
    calls.inFlight.incrementAndGet();
    http.postJson(card, body, Duration.ofSeconds(15)).whenComplete((answer, failure) -> {
      calls.inFlight.decrementAndGet();
      if (failure == null && answer.failure() == null && answer.response().statusCode() == 200) {
        calls.answered.increment();
        if (calls.measuring) {
          calls.time(System.nanoTime() - sent);
        }
      } else {
        calls.failed.increment();
      }
    });
  }

  private static void progress(String what, Calls calls, int seconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      long left = end - System.nanoTime();
      LockSupport.parkNanos(Math.min(left, PROGRESS_EVERY.toNanos())); // the span's length, not a result
      System.err.printf(Locale.ROOT, "%s: %d answered, %d failed, %d in flight%n",
          what, calls.answered.sum(), calls.failed.sum(), calls.inFlight.get());
    }
  }

  /** One live thread's group and CPU so far, in nanoseconds. */
  private record GroupCpu(String group, long nanos) {}

  /** The client's live threads by thread id, with their CPU so far. */
  private static Map<Long, GroupCpu> clientThreadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, GroupCpu> byThread = new LinkedHashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      String name = info.getThreadName();
      String group = name.startsWith("HttpClient-") ? "selector"
          : name.equals("floor-caller") ? "caller"
          : name.startsWith("ForkJoinPool.commonPool") ? "common_pool"
          : null;
      long nanos = group == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
      if (nanos >= 0) {
        byThread.put(info.getThreadId(), new GroupCpu(group, nanos));
      }
    }
    return byThread;
  }

  /** Answers every request after the latency (± 20 %), as the sandbox does, without holding a thread. */
  private Handler handler(ScheduledExecutorService delays) {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        seenByProtocol.computeIfAbsent(request.getConnectionMetaData().getProtocol(), p -> new LongAdder()).increment();
        connections.add(request.getConnectionMetaData().getId());
        Content.Source.consumeAll(request, Callback.from(() -> {
          long delay = "/ping".equals(request.getHttpURI().getPath())
              ? 0 : Math.round(latencyMs * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
          delays.schedule(() -> {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, ANSWER.length);
            response.write(true, ByteBuffer.wrap(ANSWER), callback);
          }, delay, TimeUnit.MILLISECONDS);
        }, callback::failed));
        return true;
      }
    };
  }

  /**
   * The same answers from the JDK's server, as the sandbox gives them (SandboxHandler.send): the
   * delay on a scheduler, then the headers and the body in two writes from a handler thread.
   */
  private HttpHandler jdkHandler(ScheduledExecutorService delays, ExecutorService handlers) {
    return exchange -> {
      seenByProtocol.computeIfAbsent(exchange.getProtocol() + " (JDK server)", p -> new LongAdder()).increment();
      connections.add(exchange.getRemoteAddress().toString());
      exchange.getRequestBody().readAllBytes();
      long delay = "/ping".equals(exchange.getRequestURI().getPath())
          ? 0 : Math.round(latencyMs * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
      delays.schedule(() -> handlers.execute(() -> {
        try {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, ANSWER.length);
          exchange.getResponseBody().write(ANSWER);
        } catch (java.io.IOException e) {
          // the client went away: nothing to tell it
        } finally {
          exchange.close();
        }
      }), delay, TimeUnit.MILLISECONDS);
    };
  }

  /** A plain port (HTTP/1.1, and HTTP/2 by upgrade) and a TLS port (HTTP/2 or HTTP/1.1 by ALPN). */
  private static ServerConnector[] connectors(Server server, Path keyStore) {
    HttpConfiguration config = new HttpConfiguration();
    HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
    h2c.setMaxConcurrentStreams(4096);
    ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(config), h2c);
    plain.setHost("127.0.0.1");
    plain.setAcceptQueueSize(1024);

    HttpConfiguration tlsConfig = new HttpConfiguration(config);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    tlsConfig.addCustomizer(secure);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(keyStore.toString());
    ssl.setKeyStorePassword(STORE_PASSWORD);
    ssl.setKeyStoreType("PKCS12");
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(tlsConfig);
    h2.setMaxConcurrentStreams(4096);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
    alpn.setDefaultProtocol("http/1.1");
    ServerConnector secured = new ServerConnector(server,
        new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, new HttpConnectionFactory(tlsConfig));
    secured.setHost("127.0.0.1");
    secured.setAcceptQueueSize(1024);
    server.addConnector(plain);
    server.addConnector(secured);
    return new ServerConnector[] {plain, secured};
  }

  /** A P-256 key and self-signed certificate for localhost, made by the JDK's keytool. */
  private static Path selfSignedKeyStore(Path dir) throws Exception {
    Path store = dir.resolve("floor.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "floor", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool could not make the floor's key: " + output);
    }
    return store;
  }

  /** A body the size of the service's {@code POST /card}: a task id and a compact JWE of random bytes. */
  private static byte[] cardBody(int bytes) {
    String prefix = "{\"task_id\":\"floor-task\",\"card\":\"";
    String suffix = "\"}";
    char[] jwe = new char[Math.max(0, bytes - prefix.length() - suffix.length())];
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Random random = new Random(6);
    for (int i = 0; i < jwe.length; i++) {
      jwe[i] = i % 300 == 299 ? '.' : alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return (prefix + new String(jwe) + suffix).getBytes(StandardCharsets.US_ASCII);
  }

  private static Map<String, String> options(String[] args) {
    List<String> known = List.of("protocols", "rate", "seconds", "warmup", "rounds", "latency-ms", "body-bytes");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name) || i + 1 == args.length) {
        throw new IllegalArgumentException("expected --protocols h1,h2c,h1-tls,h2-tls,h1-jdk, --rate N, --seconds N, --warmup N,"
            + " --rounds N, --latency-ms N or --body-bytes N; got " + args[i] + (i + 1 == args.length ? " without a value" : ""));
      }
      options.put(name, args[i + 1]);
    }
    return options;
  }
}
