package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.demo.Demo;
import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.DemoReport;
import dev.cardswitch.demo.DemoSettings;
import dev.cardswitch.demo.DemoTargets;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.soak.CardDataScan;
import dev.cardswitch.soak.CardSecrets;
import dev.cardswitch.testing.LogCapture;
import dev.cardswitch.vault.standin.CardVaultStandIn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./card-switch demo --vault}'s engine against the running service in card-vault lookup mode. */
class DemoVaultEndToEndTest {

  @TempDir Path dataDir;

  @Test
  void accountsForEveryEventWithCardsOnlyInTheVaultAndUnknownTokensAsCardNotFound() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0",
        "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0",
        "TOPIC_PARTITIONS", "3", "CARD_SOURCE", "vault"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Set<String> cardValues = ConcurrentHashMap.newKeySet();
    try (LogCapture logs = LogCapture.capture(Level.DEBUG)) {
      AppConfig config = Launch.configure(env, List.of());
      try (Launch launch = Launch.start(config, new PrintStream(err, true)).awaitRunning(Duration.ofSeconds(90))) {
        CardVaultStandIn vault = launch.stack().vaultStandIn().orElseThrow();
        DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
            launch.service().keyRing().currentPublicKey(), config.topology(), launch.stack().sandbox().orElseThrow());
        DemoReport report = Demo.run(DemoSettings.builder().events(100).seed(5).build(), targets,
            (token, json) -> {
              vault.putCard(token, json);
              cardValues.addAll(values(json));
            },
            new PrintStream(out, true), new PrintStream(err, true));

        assertEquals(0, report.exitCode(), out.toString());
        int notFound = report.expectedCounts().get(ExpectedResult.CARD_NOT_FOUND);
        assertEquals(Math.round(100 * DemoPlan.UNKNOWN_TOKEN_PERCENT / 100.0), notFound);
        String summary = report.summary();
        assertTrue(summary.contains("CARD_NOT_FOUND " + notFound), summary);
        String json = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
        int switched = report.expectedCounts().get(ExpectedResult.SWITCHED);
        assertTrue(json.contains("\"missing\":0,\"duplicates\":0"), json);
        assertTrue(json.contains("\"knot_calls\":" + switched + ","), json);
        assertTrue(vault.lookups() >= switched + notFound, "every card came from the vault");

        CardSecrets secrets = CardSecrets.of(cardValues);
        assertTrue(secrets.size() > 50, "the scan knows what to look for");
        String bootstrap = launch.stack().bootstrapServers();
        assertEquals(Map.of(), CardDataScan.scan(bootstrap, secrets), "card data on a topic, even sealed? never");
        assertEquals(Set.of(), secrets.findIn(out + "\n" + err + "\n" + logs.text()), "card data in the output or logs");
      }
    }
  }

  /** The card number and phone number of a demo card document (names are too short to scan for safely). */
  private static List<String> values(byte[] json) {
    try {
      JsonNode doc = new ObjectMapper().readTree(json);
      return List.of(doc.path("card").path("number").asText(), doc.path("user").path("phone_number").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
