package dev.cardswitch.app.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @Test
  void createsATopicWithLeadersAndCarriesARecord() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
      kafka.createTopic("greetings", 3, Map.of("cleanup.policy", "compact"));

      send(kafka, "greetings", "k", "hello");

      assertEquals(List.of("k=hello"), readAll(kafka, "greetings", 3, 1));
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "greetings");
        ConfigEntry policy =
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource)
                .get("cleanup.policy");
        assertEquals("compact", policy.value());
      }
    }
  }

  @Test
  void creatingAnExistingTopicAgainIsAccepted() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
      kafka.createTopic("twice", 2, Map.of());
      kafka.createTopic("twice", 2, Map.of());
    }
  }

  @Test
  void aRestartOnTheSameDataDirectoryKeepsRecordsAndPort(@TempDir Path dataDir) throws Exception {
    String bootstrap;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      kafka.createTopic("durable", 1, Map.of());
      send(kafka, "durable", "k", "kept");
      bootstrap = kafka.bootstrapServers();
    }
    assertTrue(Files.isDirectory(dataDir), "a given data directory is kept");

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      assertEquals(
          bootstrap, kafka.bootstrapServers(), "the previous run's port, free again, is reused");
      assertEquals(List.of("k=kept"), readAll(kafka, "durable", 1, 1));
    }
  }

  @Test
  void twoBrokersRunSideBySideInOneJvm() throws Exception {
    try (EmbeddedKafka first = EmbeddedKafka.start(null);
        EmbeddedKafka second = EmbeddedKafka.start(null)) {
      first.createTopic("shared-name", 1, Map.of());
      second.createTopic("shared-name", 1, Map.of());

      send(first, "shared-name", "k", "first");
      send(second, "shared-name", "k", "second");

      assertEquals(List.of("k=first"), readAll(first, "shared-name", 1, 1));
      assertEquals(List.of("k=second"), readAll(second, "shared-name", 1, 1));
    }
  }

  @Test
  void aTemporaryDataDirectoryIsDeletedOnClose() {
    Path dir;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
      dir = kafka.dataDir();
      assertTrue(Files.isDirectory(dir));
    }
    assertFalse(Files.exists(dir));
  }

  private static void send(EmbeddedKafka kafka, String topic, String key, String value)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Reads the topic from the start until {@code expected} records arrived or 30 s passed. */
  private static List<String> readAll(
      EmbeddedKafka kafka, String topic, int partitions, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false");
    List<String> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> assigned = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        assigned.add(new TopicPartition(topic, p));
      }
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(record.key() + "=" + record.value());
        }
      }
    }
    return records;
  }
}
