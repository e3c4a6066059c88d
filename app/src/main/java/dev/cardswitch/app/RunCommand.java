package dev.cardswitch.app;

import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.CardSwitchService;
import dev.cardswitch.app.runtime.Launch;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code card-switch run}: the service, until SIGTERM or Ctrl-C. Settings come from environment
 * variables or the same-named flags ({@code --knot-base-url} for {@code KNOT_BASE_URL}).
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
    "Run card-switch until SIGTERM or Ctrl-C (graceful stop).",
    "Unconfigured parts (Kafka, schema registry, Knot) are started embedded.",
    "Settings: environment variables or --name value (see the README)."})
public final class RunCommand extends SettingsCommand {

  @Override
  int run(AppConfig config) throws Exception {
    PrintStream out = System.out;
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        // Let the main thread close the service (calls in flight finish or stay pending for re-drive);
        // the JVM halts when this hook returns.
        closed.await(CardSwitchService.CLOSE_TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "card-switch-shutdown"));
    try (Launch launch = Launch.start(config, out)) {
      launch.awaitRunning(Duration.ofMinutes(2));
      out.println("card-switch is running: Ctrl-C or SIGTERM stops it");
      out.flush();
      stop.await();
      out.println("card-switch: stopping");
    } finally {
      closed.countDown();
    }
    return 0;
  }
}
