package dev.cardswitch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.loader.ServiceKey;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.testing.LogCapture;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TopologySerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the embedded stack with card-switch running: an event for a card whose
 * reference is missing becomes a NO_CARD_REFERENCE dead letter; the issuer loads the reference; the
 * replay re-submits the event, card-switch switches it in the new window, and the outcome names the
 * dead letter it came from. No card value in the report or the logs.
 */
class ReplayEndToEndTest {

  @TempDir Path dir;

  @Test
  void aReplayedDeadLetterSwitchesAndItsOutcomeTracesBackToIt() throws Exception {
    try (LogCapture logs = LogCapture.capture(Level.DEBUG)) {
      AppConfig config = Launch.configure(Map.of("DATA_DIR", dir.resolve("data").toString(), "KAFKA_PORT", "0",
          "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0", "TOPIC_PARTITIONS", "2",
          "NUM_STREAM_THREADS", "1", "SWITCH_WINDOW", "3s"), List.of());
      try (Launch launch = Launch.start(config, new PrintStream(new ByteArrayOutputStream(), true))
          .awaitRunning(Duration.ofSeconds(90))) {
        String bootstrap = launch.stack().bootstrapServers();
        var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(launch.stack().registryUrl()).build());
        TopologySerdes serdes = TopologySerdes.of(registry);
        var topology = config.topology();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        long task = 31337;
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
          producer.send(new ProducerRecord<>(topology.webhookTopic(), Long.toString(task), serdes.event().serializer()
              .serialize(topology.webhookTopic(), TestCards.authenticated(task, "card-late", true, Instant.now())))).get();

          DeadLetterAddress address = awaitOne(bootstrap, topology.deadLetterTopic(), r -> {
            DeadLetter d = serdes.deadLetter().deserializer().deserialize(r.topic(), r.value());
            assertEquals(DeadLetterReason.NO_CARD_REFERENCE, d.getReason());
            return new DeadLetterAddress(r.topic(), r.partition(), r.offset());
          });

          var serviceKey = ServiceKey.fromUrl(URI.create("http://127.0.0.1:" + launch.service().adminPort() + "/keys"));
          producer.send(new ProducerRecord<>(topology.cardReferenceTopic(), "card-late", serdes.cardReference()
              .serializer().serialize(topology.cardReferenceTopic(),
                  TestCards.reference("card-late", TestCards.seedDocument(), serviceKey, Instant.now())))).get();
        }
        Replayer.Targets targets = new Replayer.Targets(bootstrap, Map.of(), registry, topology.webhookTopic(),
            topology.outcomeTopic(), topology.deadLetterTopic(),
            Replayer.Targets.ledgerTopicFor(topology.deadLetterTopic()), topology.window(), 2, 1);
        Replayer replayer = new Replayer(targets, Clock.systemUTC());
        ReplayOptions execute = new ReplayOptions(ReplayFilter.builder().tasks(List.of(task)).build(), false, true,
            ReplayOptions.DEFAULT_RATE);
        ReplayReport report = replayer.run(execute, new PrintStream(new ByteArrayOutputStream(), true), false);
        assertEquals(1, report.replayed());

        SwitchOutcome outcome = awaitOne(bootstrap, topology.outcomeTopic(),
            r -> serdes.outcome().deserializer().deserialize(r.topic(), r.value()));
        assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
        assertEquals(task, outcome.getTaskId());
        assertNotNull(outcome.getReplayOf(), "the outcome names the dead letter it answers");
        DeadLetterAddress deadLetter = awaitOne(bootstrap, topology.deadLetterTopic(),
            r -> new DeadLetterAddress(r.topic(), r.partition(), r.offset()));
        assertEquals(deadLetter, DeadLetterAddress.of(outcome.getReplayOf()));
        assertEquals("NO_CARD_REFERENCE", outcome.getReplayOf().getReason());
        assertTrue(outcome.getDeadlineAt().isAfter(outcome.getEventTime().plusSeconds(3)),
            "the deadline is counted from the replay's receipt time, not Knot's old timestamp");

        ReplayReport again = replayer.run(execute, new PrintStream(new ByteArrayOutputStream(), true), false);
        assertEquals(0, again.replayed());
        assertEquals(1L, again.skipped().get(SkipReason.ALREADY_REPLAYED));
        List<KnotWebhookEvent> webhooks = new ArrayList<>();
        TopicScan.read(bootstrap, Map.of(), topology.webhookTopic(), false,
            r -> webhooks.add(serdes.event().deserializer().deserialize(r.topic(), r.value())));
        assertEquals(2, webhooks.size(), "Knot's event and one replay");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        report.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
        again.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8) + String.join("\n", logs.lines());
        for (String secret : List.of(TestCards.PAN, TestCards.FIRST_NAME, TestCards.LAST_NAME, "\"" + TestCards.CVV + "\"")) {
          assertFalse(text.contains(secret), "a card value in the report or the logs");
        }
      }
    }
  }

  /** Reads {@code topic} until it holds a record, then maps its one record; fails after 30 s. */
  private static <T> T awaitOne(String bootstrap, String topic,
      Function<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>, T> map) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      List<T> found = new ArrayList<>();
      TopicScan.read(bootstrap, Map.of(), topic, false, r -> found.add(map.apply(r)));
      if (!found.isEmpty()) {
        assertEquals(1, found.size(), "one record on " + topic);
        return found.get(0);
      }
    }
    throw new AssertionError("nothing on " + topic + " after 30 s");
  }
}
