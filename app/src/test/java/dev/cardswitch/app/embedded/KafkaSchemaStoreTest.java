package dev.cardswitch.app.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.registry.dev.KafkaSchemaStore;
import dev.cardswitch.registry.dev.SchemaStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The development registry keeping its schemas in a Kafka topic of the embedded broker. */
class KafkaSchemaStoreTest {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start(null);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  private static Schema record(String name, String... fields) {
    StringBuilder json =
        new StringBuilder("{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[");
    for (int i = 0; i < fields.length; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(fields[i])
          .append("\",\"type\":\"string\",\"default\":\"\"}");
    }
    return new Schema.Parser().parse(json.append("]}").toString());
  }

  /** A topic per test: each test starts from an empty log. */
  private static String topicOf(TestInfo test) {
    return "_schemas-" + test.getTestMethod().orElseThrow().getName();
  }

  private static DevSchemaRegistry registryOn(String topic) {
    return DevSchemaRegistry.builder()
        .store(KafkaSchemaStore.builder(kafka.bootstrapServers()).topic(topic).build())
        .build()
        .start();
  }

  private static SchemaRegistryClient clientOf(DevSchemaRegistry registry) {
    return new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
  }

  @Test
  void createsTheTopicCompactedWithOnePartitionAndWritesEachRegistrationToIt(TestInfo test)
      throws Exception {
    String topic = topicOf(test);
    try (DevSchemaRegistry registry = registryOn(topic);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      clientOf(registry).register("first-value", record("First", "a"));
      TopicPartition partition = new TopicPartition(topic, 0);
      long end =
          admin
              .listOffsets(Map.of(partition, OffsetSpec.latest()))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(partition)
              .offset();
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      String policy =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(resource)
              .get("cleanup.policy")
              .value();

      assertEquals(1, description.partitions().size());
      assertEquals("compact", policy);
      assertEquals(1, end, "the registration was written before the registry answered");
    }
  }

  @Test
  void aRestartedRegistryServesTheSameIdsAndGivesNewSchemasUnusedIds(TestInfo test) {
    String topic = topicOf(test);
    Schema first = record("First", "a");
    Schema second = record("Second", "b");
    int firstId;
    int secondId;
    try (DevSchemaRegistry registry = registryOn(topic)) {
      SchemaRegistryClient client = clientOf(registry);
      firstId = client.register("first-value", first);
      secondId = client.register("second-value", second);
    }

    try (DevSchemaRegistry restarted = registryOn(topic)) {
      SchemaRegistryClient client = clientOf(restarted);

      assertEquals(first, client.schemaById(firstId));
      assertEquals(second, client.schemaById(secondId));
      assertEquals(firstId, client.register("first-value", first), "registration stays idempotent");
      assertEquals(List.of("first-value", "second-value"), client.subjects());
      int thirdId = client.register("third-value", record("Third", "c"));
      assertTrue(!Set.of(firstId, secondId).contains(thirdId), "new id " + thirdId + " is unused");
    }
  }

  @Test
  void twoRegistriesOnOneTopicNeverGiveOneIdToTwoSchemas(TestInfo test) {
    String topic = topicOf(test);
    try (DevSchemaRegistry left = registryOn(topic);
        DevSchemaRegistry right = registryOn(topic)) {
      SchemaRegistryClient leftClient = clientOf(left);
      SchemaRegistryClient rightClient = clientOf(right);

      int leftId = leftClient.register("left-value", record("Left", "l"));
      int rightId = rightClient.register("right-value", record("Right", "r"));
      int sharedOnRight = rightClient.register("shared-value", record("Left", "l"));

      assertNotEquals(leftId, rightId);
      assertEquals(leftId, sharedOnRight, "the same schema keeps its global id across registries");
      assertEquals(
          record("Right", "r"), leftClient.schemaById(rightId), "each serves what the other wrote");
    }
  }

  @Test
  void anUnreachableBrokerIsAClearStoreFailure() {
    KafkaSchemaStore store =
        KafkaSchemaStore.builder("127.0.0.1:1")
            .topic("_schemas")
            .timeout(Duration.ofSeconds(2))
            .build();
    DevSchemaRegistry registry = DevSchemaRegistry.builder().store(store).build();

    SchemaStoreException e = assertThrows(SchemaStoreException.class, registry::start);

    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }
}
