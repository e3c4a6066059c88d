package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.Latency;
import dev.cardswitch.sandbox.SandboxFaults;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.topology.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application as a separate process against a real broker and the Knot sandbox, killed with
 * SIGKILL while calls to Knot are in flight, then restarted: every event still ends in exactly one
 * outcome, and the calls re-sent after the crash are marked as such.
 */
class KillAndRestartTest {

  @TempDir Path dir;

  @Test
  void everyEventEndsInExactlyOneOutcomeAfterASigkillWithCallsInFlight() throws Exception {
    stopWithCallsInFlightThenRestart(true);
  }

  /**
   * A clean stop (SIGTERM: a rolling update, a scale-in) waits for the answers in flight and starts no
   * new call, so no card reaches Knot twice and nothing is marked re-sent.
   */
  @Test
  void aCleanStopWithCallsInFlightSendsNoCardTwice() throws Exception {
    stopWithCallsInFlightThenRestart(false);
  }

  private void stopWithCallsInFlightThenRestart(boolean kill) throws Exception {
    TopologyConfig topics = TopologyConfig.defaults();
    ECKey serviceKey = JwkSetKeyRing.generate("kill-test-key");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null);
        DevSchemaRegistry registry = DevSchemaRegistry.builder().build().start();
        KnotSandbox sandbox = KnotSandbox.builder().port(0).start()) {
      // Knot answers slowly, so the kill finds calls in flight.
      sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofMillis(2500))).build());
      Map<String, String> env = new HashMap<>(Map.of(
          "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
          "SCHEMA_REGISTRY_URL", registry.url(),
          "KNOT_BASE_URL", sandbox.baseUrl().toString(),
          "KNOT_CLIENT_ID", sandbox.credentials().clientId(),
          "KNOT_SECRET", sandbox.credentials().revealSecret(),
          "CARD_KEYS", new JWKSet(serviceKey).toString(false),
          "DATA_DIR", dir.resolve("data").toString(),
          "ADMIN_PORT", "0",
          "TOPIC_PARTITIONS", "3",
          "INSTANCE_ID", "kill-test-1"));
      // The test is about what a crash does, not about the window: give the restart (a JVM start, a
      // rejoin, a restore; slow on a loaded machine) room to finish inside it.
      env.put("SWITCH_WINDOW", "120s");
      // Knot answers in 2.5 s; a restarted JVM sending every restored call at once on a busy machine
      // can take longer than the default 4 s time-out, which would make a valid card a dead letter.
      env.put("KNOT_CALL_TIMEOUT", "15s");
      env.put("INGRESS_PORT", "0");
      env.put("KNOT_RATE_LIMIT_PER_SECOND", "10000");
      var registryClient = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());

      Set<Long> tasks;
      try (ChildProcess first = ChildProcess.start(dir.resolve("first.log"), env, "run")) {
        first.awaitOutput("card-switch is running", Duration.ofSeconds(90));
        try (EventFeed feed = new EventFeed(kafka.bootstrapServers(), registryClient, topics)) {
          feed.references(20, serviceKey.toPublicJWK());
          tasks = feed.events(5000, 60, 20);
        }
        awaitCardRequests(sandbox, 20, Duration.ofSeconds(60));
        if (kill) {
          first.kill();
        } else {
          assertEquals(128 + 15, first.stop(Duration.ofSeconds(60)), "exits as terminated by SIGTERM");
          assertTrue(first.output().contains("calls to Knot in flight"), "waited for the calls in flight:\n"
              + first.output());
        }
      }
      long requestsBeforeRestart = sandbox.stats().cardRequests();
      assertTrue(requestsBeforeRestart < tasks.size() * 2L, "no card reached Knot twice before the restart");

      Map<Long, List<Object>> results;
      try (ChildProcess second = ChildProcess.start(dir.resolve("second.log"), env, "run");
          ResultTopics topicsReader = new ResultTopics(kafka.bootstrapServers(), registryClient, topics)) {
        second.awaitOutput("card-switch is running", Duration.ofSeconds(90));
        results = topicsReader.until(ResultTopics.allOf(tasks), Duration.ofSeconds(90));
        int status = second.stop(Duration.ofSeconds(45));
        assertEquals(128 + 15, status, "exits as terminated by SIGTERM, after its shutdown hook");
        assertTrue(second.output().contains("card-switch stopped"), "closed gracefully on SIGTERM:\n" + second.output());
        assertTrue(!second.output().contains(TestSecrets.PAN), "no PAN in the second run's output");
      }

      assertEquals(tasks, results.keySet(), "every event has a result");
      int resent = 0;
      for (long task : tasks) {
        List<Object> r = results.get(task);
        assertEquals(1, r.size(), "exactly one result for task " + task + ": " + r);
        assertTrue(r.get(0) instanceof SwitchOutcome, "task " + task + " was switched: " + r.get(0));
        SwitchOutcome outcome = (SwitchOutcome) r.get(0);
        assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
        int calls = sandbox.calls(task).successes();
        assertTrue(calls >= 1 && calls <= (kill ? 2 : 1), "task " + task + " reached Knot " + calls + " times");
        if (calls == 2) {
          assertTrue(outcome.getResentAfterRestart(), "a second /card for task " + task + " is marked as re-sent");
        }
        if (outcome.getResentAfterRestart()) {
          resent++;
        }
      }
      if (kill) {
        assertTrue(resent > 0, "calls in flight at the kill were re-sent after the restart");
      } else {
        assertEquals(0, resent, "nothing is re-sent after a clean stop");
      }
    }
  }

  private static void awaitCardRequests(KnotSandbox sandbox, long atLeast, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (sandbox.stats().cardRequests() < atLeast) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("only " + sandbox.stats().cardRequests() + " calls reached the sandbox in " + timeout);
      }
      Thread.sleep(20); // polling the sandbox's counter
    }
  }

  /** The test card's number (seed 001's sample), which must never be printed. */
  static final class TestSecrets {
    static final String PAN = dev.cardswitch.topology.TestCards.PAN;
  }
}
