package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.cardswitch.demo.Demo;
import dev.cardswitch.demo.DemoCardinal;
import dev.cardswitch.demo.DemoReport;
import dev.cardswitch.demo.DemoSettings;
import dev.cardswitch.demo.DemoTargets;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.fido.FidoGateMode;
import dev.cardswitch.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./card-switch demo --fido required} on the embedded default: the gate end to end. */
class FidoDemoEndToEndTest {

  @TempDir Path dataDir;

  @Test
  void requiredSwitchesTheAuthenticatedCardsAndDeadLettersThePlannedShareWithoutShowingATokenAnywhere()
      throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0",
        "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0",
        "TOPIC_PARTITIONS", "3"));
    // As `demo --fido required` passes it.
    AppConfig config = Launch.configure(env, List.of("--fido-gate", "required"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (LogCapture logs = LogCapture.capture(Level.DEBUG);
        Launch launch = Launch.start(config, new PrintStream(err, true)).awaitRunning(Duration.ofSeconds(90))) {
      DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
          launch.service().keyRing().currentPublicKey(), config.topology(), launch.stack().sandbox().orElseThrow());
      DemoReport report = Demo.run(DemoSettings.builder().events(200).seed(3)
              .fido(new DemoCardinal(config.cardinal().orElseThrow(), FidoGateMode.REQUIRED, Clock.systemUTC()))
              .build(),
          targets, new PrintStream(out, true), new PrintStream(err, true));

      String printed = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, report.exitCode(), printed);
      int unauthenticated = report.expectedCounts().get(ExpectedResult.CARDHOLDER_NOT_AUTHENTICATED);
      assertEquals(6, unauthenticated);
      assertEquals(unauthenticated, report.results().byReason()
          .get(dev.cardswitch.schemas.DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED).intValue(), printed);
      int switched = report.expectedCounts().get(ExpectedResult.SWITCHED);
      assertTrue(printed.contains("\"knot_calls\":" + switched + ","), "no card of an unauthenticated cardholder"
          + " reaches Knot: " + printed);
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("fido gate:       required"), err.toString());
      String everything = printed + err + logs.text();
      assertFalse(everything.matches("(?s).*eyJ[A-Za-z0-9_-]{10,}\\.eyJ.*"), "no JWT in the output or the logs");
    }
  }
}
