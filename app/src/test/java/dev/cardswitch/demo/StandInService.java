package dev.cardswitch.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A stand-in for card-switch, for testing the demo's production and collection without the real
 * service: reads the webhook and card-reference topics, and answers each event as the service
 * would, without Knot: SKIPPED for {@code send_card=false}, NO_CARD_REFERENCE at once when no
 * reference exists (every reference is produced before any event), INVALID_CARD_DATA when the
 * opened document breaks a rule, else SWITCHED. Remembers the card numbers it saw, so tests can
 * check that they never appear in the demo's output.
 */
final class StandInService implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);

  private final String bootstrapServers;
  private final TopologySerdes serdes;
  private final TopologyConfig topology;
  private final KeyRing keyRing;
  private final CardDocumentValidator validator = new CardDocumentValidator(Clock.systemUTC());
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, CardReference> references = new ConcurrentHashMap<>();
  private final Set<String> numbersSeen = ConcurrentHashMap.newKeySet();
  private final Map<Long, Instant> receipts = new ConcurrentHashMap<>();
  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private final Future<?> running;
  private volatile boolean stopped;

  StandInService(
      String bootstrapServers, TopologySerdes serdes, TopologyConfig topology, KeyRing keyRing) {
    this.bootstrapServers = bootstrapServers;
    this.serdes = serdes;
    this.topology = topology;
    this.keyRing = keyRing;
    this.running = thread.submit(this::serve);
  }

  /** Card numbers of the valid cards switched so far. */
  Set<String> numbersSeen() {
    return numbersSeen;
  }

  /** received_at of every event answered, by task. */
  Map<Long, Instant> receipts() {
    return receipts;
  }

  private Void serve() throws Exception {
    Map<String, Object> consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaConsumer<String, byte[]> events =
            new KafkaConsumer<>(
                consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaConsumer<String, byte[]> cards =
            new KafkaConsumer<>(
                consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> results =
            new KafkaProducer<>(
                producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      assignFromStart(events, topology.webhookTopic());
      assignFromStart(cards, topology.cardReferenceTopic());
      while (!stopped) {
        ConsumerRecords<String, byte[]> polled = events.poll(POLL);
        if (polled.isEmpty()) {
          continue;
        }
        catchUp(cards);
        for (ConsumerRecord<String, byte[]> record : polled) {
          answer(
              serdes.event().deserializer().deserialize(record.topic(), record.value()), results);
        }
        results.flush();
      }
    }
    return null;
  }

  private static void assignFromStart(KafkaConsumer<String, byte[]> consumer, String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads the references up to the end offsets as they are now. */
  private void catchUp(KafkaConsumer<String, byte[]> cards) {
    Map<TopicPartition, Long> ends = cards.endOffsets(cards.assignment());
    while (ends.entrySet().stream().anyMatch(e -> cards.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<String, byte[]> record : cards.poll(POLL)) {
        CardReference reference =
            serdes.cardReference().deserializer().deserialize(record.topic(), record.value());
        references.put(reference.getCardId(), reference);
      }
    }
  }

  private void answer(KnotWebhookEvent event, KafkaProducer<String, byte[]> results)
      throws Exception {
    long task = event.getTaskId();
    receipts.put(task, event.getReceivedAt());
    Duration latency = Duration.between(event.getReceivedAt(), Instant.now());
    if (!event.getData().getSendCard()) {
      send(
          results,
          ResultRecords.outcome(task, SwitchStatus.SKIPPED, event.getReceivedAt(), latency));
      return;
    }
    CardReference reference = references.get(event.getData().getCardId());
    if (reference == null) {
      send(
          results,
          ResultRecords.deadLetter(
              task, DeadLetterReason.NO_CARD_REFERENCE, event.getReceivedAt(), latency, null));
      return;
    }
    byte[] clear = keyRing.decrypt(reference.getCardEnvelope());
    try (CardDocument document = CardDocument.fromJson(clear)) {
      List<Violation> violations = validator.validate(document);
      if (!violations.isEmpty()) {
        send(
            results,
            ResultRecords.deadLetter(
                task, DeadLetterReason.INVALID_CARD_DATA, event.getReceivedAt(), latency, null));
        return;
      }
      numbersSeen.add(json.readTree(clear).at("/card/number").asText());
      send(
          results,
          ResultRecords.outcome(task, SwitchStatus.SWITCHED, event.getReceivedAt(), latency));
    } finally {
      Arrays.fill(clear, (byte) 0);
    }
  }

  private void send(KafkaProducer<String, byte[]> producer, SwitchOutcome outcome) {
    String topic = topology.outcomeTopic();
    producer.send(
        new ProducerRecord<>(
            topic,
            Long.toString(outcome.getTaskId()),
            serdes.outcome().serializer().serialize(topic, outcome)));
  }

  private void send(KafkaProducer<String, byte[]> producer, DeadLetter deadLetter) {
    String topic = topology.deadLetterTopic();
    producer.send(
        new ProducerRecord<>(
            topic,
            Long.toString(deadLetter.getTaskId()),
            serdes.deadLetter().serializer().serialize(topic, deadLetter)));
  }

  @Override
  public void close() throws Exception {
    stopped = true;
    try {
      running.get(30, TimeUnit.SECONDS); // rethrows what failed in the loop
    } finally {
      thread.shutdownNow();
    }
  }
}
