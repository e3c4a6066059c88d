package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.replay.ReplayException;
import dev.cardswitch.replay.ReplayOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code replay}: help with examples, options into a replay, bad options. */
class ReplayCommandTest {

  @Test
  void helpExplainsTheDryRunAndShowsExamples() {
    CommandLine cli = CardSwitchCommand.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("replay", "--help"));
    String help = out.toString();
    assertTrue(help.contains("Usage: card-switch replay"), help);
    assertTrue(help.contains("--execute") && help.contains("dry run"), help);
    assertTrue(help.contains("Examples:") && help.contains("./card-switch replay --reason NO_CARD_REFERENCE"), help);
    StringWriter top = new StringWriter();
    cli.setOut(new PrintWriter(top));
    cli.execute("--help");
    assertTrue(top.toString().contains("replay"), top.toString());
  }

  @Test
  void turnsTheOptionsIntoADryRunUnlessExecuteIsGiven() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    ReplayCommand command = new ReplayCommand();
    new CommandLine(command).parseArgs("--reason", "no_card_reference,KNOT_UNAVAILABLE", "--merchant", "10",
        "--task", "1", "--task", "2", "--from", "2h ago", "--to", "now");
    ReplayOptions options = command.options(clock);
    assertTrue(!options.execute() && !options.force());
    assertEquals(ReplayOptions.DEFAULT_RATE, options.rate());
    assertEquals("reason=KNOT_UNAVAILABLE,NO_CARD_REFERENCE from=2026-11-25T10:00:00Z to=2026-11-25T12:00:00Z"
        + " merchant=10 task=1,2", options.filter().describe());

    ReplayCommand executed = new ReplayCommand();
    new CommandLine(executed).parseArgs("--execute", "--force", "--rate", "5");
    ReplayOptions run = executed.options(clock);
    assertTrue(run.execute() && run.force());
    assertEquals(5, run.rate());
  }

  @Test
  void badOptionsExitWithStatusTwoNamingTheOption() {
    assertBadOption("--reason", "replay", "--reason", "NOT_A_REASON");
    assertBadOption("--from", "replay", "--from", "last tuesday");
    assertBadOption("--rate", "replay", "--rate", "0");
  }

  /** Runs the command line; it must exit with 2 and one line on standard error starting with the option. */
  private static void assertBadOption(String option, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = CardSwitchCommand.commandLine().execute(args);
    } finally {
      System.setErr(original);
    }
    String message = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(2, status, message);
    assertTrue(message.startsWith("card-switch replay: " + option), message);
    assertTrue(!message.contains(ReplayException.class.getName()) && message.lines().count() == 1, message);
  }
}
