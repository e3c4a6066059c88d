package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.sandbox.KnotSandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SandboxCommandTest {

  private record Started(KnotSandbox sandbox, CompletableFuture<Integer> exit, StringWriter out, CountDownLatch stop) {}

  private static Started start(Map<String, String> env, String... args) throws Exception {
    CompletableFuture<KnotSandbox> started = new CompletableFuture<>();
    CountDownLatch stop = new CountDownLatch(1);
    CommandLine cli = new CommandLine(new SandboxCommand(env, started, stop));
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
    return new Started(started.get(30, TimeUnit.SECONDS), exit, out, stop);
  }

  @Test
  void printsItsUrlAndGeneratedCredentialsAndServesKnotsKey() throws Exception {
    Started s = start(Map.of(), "--port", "0");
    try {
      String out = s.out().toString();
      assertTrue(out.contains("export KNOT_BASE_URL=" + s.sandbox().baseUrl()), out);
      assertTrue(out.contains("export KNOT_CLIENT_ID=" + s.sandbox().credentials().clientId()), out);
      assertTrue(out.contains("export KNOT_SECRET=" + s.sandbox().credentials().revealSecret()), out);
      HttpResponse<String> key = HttpClient.newHttpClient().send(HttpRequest.newBuilder(s.sandbox().baseUrl().resolve("/jwe/key"))
          .header("Authorization", s.sandbox().credentials().basicAuthorization()).header("Knot-Version", "2.0").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, key.statusCode());
    } finally {
      s.stop().countDown();
    }
    assertEquals(0, s.exit().get(30, TimeUnit.SECONDS));
  }

  @Test
  void usesCredentialsFromTheEnvironmentWithoutPrintingTheSecret() throws Exception {
    Started s = start(Map.of("KNOT_CLIENT_ID", "issuer-1", "KNOT_SECRET", "a-secret-from-env"), "--port", "0");
    try {
      assertEquals("issuer-1", s.sandbox().credentials().clientId());
      assertFalse(s.out().toString().contains("a-secret-from-env"), s.out().toString());
    } finally {
      s.stop().countDown();
    }
    assertEquals(0, s.exit().get(30, TimeUnit.SECONDS));
  }

  @Test
  void refusesHalfTheCredentials() {
    CommandLine cli = new CommandLine(new SandboxCommand(Map.of("KNOT_CLIENT_ID", "x"), new CompletableFuture<>(), new CountDownLatch(0)));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("--port", "0"));
    assertTrue(err.toString().contains("KNOT_SECRET is not set"), err.toString());
  }

  @Test
  void isListedByTheLauncher() {
    StringWriter out = new StringWriter();
    CommandLine cli = CardSwitchCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    assertTrue(out.toString().contains("sandbox"), out.toString());
    assertTrue(out.toString().contains("knot-check"), out.toString());
  }
}
