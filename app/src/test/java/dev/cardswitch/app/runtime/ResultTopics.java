package dev.cardswitch.app.runtime;

import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the outcome and dead-letter topics from the beginning as a downstream consumer would
 * ({@code read_committed}), collecting every result by task id. For tests.
 */
final class ResultTopics implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopologyConfig topics;
  private final TopologySerdes serdes;
  private final Map<Long, List<Object>> byTask = new HashMap<>();
  private final List<byte[]> rawValues = new ArrayList<>();

  ResultTopics(String bootstrapServers, SchemaRegistryClient registry, TopologyConfig topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "results-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topics = topics;
    this.serdes = TopologySerdes.of(registry);
    consumer.subscribe(List.of(topics.outcomeTopic(), topics.deadLetterTopic()));
  }

  /** Polls until {@code done} holds for the results so far, or the timeout passes; returns the results. */
  Map<Long, List<Object>> until(Predicate<Map<Long, List<Object>>> done, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!done.test(byTask) && Instant.now().isBefore(deadline)) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        rawValues.add(r.value());
        Object value;
        long task;
        if (r.topic().equals(topics.outcomeTopic())) {
          SwitchOutcome o = serdes.outcome().deserializer().deserialize(r.topic(), r.value());
          value = o;
          task = o.getTaskId();
        } else {
          DeadLetter d = serdes.deadLetter().deserializer().deserialize(r.topic(), r.value());
          value = d;
          task = d.getTaskId() == null ? -1 : d.getTaskId();
        }
        byTask.computeIfAbsent(task, k -> new ArrayList<>()).add(value);
      }
    }
    return byTask;
  }

  /** Every task in {@code tasks} has at least one result. */
  static Predicate<Map<Long, List<Object>>> allOf(Set<Long> tasks) {
    return results -> results.keySet().containsAll(tasks);
  }

  List<byte[]> rawValues() {
    return rawValues;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
