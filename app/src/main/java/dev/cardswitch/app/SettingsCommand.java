package dev.cardswitch.app;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What the commands that start card-switch or its embedded parts share: settings from environment
 * variables or same-named flags, {@code --fresh}, and a configuration error reported as one line
 * naming the setting and the fix (exit status 2).
 */
abstract class SettingsCommand implements Callable<Integer> {

  @Option(names = "--fresh", description = "Delete the embedded broker's data and the local state first.")
  boolean fresh;

  @CommandLine.Unmatched
  List<String> settings = new ArrayList<>();

  @Override
  public final Integer call() throws Exception {
    AppConfig config;
    try {
      config = Launch.configure(System.getenv(), settingFlags());
      validateOptions();
    } catch (CardSwitchException | IllegalArgumentException e) {
      System.err.println("card-switch: " + e.getMessage());
      return 2;
    }
    if (fresh) {
      Launch.wipe(config, System.err);
    }
    try {
      return run(config);
    } catch (CardSwitchException e) {
      System.err.println("card-switch: " + e.getMessage());
      return 1;
    }
  }

  /** The setting flags the configuration is read from: those given, and any a command's own options imply. */
  List<String> settingFlags() {
    return settings;
  }

  /** Checks the command's own options before anything starts; throws with a message naming the option. */
  void validateOptions() {}

  abstract int run(AppConfig config) throws Exception;
}
