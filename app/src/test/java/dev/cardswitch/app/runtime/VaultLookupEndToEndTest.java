package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.soak.CardDataScan;
import dev.cardswitch.soak.CardSecrets;
import dev.cardswitch.testing.LogCapture;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import dev.cardswitch.vault.standin.CardVaultStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Card-vault lookup mode through the running service: the embedded broker, registry and Knot sandbox,
 * and the embedded card vault stand-in over real HTTP. Card references carry only a token; each way
 * the platform can fail becomes its dead letter; a key rotation is followed; and no card value is on
 * any topic or in the logs.
 */
class VaultLookupEndToEndTest {

  /** Roomy: a loaded 2-core machine can take seconds over the first switch. */
  static final Duration WINDOW = Duration.ofSeconds(10);

  @TempDir Path dataDir;

  @Test
  void switchesCardsLookedUpInTheVaultAndDeadLettersEachVaultFailure() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0",
        "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0",
        "TOPIC_PARTITIONS", "2", "SWITCH_WINDOW", WINDOW.toSeconds() + "s", "CARD_SOURCE", "vault"));
    // Longer than the window: the slow lookup below is cut by the deadline, not by its own time-out.
    env.put("CARD_VAULT_CALL_TIMEOUT", "15s");
    try (LogCapture logs = LogCapture.capture(Level.DEBUG)) {
      AppConfig config = Launch.configure(env, List.of());
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      try (Launch launch = Launch.start(config, new PrintStream(banner, true)).awaitRunning(Duration.ofSeconds(90))) {
        assertTrue(banner.toString().contains("embedded card vault stand-in"), banner.toString());
        run(launch, config.topology(), logs);
      }
    }
  }

  private void run(Launch launch, TopologyConfig topics, LogCapture logs) throws Exception {
    String bootstrap = launch.stack().bootstrapServers();
    SchemaRegistryClient registry = launch.service().registry();
    TopologySerdes serdes = TopologySerdes.of(registry);
    KnotSandbox sandbox = launch.stack().sandbox().orElseThrow();
    CardVaultStandIn vault = launch.stack().vaultStandIn().orElseThrow();
    try (CardDocument card = TestCards.seedDocument().build()) {
      byte[] json = card.toJson();
      vault.putCard("tok-good", json);
      java.util.Arrays.fill(json, (byte) 0);
    }
    long task = System.currentTimeMillis() * 1000;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        ResultTopics results = new ResultTopics(bootstrap, registry, topics)) {
      for (String[] ref : new String[][] {{"vault-good", "tok-good"}, {"vault-unknown", "tok-nobody-knows"}}) {
        CardReference reference = CardReference.newBuilder().setCardId(ref[0]).setExternalUserId("user-" + ref[0])
            .setLastFour("4242").setCardEnvelope("").setCardToken(ref[1]).setUpdatedAt(Instant.now()).build();
        producer.send(new ProducerRecord<>(topics.cardReferenceTopic(), ref[0],
            serdes.cardReference().serializer().serialize(topics.cardReferenceTopic(), reference))).get();
      }

      long good = ++task;
      send(producer, serdes, topics, good, "vault-good");
      assertSwitched(results, good);
      long unknown = ++task;
      send(producer, serdes, topics, unknown, "vault-unknown");
      assertDeadLetter(results, unknown, DeadLetterReason.CARD_NOT_FOUND, "does not know the card reference's card_token");

      vault.encryptToAnotherKey(true);
      long wrongKey = ++task;
      send(producer, serdes, topics, wrongKey, "vault-good");
      assertDeadLetter(results, wrongKey, DeadLetterReason.CARD_VAULT_RESPONSE_INVALID, "does not open with the one-use key");
      vault.encryptToAnotherKey(false);

      vault.tamper(true);
      long tampered = ++task;
      send(producer, serdes, topics, tampered, "vault-good");
      assertDeadLetter(results, tampered, DeadLetterReason.CARD_VAULT_RESPONSE_INVALID, "altered on the way");
      vault.tamper(false);

      // Slower than what is left of the window: the lookup is cut at the deadline.
      vault.latency(WINDOW.plusSeconds(2));
      long slow = ++task;
      send(producer, serdes, topics, slow, "vault-good");
      assertDeadLetter(results, slow, DeadLetterReason.DEADLINE_EXCEEDED, "ms left of the window");
      vault.latency(Duration.ZERO);

      int fetchesBefore = vault.keyFetches();
      vault.rotateKey();
      long afterRotation = ++task;
      send(producer, serdes, topics, afterRotation, "vault-good");
      assertSwitched(results, afterRotation);
      assertEquals(1, vault.unknownKidAnswers(), "the old kid was refused once");
      assertEquals(fetchesBefore + 1, vault.keyFetches(), "the new key was fetched once");

      for (long t : List.of(good, afterRotation)) {
        assertEquals(1, sandbox.calls(t).successes(), "task " + t + " reached Knot once");
      }
      for (long t : List.of(unknown, wrongKey, tampered, slow)) {
        assertEquals(0, sandbox.calls(t).calls(), "Knot was not called for task " + t);
      }
    }
    CardSecrets secrets = CardSecrets.of(List.of(TestCards.PAN, TestCards.LAST_NAME, "100 Main Street", "+11234567890"));
    assertEquals(Map.of(), CardDataScan.scan(bootstrap, secrets), "card data on a topic");
    assertEquals(Set.of(), secrets.findIn(logs.text()), "card data in the logs");
  }

  private static void send(KafkaProducer<String, byte[]> producer, TopologySerdes serdes, TopologyConfig topics,
      long task, String cardId) throws Exception {
    producer.send(new ProducerRecord<>(topics.webhookTopic(), Long.toString(task),
        serdes.event().serializer().serialize(topics.webhookTopic(),
            TestCards.authenticated(task, cardId, true, Instant.now())))).get();
  }

  private static void assertSwitched(ResultTopics results, long task) {
    Object result = results.until(r -> r.containsKey(task), Duration.ofSeconds(60)).get(task).get(0);
    assertTrue(result instanceof SwitchOutcome o && o.getStatus() == SwitchStatus.SWITCHED, String.valueOf(result));
  }

  private static void assertDeadLetter(ResultTopics results, long task, DeadLetterReason reason, String detail) {
    Object result = results.until(r -> r.containsKey(task), Duration.ofSeconds(60)).get(task).get(0);
    assertTrue(result instanceof DeadLetter, String.valueOf(result));
    DeadLetter letter = (DeadLetter) result;
    assertEquals(reason, letter.getReason(), letter.getDetail());
    assertTrue(letter.getDetail().contains(detail), letter.getDetail());
    assertEquals("4242", letter.getCardLastFour());
  }
}
