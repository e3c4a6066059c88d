package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Properties;
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

  @Test
  void onTwoCoresTheCommonPoolGetsTwoThreadsAndIdleHttpConnectionsAreDroppedEarly() {
    Properties p = new Properties();
    CardSwitchCommand.defaultJvmProperties(p, 2);
    assertEquals("2", p.getProperty(CardSwitchCommand.COMMON_POOL_PARALLELISM));
    int keepAlive = Integer.parseInt(p.getProperty(CardSwitchCommand.HTTP_KEEPALIVE_TIMEOUT));
    assertTrue(keepAlive > 0 && keepAlive < 30, "below the JDK server's 30 s idle close: " + keepAlive);
  }

  @Test
  void theJdkServersKeepAsManyIdleConnectionsAsKnotCallsMayBeInFlight() {
    Properties p = new Properties();
    CardSwitchCommand.defaultJvmProperties(p, 2);
    int idle = Integer.parseInt(p.getProperty(CardSwitchCommand.HTTP_SERVER_MAX_IDLE_CONNECTIONS));
    assertTrue(idle >= dev.cardswitch.app.runtime.AppConfig.SANDBOX_MAX_IN_FLIGHT,
        "the sandbox must not close connections the client reuses: " + idle);
  }

  @Test
  void onMoreCoresTheCommonPoolKeepsItsDefault() {
    Properties p = new Properties();
    CardSwitchCommand.defaultJvmProperties(p, 8);
    assertNull(p.getProperty(CardSwitchCommand.COMMON_POOL_PARALLELISM));
  }

  @Test
  void valuesGivenWithDashDWin() {
    Properties p = new Properties();
    p.setProperty(CardSwitchCommand.COMMON_POOL_PARALLELISM, "7");
    p.setProperty(CardSwitchCommand.HTTP_KEEPALIVE_TIMEOUT, "120");
    CardSwitchCommand.defaultJvmProperties(p, 1);
    assertEquals("7", p.getProperty(CardSwitchCommand.COMMON_POOL_PARALLELISM));
    assertEquals("120", p.getProperty(CardSwitchCommand.HTTP_KEEPALIVE_TIMEOUT));
  }
}
