package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SoakCommandTest {

  private static String[] run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int status = CardSwitchCommand.commandLine().execute(args);
      return new String[] {String.valueOf(status), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void namesTheScalesItKnows() {
    String[] result = run("soak", "--scale", "huge");
    assertEquals("2", result[0]);
    assertTrue(result[1].contains("--scale is \"huge\": use soak or ci"), result[1]);
  }

  @Test
  void listsTheFaultsWhenNoneMatches() {
    String[] result = run("soak", "--only", "meteor strike");
    assertEquals("2", result[0]);
    assertTrue(result[1].contains("no fault matches --only [meteor strike]"), result[1]);
    assertTrue(result[1].contains("Knot outage") && result[1].contains("SIGKILL at random points"), result[1]);
  }

  @Test
  void describesTheMachineItRanOn() {
    String machine = SoakCommand.machine();
    assertTrue(machine.matches("\\d+ vCPU.*, .*\\d+(\\.\\d+)*.*"), machine);
    assertTrue(machine.startsWith(Runtime.getRuntime().availableProcessors() + " vCPU"), machine);
  }
}
