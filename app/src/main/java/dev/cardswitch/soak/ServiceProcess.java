package dev.cardswitch.soak;

import dev.cardswitch.app.runtime.AppConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code card-switch run} in a separate JVM, on this JVM's class path, its output (stdout and
 * stderr) appended to a file: the application as an operator runs it, for faults that need a
 * process to kill. Settings are passed as environment variables only; every card-switch setting
 * inherited from this process's environment is removed first, so a run depends on nothing else.
 *
 * <p>Thread-safe.
 */
public final class ServiceProcess implements AutoCloseable {

  /** What {@code card-switch run} prints once its streams are RUNNING. */
  public static final String RUNNING = "card-switch is running";

  private static final Pattern ADMIN = Pattern.compile("admin endpoints: http://127\\.0\\.0\\.1:(\\d+)/keys");
  private static final Duration POLL = Duration.ofMillis(50);

  private final String name;
  private final Process process;
  private final Path output;
  private final long outputStart;
  private final Instant started;

  private ServiceProcess(String name, Process process, Path output, long outputStart, Instant started) {
    this.name = name;
    this.process = process;
    this.output = output;
    this.outputStart = outputStart;
    this.started = started;
  }

  /**
   * Starts {@code card-switch run}; returns at once (see {@link #awaitRunning}).
   *
   * @param output appended to, so an instance restarted keeps one file
   * @param jvmOptions e.g. {@code -Xmx512m}
   */
  public static ServiceProcess start(String name, Path output, Map<String, String> env, List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cardswitch.app.CardSwitchCommand", "run"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.environment().keySet().removeIf(AppConfig.SETTINGS::contains);
    builder.environment().putAll(env);
    try {
      Files.createDirectories(output.toAbsolutePath().getParent());
      long start = Files.exists(output) ? Files.size(output) : 0;
      return new ServiceProcess(name, builder.start(), output, start, Instant.now());
    } catch (IOException e) {
      throw new SoakException(SoakException.NOT_STARTED, "cannot start card-switch instance " + name + " ("
          + e.getMessage() + "): check that java is runnable at " + command.get(0), e);
    }
  }

  public String name() {
    return name;
  }

  public Instant started() {
    return started;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until this run printed that it is running. */
  public ServiceProcess awaitRunning(Duration timeout) {
    awaitOutput(RUNNING, timeout);
    return this;
  }

  /**
   * Waits until this run (not an earlier one in the same file) printed {@code text}.
   *
   * @throws SoakException if the process ends first or the timeout passes
   */
  public void awaitOutput(String text, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!thisRun().contains(text)) {
      if (!process.isAlive()) {
        throw new SoakException(SoakException.NOT_STARTED, "card-switch instance " + name + " exited ("
            + process.exitValue() + ") before printing '" + text + "'; its output is in " + output + ":\n" + tail());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new SoakException(SoakException.NOT_STARTED, "card-switch instance " + name + " did not print '" + text
            + "' within " + timeout + "; its output is in " + output + ":\n" + tail());
      }
      pause();
    }
  }

  /** The admin port this run printed, once it did. */
  public OptionalInt adminPort() {
    Matcher m = ADMIN.matcher(thisRun());
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** Everything in the output file, earlier runs of the same instance included. */
  public String output() {
    try {
      return Files.exists(output) ? new String(Files.readAllBytes(output), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path outputFile() {
    return output;
  }

  /** What this run wrote: the file from where it stood when this run started. */
  private String thisRun() {
    if (!Files.exists(output)) {
      return "";
    }
    try (var channel = Files.newByteChannel(output)) {
      long size = channel.size();
      if (size <= outputStart) {
        return "";
      }
      channel.position(outputStart);
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - outputStart));
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read on
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String tail() {
    String run = thisRun();
    return run.length() <= 4000 ? run : "…" + run.substring(run.length() - 4000);
  }

  /** SIGKILL: no shutdown hook, no flush, no commit. Returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while killing instance " + name, e);
    }
  }

  /**
   * SIGTERM, then waits for the graceful exit.
   *
   * @return the exit status (143 after the shutdown hook ran)
   * @throws SoakException if it does not exit within {@code timeout} (it is then killed)
   */
  public int stop(Duration timeout) {
    process.destroy();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new SoakException(SoakException.STOP_FAILED, "card-switch instance " + name + " did not stop within "
            + timeout + " of SIGTERM; it was killed. Its output is in " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while stopping instance " + name, e);
    }
    return process.exitValue();
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis()); // polling a log file: there is nothing to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while waiting for card-switch's output", e);
    }
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return "ServiceProcess[" + name + ", pid " + process.pid() + (process.isAlive() ? ", alive" : ", ended") + "]";
  }
}
