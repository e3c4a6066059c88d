package dev.cardswitch.topology;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.internal.SwitchHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import dev.cardswitch.topology.status.SwitchStatusStreams;


/**
 * The whole switch topology in a {@link TopologyTestDriver}, with a fake Knot, a test clock and the
 * development registry: typed input and output topics and the status store, for tests that follow
 * a task through the topology. A fresh driver per test ({@link #start}); not thread-safe.
 */
public abstract class TopologyHarness {

  public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  public static final ECKey SERVICE_KEY = JwkSetKeyRing.generate("service-key-1");

  protected static DevSchemaRegistry registry;
  protected static HttpSchemaRegistryClient registryClient;

  protected TestClock clock;
  protected FakeKnot knot;
  protected SwitchCounters counters;
  protected TopologySerdes serdes;
  protected TopologyTestDriver driver;
  protected TestInputTopic<String, KnotWebhookEvent> webhooks;
  protected TestInputTopic<String, byte[]> rawWebhooks;
  protected TestInputTopic<String, byte[]> rawOutcomes;
  protected TestOutputTopic<String, SwitchOutcome> outcomes;
  protected TestOutputTopic<String, DeadLetter> deadLetters;
  protected KeyValueStore<String, SwitchHistory> store;

  @BeforeAll
  static void startRegistry() {
    registry = DevSchemaRegistry.builder().build().start();
    registryClient = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  protected Topology topology(TopologyConfig config) {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT);
    return SwitchTopology.build(config, new SwitchPorts(knot, ring, clock, counters), serdes);
  }

  protected void start(TopologyConfig config) {
    clock = new TestClock(T0);
    knot = new FakeKnot();
    counters = new SwitchCounters();
    serdes = TopologySerdes.of(registryClient);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "card-switch-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.putAll(DeadLetterExceptionHandler.streamsConfig(config.webhookTopic(), config.cardReferenceTopic(),
        config.deadLetterTopic(), serdes.deadLetter().serializer(), clock));
    driver = new TopologyTestDriver(topology(config), props, T0);
    webhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(), serdes.event().serializer());
    rawWebhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(), new ByteArraySerializer());
    rawOutcomes = driver.createInputTopic(config.outcomeTopic(), new StringSerializer(), new ByteArraySerializer());
    outcomes = driver.createOutputTopic(config.outcomeTopic(), new StringDeserializer(), serdes.outcome().deserializer());
    deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new StringDeserializer(),
        serdes.deadLetter().deserializer());
    store = config.switchStatus() ? driver.getKeyValueStore(SwitchStatusStreams.STORE) : null;
  }

  protected void start() {
    start(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
  }

  protected void advance(Duration by) {
    clock.advance(by);
    driver.advanceWallClockTime(by);
  }

  protected void loadReference(String cardId) {
    driver.createInputTopic(TopologyConfig.DEFAULT_CARD_REFERENCE_TOPIC, new StringSerializer(),
            serdes.cardReference().serializer())
        .pipeInput(cardId, TestCards.reference(cardId, TestCards.seedDocument(), SERVICE_KEY, clock.instant()));
    advance(Duration.ofMillis(10));
  }

  protected void sendEvent(long taskId, String cardId, boolean sendCard) {
    webhooks.pipeInput(Long.toString(taskId), TestCards.authenticated(taskId, cardId, sendCard, clock.instant()));
    advance(Duration.ofMillis(10));
  }

  protected SwitchHistory status(long taskId) {
    return store.get(Long.toString(taskId));
  }

  protected static List<String> kinds(SwitchHistory h) {
    return h.getHistory().stream().map(e -> e.getKind() + ":" + e.getState()).toList();
  }

}
