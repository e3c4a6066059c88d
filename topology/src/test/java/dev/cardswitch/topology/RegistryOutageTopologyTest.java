package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/**
 * A schema registry that cannot be reached is not the record's fault: the event is not
 * dead-lettered (a MALFORMED_EVENT would lose it for good); the stream thread fails, the service
 * replaces it, and the record is read again from the last commit.
 */
class RegistryOutageTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void failsTheThreadRatherThanDeadLetteringAnEventWhileTheRegistryIsDown() {
    DevSchemaRegistry registry = DevSchemaRegistry.builder().build().start();
    TopologyConfig config = TopologyConfig.defaults();
    // The producer's own client: the topology's has seen no schema yet, so it must ask the registry.
    byte[] event = TopologySerdes.of(new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build()))
        .event().serializer().serialize(config.webhookTopic(), TestCards.authenticated(1, "card-1", true, T0));
    TopologySerdes serdes = TopologySerdes.of(new HttpSchemaRegistryClient(
        SchemaRegistryConfig.builder(registry.url()).build()));
    TestClock clock = new TestClock(T0);
    var topology = SwitchTopology.build(config, new SwitchPorts(new FakeKnot(),
        JwkSetKeyRing.of(List.of(JwkSetKeyRing.generate("k")), JwkSetKeyRing.Options.DEFAULT), clock,
        new SwitchCounters()), serdes);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "card-switch-registry-outage-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.putAll(DeadLetterExceptionHandler.streamsConfig(config.webhookTopic(), config.cardReferenceTopic(),
        config.deadLetterTopic(), serdes.deadLetter().serializer(), clock));
    registry.close();
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, T0)) {
      TestInputTopic<String, byte[]> webhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(),
          new ByteArraySerializer());
      TestOutputTopic<String, byte[]> deadLetters = driver.createOutputTopic(config.deadLetterTopic(),
          new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());

      StreamsException e = assertThrows(StreamsException.class, () -> webhooks.pipeInput("1", event));

      assertTrue(e.getMessage().contains("Deserialization exception handler is set to fail"), e.getMessage());
      assertTrue(deadLetters.isEmpty(), "the event was not dead-lettered");
    }
  }

}
