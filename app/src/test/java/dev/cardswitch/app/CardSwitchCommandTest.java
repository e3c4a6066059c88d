package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CardSwitchCommandTest {

  private static String[] run(String... args) {
    CommandLine cli = CardSwitchCommand.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    int status = cli.execute(args);
    return new String[] {String.valueOf(status), out.toString()};
  }

  @Test
  void helpListsTheCommands() {
    String[] result = run("--help");
    assertEquals("0", result[0]);
    assertTrue(result[1].contains("Usage: card-switch"), result[1]);
    assertTrue(result[1].contains("version"), result[1]);
  }

  @Test
  void versionPrintsTheBuildVersionAndPinnedKafka() {
    String[] result = run("version");
    assertEquals("0", result[0]);
    assertTrue(result[1].startsWith("card-switch 0."), result[1]);
    assertTrue(result[1].contains("kafka 4."), result[1]);
  }

  @Test
  void unknownCommandFailsWithUsage() {
    CommandLine cli = CardSwitchCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int status = cli.execute("no-such-command");
    assertEquals(2, status);
    assertTrue(err.toString().contains("no-such-command"), err.toString());
  }
}
