package dev.cardswitch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.app.runtime.BlockingKnotGateway;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One card-switch service as a separate process ({@code java -cp <the app's class path>
 * dev.cardswitch.app.CardSwitchCommand run}), so that its CPU time, heap and resident memory are
 * its own, apart from the broker's, the registry's and the Knot sandbox's in the benchmark's JVM.
 * Its output (stdout and stderr) is copied to a log file as it comes; the lines it prints at start
 * say when it runs and on which admin port, which this class watches for.
 *
 * <p>Thread-safe: the output is read by a daemon thread of its own.
 */
final class ServiceProcess implements AutoCloseable {

  /** The main class of the card-switch command line. */
  static final String MAIN_CLASS = "dev.cardswitch.app.CardSwitchCommand";

  private static final Pattern ADMIN_PORT = Pattern.compile("admin endpoints: http://[^:/]+:(\\d+)/");
  private static final String RUNNING = "card-switch is running";
  private static final int TAIL_LINES = 30;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<Integer> adminPort = new CompletableFuture<>();
  private final CompletableFuture<Void> running = new CompletableFuture<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
  private volatile boolean blockingBaseline;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code card-switch run} in a new JVM.
   *
   * @param javaOptions options of the JVM, e.g. {@code -Xmx512m}
   * @param classPath the class path holding card-switch and its libraries
   * @param env the whole environment of the process (nothing is inherited beyond it)
   * @param log where its output goes (replaced)
   */
  static ServiceProcess start(String name, List<String> javaOptions, String classPath, Map<String, String> env,
      Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-cp", classPath, MAIN_CLASS, "run"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      ServiceProcess service = new ServiceProcess(name, builder.start(), log);
      Thread reader = new Thread(service::copyOutput, "card-switch-bench-" + name + "-output");
      reader.setDaemon(true);
      reader.start();
      return service;
    } catch (IOException e) {
      throw new BenchException(BenchException.SERVICE_FAILED, "could not start " + name + " (" + command.get(0)
          + "): " + e.getMessage(), e);
    }
  }

  private void copyOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        Matcher port = ADMIN_PORT.matcher(line);
        if (port.find()) {
          adminPort.complete(Integer.parseInt(port.group(1)));
        }
        if (line.contains(RUNNING)) {
          running.complete(null);
        }
        if (line.contains(BlockingKnotGateway.ENABLED_MESSAGE)) {
          blockingBaseline = true;
        }
      }
    } catch (IOException e) {
      // The process is gone or the log cannot be written: the futures below say so.
    } finally {
      BenchException ended = new BenchException(BenchException.SERVICE_FAILED, name + " ended before it ran ("
          + exitDescription() + "): see " + log + "\n" + tail());
      adminPort.completeExceptionally(ended);
      running.completeExceptionally(ended);
    }
  }

  private String exitDescription() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? "exit status " + process.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "exit status unknown";
    }
  }

  /**
   * Waits until the service says it runs (its streams reached RUNNING).
   *
   * @throws BenchException if it ends first, or at the timeout (with the end of its log)
   */
  void awaitRunning(Duration timeout) throws InterruptedException {
    try {
      running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      adminPort.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (BenchException) e.getCause();
    } catch (TimeoutException e) {
      throw new BenchException(BenchException.SERVICE_FAILED, name + " did not reach RUNNING within " + timeout
          + ": see " + log + "\n" + tail());
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Whether the service said it blocks its stream threads on Knot (the baseline is on). */
  boolean blockingBaseline() {
    return blockingBaseline;
  }

  /** The admin port, once the service printed it. */
  int adminPort() {
    return adminPort.getNow(-1);
  }

  /** Whether {@code GET /ready} answers 200 now. */
  boolean ready() {
    try {
      return send(HttpRequest.newBuilder(admin("/ready")).GET()).statusCode() == 200;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** {@code GET /stats} of the service. */
  JsonNode stats() {
    return json(send(HttpRequest.newBuilder(admin("/stats")).GET()));
  }

  /** {@code POST /stats/reset}: the heap peaks start afresh; returns the stats just after. */
  JsonNode resetStats() {
    return json(send(HttpRequest.newBuilder(admin("/stats/reset")).POST(HttpRequest.BodyPublishers.noBody())));
  }

  /** CPU time of the process so far: from {@code /proc}, else from {@code /stats}. */
  Duration cpuTime() {
    Optional<Duration> proc = ProcFs.cpuTime(pid());
    return proc.orElseGet(() -> Duration.ofNanos(stats().path("process_cpu_ns").asLong(-1)));
  }

  /** Whether the CPU time comes from {@code /proc} (else from the JVM's own count). */
  boolean cpuFromProc() {
    return ProcFs.cpuTime(pid()).isPresent();
  }

  private URI admin(String path) {
    int port = adminPort();
    if (port < 0) {
      throw new IllegalStateException(name + " has not printed its admin port yet");
    }
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(HTTP_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(name + "'s admin endpoint did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException(BenchException.SERVICE_FAILED, "interrupted while asking " + name + " for its stats", e);
    }
  }

  private JsonNode json(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new BenchException(BenchException.SERVICE_FAILED, name + " answered " + response.statusCode() + " to "
          + response.request().uri().getPath() + ": is it a card-switch with the /stats endpoint?");
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BenchException(BenchException.SERVICE_FAILED, name + "'s " + response.request().uri().getPath()
          + " is not JSON", e);
    }
  }

  /** The last lines of its output. */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** SIGTERM: the service stops gracefully (calls in flight finish, the streams close). */
  void terminate() {
    process.destroy();
  }

  /**
   * Waits for the process to end; SIGKILL at the timeout.
   *
   * @return whether it ended within the timeout
   */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    process.destroyForcibly();
    process.waitFor();
    return false;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ServiceProcess[" + name + ", pid " + process.pid() + ", log " + log + "]";
  }
}
