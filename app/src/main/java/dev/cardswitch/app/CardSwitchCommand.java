package dev.cardswitch.app;

import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./card-switch} command line: one subcommand per job. This class only wires the
 * subcommands together; each job lives in its own class.
 */
@Command(
    name = "card-switch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = {
      "Pushes cardholders' new card details to merchants through Knot's CardSwitcher,",
      "inside Knot's 15-second window, without exposing card data.",
      ""
    },
    subcommands = {
      DemoCommand.class, BenchCommand.class, SoakCommand.class, RunCommand.class, StackCommand.class,
      SandboxCommand.class, KnotCheckCommand.class, LoadReferencesCommand.class, KeysCommand.class, ReplayCommand.class,
      StatusCommand.class,
      VersionCommand.class, CommandLine.HelpCommand.class},
    footer = {
      "",
      "Embedded by default: Kafka broker, schema registry, Knot sandbox.",
      "Each is replaced by the real one when configured:",
      "KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, KNOT_BASE_URL."
    })
public final class CardSwitchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand given: show what there is to run.
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line; separate from {@link #main} so tests can run it in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new CardSwitchCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** JVM property sizing the common fork-join pool; read once, when that pool is first used. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** JVM property: seconds the JDK HTTP client keeps an idle connection for reuse (JDK default 1,200). */
  static final String HTTP_KEEPALIVE_TIMEOUT = "jdk.httpclient.keepalive.timeout";

  /** Idle seconds after which the Knot client drops a pooled connection rather than reuse it. */
  static final String HTTP_KEEPALIVE_SECONDS = "15";

  /** JVM property: keep-alive connections the JDK's HTTP server keeps idle (JDK default 200). */
  static final String HTTP_SERVER_MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";

  /** At least the Knot client's most calls in flight against the sandbox ({@code AppConfig.SANDBOX_MAX_IN_FLIGHT}). */
  static final String HTTP_SERVER_IDLE_CONNECTIONS = "1024";

  /**
   * JVM defaults this process needs, set before any pool or client reads them; a value given with
   * {@code -D} (JAVA_OPTS) wins.
   */
  static void defaultJvmProperties(Properties properties, int cores) {
    // The JDK HTTP client hands each sendAsync completion to CompletableFuture's default executor,
    // which on a machine of 2 cores or fewer (common pool parallelism 1) starts a new thread per
    // task: a thread per POST /card. Two pool threads make it a queue instead.
    if (cores <= 2) {
      properties.putIfAbsent(COMMON_POOL_PARALLELISM, "2");
    }
    // Servers and load balancers close idle connections after tens of seconds (the JDK's own server
    // after 30 s); a POST /card written to a connection the server has just closed fails with no
    // answer, and is not retried since Knot may have it. Dropping idle connections first avoids that.
    properties.putIfAbsent(HTTP_KEEPALIVE_TIMEOUT, HTTP_KEEPALIVE_SECONDS);
    // The embedded Knot sandbox (and the other JDK servers here) closes a connection after its answer
    // when 200 are idle already: at 1,000 switches/s and 200 ms about 200 calls are in flight, so
    // connections were closed and opened again all the time, a TCP handshake per call on both sides.
    properties.putIfAbsent(HTTP_SERVER_MAX_IDLE_CONNECTIONS, HTTP_SERVER_IDLE_CONNECTIONS);
  }

  public static void main(String[] args) {
    defaultJvmProperties(System.getProperties(), Runtime.getRuntime().availableProcessors());
    System.exit(commandLine().execute(args));
  }
}
