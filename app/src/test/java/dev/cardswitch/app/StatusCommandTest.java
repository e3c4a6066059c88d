package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code card-switch status} against an admin endpoint on 127.0.0.1 that answers as card-switch
 * does (the real endpoint with two instances is {@code SwitchStatusTwoInstancesTest}).
 */
class StatusCommandTest {

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new StatusCommand(env));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** An endpoint answering every path with {@code status} and {@code body}; returns its base URL. */
  private String answering(int status, String body) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/switches/", exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static final String DEAD = "{\"task_id\":408321,\"status\":\"DEAD_LETTERED\",\"reason\":\"NO_CARD_REFERENCE\","
      + "\"detail\":\"no card reference for card_id card-9 arrived before the deadline: load it\",\"replayable\":true,"
      + "\"knot_error_code\":null,\"card_id\":\"card-9\",\"card_last_four\":null,"
      + "\"merchant\":{\"id\":10,\"name\":\"Uber\"},\"attempts\":0,\"received_at\":\"2026-11-25T10:00:00Z\","
      + "\"deadline_at\":\"2026-11-25T10:00:15Z\",\"completed_at\":\"2026-11-25T10:00:15.100Z\",\"history\":["
      + "{\"at\":\"2026-11-25T10:00:00Z\",\"kind\":\"WEBHOOK\",\"event_type\":\"AUTHENTICATED\",\"status\":\"PENDING\"},"
      + "{\"at\":\"2026-11-25T10:00:15.100Z\",\"kind\":\"DEAD_LETTER\",\"reason\":\"NO_CARD_REFERENCE\","
      + "\"status\":\"DEAD_LETTERED\"}],\"history_dropped\":0,\"served_by\":\"10.0.0.7:8080\"}";

  @Test
  void printsTheStateItsMeaningAndTheHistory() throws Exception {
    Run run = run(Map.of(), "--admin-url", answering(200, DEAD), "408321");

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("task 408321: DEAD_LETTERED  (the card could not be sent; see the reason)"), run.out());
    assertTrue(run.out().contains("reason:     NO_CARD_REFERENCE (replayable once the cause is fixed)"), run.out());
    assertTrue(run.out().contains("merchant:   Uber (id 10)"), run.out());
    assertTrue(run.out().contains("2026-11-25T10:00:15.100Z  DEAD_LETTER NO_CARD_REFERENCE  -> DEAD_LETTERED"), run.out());
    assertTrue(run.out().contains("answered by 10.0.0.7:8080"), run.out());
  }

  @Test
  void jsonPrintsTheEndpointsLine() throws Exception {
    Run run = run(Map.of(), "--admin-url", answering(200, DEAD), "--json", "408321");

    assertEquals(0, run.exit());
    assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(DEAD),
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()));
    assertEquals(1, run.out().strip().lines().count());
  }

  @Test
  void anUnknownTaskExitsOneWithTheEndpointsMessage() throws Exception {
    Run run = run(Map.of(), "--admin-url", answering(404,
        "{\"task_id\":7,\"error\":\"UNKNOWN_TASK\",\"message\":\"no record of task 7 has been read: check the task id\"}"),
        "7");
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("no record of task 7 has been read"), run.err());
  }

  @Test
  void rebalancingExitsThreeSayingToRetry() throws Exception {
    Run run = run(Map.of(), "--admin-url", answering(503,
        "{\"task_id\":7,\"error\":\"UNAVAILABLE\",\"message\":\"the instances are rebalancing: ask again in 2 s\"}"),
        "7");
    assertEquals(3, run.exit());
    assertTrue(run.err().contains("ask again in 2 s"), run.err());
  }

  @Test
  void noInstanceAnsweringNamesTheFix() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Run run = run(Map.of("ADMIN_PORT", Integer.toString(closed)), "1");

    assertEquals(2, run.exit());
    assertEquals("status: no card-switch answered at http://127.0.0.1:" + closed
        + ": start it (./card-switch run) or pass --admin-url (or set ADMIN_PORT to its admin port)", run.err().strip());
  }

  @Test
  void aBadUrlOrTaskIdIsAUsageError() {
    assertEquals(2, run(Map.of(), "--admin-url", "127.0.0.1:8080", "1").exit());
    assertEquals(2, run(Map.of(), "card-1").exit());
  }

  @Test
  void helpHasExamples() {
    StringWriter out = new StringWriter();
    CommandLine cli = CardSwitchCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("status", "--help"));
    assertTrue(out.toString().contains("Examples:"), out.toString());
    assertTrue(out.toString().contains("./card-switch status 408321 --json"), out.toString());
  }
}
