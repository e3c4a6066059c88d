package dev.cardswitch.app;

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
      SandboxCommand.class, KnotCheckCommand.class, LoadReferencesCommand.class, KeysCommand.class, StatusCommand.class,
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

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
