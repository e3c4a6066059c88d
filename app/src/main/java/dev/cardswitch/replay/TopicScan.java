package dev.cardswitch.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic once, committed records only ({@code read_committed}), from the beginning to
 * the end offsets taken when the read starts, without a consumer group (nothing is committed). What
 * the replay reads its dead letters, the outcomes and its ledger with. Stateless; thread-safe.
 */
final class TopicScan {

  /** How long to wait for the broker before saying it is unreachable. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  /** A read that takes longer than this is given up, naming the broker. */
  static final Duration DEFAULT_MAX_READ = Duration.ofMinutes(30);

  private TopicScan() {}

  /**
   * Hands every record of {@code topic} to {@code each}, partition by partition in offset order.
   *
   * @param missingOk whether an absent topic reads as empty (else it is an error)
   * @return false when the topic does not exist (and {@code missingOk})
   * @throws ReplayException {@link ReplayException#UNREACHABLE} when the broker or the topic is not there
   */
  static boolean read(String bootstrapServers, Map<String, Object> clientProperties, String topic, boolean missingOk,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "card-switch-replay-reader");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
    // Reading must never create a topic (a dry run before the first replay has no ledger yet).
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, DEFAULT_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        if (missingOk) {
          return false;
        }
        throw unreachable(bootstrapServers, topic, null);
      }
      List<TopicPartition> all = new ArrayList<>();
      infos.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(all, DEFAULT_TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(all, DEFAULT_TIMEOUT);
      // Only partitions with records: an empty one would make each fetch wait out fetch.max.wait.ms.
      List<TopicPartition> partitions = all.stream().filter(p -> begin.get(p) < end.get(p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(DEFAULT_MAX_READ);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (Instant.now().isAfter(deadline)) {
          throw new ReplayException(ReplayException.UNREACHABLE, "reading " + topic + " took more than "
              + DEFAULT_MAX_READ.toMinutes() + " minutes: check the broker at " + bootstrapServers);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            each.accept(r);
          }
        }
      }
      return true;
    } catch (KafkaException e) {
      throw unreachable(bootstrapServers, topic, e);
    }
  }

  static ReplayException unreachable(String bootstrapServers, String topic, Exception cause) {
    return new ReplayException(ReplayException.UNREACHABLE, "cannot read topic " + topic + " on the Kafka broker at "
        + bootstrapServers + (cause == null ? " (no such topic)" : " (" + cause.getClass().getSimpleName() + ")")
        + ": start the stack first (./card-switch stack, or ./card-switch run), or set KAFKA_BOOTSTRAP_SERVERS"
        + " and the topic settings (DEAD_LETTER_TOPIC, OUTCOME_TOPIC) to the running cluster's", cause);
  }
}
