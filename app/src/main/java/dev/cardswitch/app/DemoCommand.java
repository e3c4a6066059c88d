package dev.cardswitch.app;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.demo.Demo;
import dev.cardswitch.demo.DemoReport;
import dev.cardswitch.demo.DemoSettings;
import dev.cardswitch.demo.DemoTargets;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch demo}: the main job on the embedded default (or against the configured real
 * parts): starts card-switch, plays a switching campaign of generated users, cards and events through
 * it, reads the results back and reports. Exit status 0 only if every event got exactly the result
 * it should.
 */
@Command(name = "demo", description = {
    "Run card-switch on the embedded default (broker, registry, Knot sandbox) and play a switching",
    "campaign through it: generated card references and AUTHENTICATED events, a progress bar,",
    "then a summary and one JSON line. Configured real parts replace the embedded ones."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--events", description = "Events to play (default: ${DEFAULT-VALUE}).")
  int events = DemoSettings.DEFAULT_EVENTS;

  @Option(names = "--rate", description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate = DemoSettings.DEFAULT_RATE;

  @Option(names = "--seed", description = "Seed of the generated users, cards and mix (default: ${DEFAULT-VALUE}).")
  long seed = DemoSettings.DEFAULT_SEED;

  @Option(names = "--fresh", description = "Delete the embedded broker's data and the local state first.")
  boolean fresh;

  @CommandLine.Unmatched
  List<String> settings = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    AppConfig config;
    DemoSettings demo;
    try {
      config = Launch.configure(System.getenv(), settings);
      demo = DemoSettings.builder().events(events).seed(seed).rate(rate).build();
    } catch (CardSwitchException | IllegalArgumentException e) {
      err.println("card-switch: " + e.getMessage());
      return 2;
    }
    if (fresh) {
      Launch.wipe(config, err);
    }
    try (Launch launch = Launch.start(config, err).awaitRunning(Duration.ofMinutes(2))) {
      DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
          launch.service().keyRing().currentPublicKey(), config.topology(), launch.stack().sandbox().orElse(null));
      DemoReport report = Demo.run(demo, targets, out, err);
      out.flush();
      return report.exitCode();
    } catch (CardSwitchException e) {
      err.println("card-switch: " + e.getMessage());
      return 1;
    }
  }
}
