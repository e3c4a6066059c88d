package dev.cardswitch.app.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code card-switch} in a separate JVM (this test's class path), its output captured to a file.
 * For tests that kill the process.
 */
final class ChildProcess implements AutoCloseable {

  private final Process process;
  private final Path output;

  private ChildProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static ChildProcess start(Path output, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.cardswitch.app.CardSwitchCommand"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.environment().keySet().removeIf(k -> AppConfig.SETTINGS.contains(k));
    builder.environment().putAll(env);
    return new ChildProcess(builder.start(), output);
  }

  /** Waits until the output holds {@code text}; fails if the process ends first or at the timeout. */
  void awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!output().contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError("card-switch exited (" + process.exitValue() + ") before printing '" + text + "':\n"
            + output());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("card-switch did not print '" + text + "' within " + timeout + ":\n" + output());
      }
      Thread.sleep(100); // polling a log file: there is nothing to wait on
    }
  }

  String output() throws IOException {
    return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
  }

  /** SIGKILL: no shutdown hook, no flush, no commit. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then wait for a graceful exit. */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
      throw new AssertionError("card-switch did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
