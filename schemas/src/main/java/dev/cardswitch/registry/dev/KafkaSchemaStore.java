package dev.cardswitch.registry.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaStore} in a compacted, single-partition Kafka topic ({@value #DEFAULT_TOPIC} by
 * default, created if absent), so schema ids survive restarts and several development registries
 * can share one log. On start the whole topic is replayed; every append is acknowledged by all
 * in-sync replicas ({@code acks=all}) and read back before the registry answers.
 *
 * <p>Records follow Confluent's {@code _schemas} layout: JSON key {@code {"keytype":"SCHEMA",
 * "subject", "version", "magic":1}} and JSON value {@code {"subject", "version", "id", "schema",
 * "deleted"}}; the key also carries the {@code id}, so that compaction never drops the winner of
 * two registrations racing for one subject version (the registry settles such races by log order).
 * Records of other key types, tombstones and deleted entries are skipped.
 *
 * <p>Not thread-safe on its own (Kafka's consumer is not): the registry calls it from one thread at
 * a time, as {@link SchemaStore} promises.
 */
public final class KafkaSchemaStore implements SchemaStore {

  /** Confluent's topic name. */
  public static final String DEFAULT_TOPIC = "_schemas";

  /** One copy: the development broker has one node. Use 3 on a real cluster. */
  public static final short DEFAULT_REPLICATION_FACTOR = 1;

  /** For each start, read, write and topic creation. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(KafkaSchemaStore.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final String bootstrapServers;
  private final String topic;
  private final short replicationFactor;
  private final Duration timeout;
  private final Map<String, Object> clientProperties;
  private final TopicPartition partition;
  private final ObjectMapper json = new ObjectMapper();

  private KafkaProducer<byte[], byte[]> producer;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Consumer<SchemaRecord> sink;

  private KafkaSchemaStore(Builder builder) {
    this.bootstrapServers = builder.bootstrapServers;
    this.topic = builder.topic;
    this.replicationFactor = builder.replicationFactor;
    this.timeout = builder.timeout;
    this.clientProperties = Map.copyOf(builder.clientProperties);
    this.partition = new TopicPartition(topic, 0);
  }

  /** A builder for a store on the cluster at {@code bootstrapServers}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  @Override
  public void start(Consumer<SchemaRecord> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    ensureTopic();
    consumer =
        new KafkaConsumer<>(
            consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    producer =
        new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    long end = endOffset();
    readTo(end);
    log.info("Replayed {} records of {}", end, describe());
  }

  @Override
  public void refresh() {
    readTo(endOffset());
  }

  @Override
  public void append(SchemaRecord record) {
    ProducerRecord<byte[], byte[]> message =
        new ProducerRecord<>(topic, 0, keyOf(record), valueOf(record));
    long offset;
    try {
      offset = producer.send(message).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
    } catch (ExecutionException e) {
      throw failure(
          "Could not write " + record + " to " + describe() + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw failure(
          "Writing " + record + " to " + describe() + " was not acknowledged within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("Interrupted while writing " + record + " to " + describe(), e);
    } catch (KafkaException e) {
      throw failure("Could not write " + record + " to " + describe() + ": " + e.getMessage(), e);
    }
    readTo(offset + 1);
  }

  @Override
  public String describe() {
    return "Kafka topic " + topic + " on " + bootstrapServers;
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      consumer = null;
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }

  private void ensureTopic() {
    long deadline = System.nanoTime() + timeout.toNanos();
    Admin admin = Admin.create(adminConfig());
    try {
      TopicDescription description = describeTopic(admin);
      if (description == null) {
        NewTopic newTopic =
            new NewTopic(topic, 1, replicationFactor)
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
          admin
              .createTopics(List.of(newTopic))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          log.info("Created compacted topic {} (replication factor {})", topic, replicationFactor);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw failure(
                "Could not create topic "
                    + topic
                    + " on "
                    + bootstrapServers
                    + ": "
                    + e.getCause().getMessage(),
                e.getCause());
          }
        }
      } else {
        checkExisting(admin, description);
      }
      awaitLeader(admin, deadline);
    } catch (TimeoutException e) {
      throw failure(
          "Kafka at " + bootstrapServers + " did not answer within " + timeout + ": is it running?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("Interrupted while preparing " + describe(), e);
    } catch (ExecutionException e) {
      throw failure(
          "Could not prepare " + describe() + ": " + e.getCause().getMessage(), e.getCause());
    } finally {
      // Bounded: by default close() waits for calls still retrying against an absent broker.
      admin.close(Duration.ofSeconds(1));
    }
  }

  private TopicDescription describeTopic(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
  }

  private void checkExisting(Admin admin, TopicDescription description)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (description.partitions().size() != 1) {
      throw new SchemaStoreException(
          "Topic "
              + topic
              + " on "
              + bootstrapServers
              + " has "
              + description.partitions().size()
              + " partitions; the schema log needs exactly 1 (a single order decides ids): delete"
              + " the topic or use another one");
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        admin
            .describeConfigs(List.of(resource))
            .all()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(resource);
    ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      log.warn(
          "Topic {} is not compacted (cleanup.policy={}): retention may delete schemas, and their"
              + " ids with them; set cleanup.policy=compact",
          topic,
          policy == null ? "?" : policy.value());
    }
  }

  /** Writing before the partition has a leader can fail; wait for one (bounded). */
  private void awaitLeader(Admin admin, long deadline) throws InterruptedException {
    while (true) {
      try {
        TopicDescription description = describeTopic(admin);
        if (description != null
            && description.partitions().get(0).leader() != null
            && description.partitions().get(0).leader().id() >= 0) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // metadata still propagating
      }
      if (System.nanoTime() > deadline) {
        throw new SchemaStoreException(
            "Topic " + topic + " on " + bootstrapServers + " has no leader after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private long endOffset() {
    try {
      return consumer.endOffsets(List.of(partition), timeout).get(partition);
    } catch (KafkaException e) {
      throw failure("Could not read the end of " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** Delivers every record up to {@code target} (exclusive) to the sink, in order. */
  private void readTo(long target) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (consumer.position(partition, timeout) < target) {
        if (System.nanoTime() > deadline) {
          throw new SchemaStoreException(
              "Could not read "
                  + describe()
                  + " up to offset "
                  + target
                  + " within "
                  + timeout
                  + ": is Kafka up?");
        }
        for (ConsumerRecord<byte[], byte[]> message : consumer.poll(POLL)) {
          SchemaRecord record = decode(message);
          if (record != null) {
            sink.accept(record);
          }
        }
      }
    } catch (KafkaException e) {
      throw failure("Could not read " + describe() + ": " + e.getMessage(), e);
    }
  }

  private SchemaRecord decode(ConsumerRecord<byte[], byte[]> message) {
    if (message.key() == null || message.value() == null) {
      return null;
    }
    try {
      JsonNode key = json.readTree(message.key());
      if (key == null || !"SCHEMA".equals(key.path("keytype").asText())) {
        return null;
      }
      JsonNode value = json.readTree(message.value());
      if (value == null || value.path("deleted").asBoolean(false)) {
        return null;
      }
      return new SchemaRecord(
          value.path("subject").asText(),
          value.path("version").asInt(),
          value.path("id").asInt(),
          value.path("schema").asText());
    } catch (IOException | IllegalArgumentException e) {
      log.warn(
          "Skipping unreadable record at offset {} of {}: {}",
          message.offset(),
          describe(),
          e.getMessage());
      return null;
    }
  }

  private byte[] keyOf(SchemaRecord record) {
    ObjectNode key = json.createObjectNode();
    key.put("keytype", "SCHEMA");
    key.put("subject", record.subject());
    key.put("version", record.version());
    key.put("id", record.id());
    key.put("magic", 1);
    return key.toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] valueOf(SchemaRecord record) {
    ObjectNode value = json.createObjectNode();
    value.put("subject", record.subject());
    value.put("version", record.version());
    value.put("id", record.id());
    value.put("schema", record.schema());
    value.put("deleted", false);
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  private SchemaStoreException failure(String message, Throwable cause) {
    return new SchemaStoreException(message, cause);
  }

  private Map<String, Object> adminConfig() {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "dev-schema-registry-admin");
    config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(
        CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    return config;
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "dev-schema-registry-writer");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    return config;
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "dev-schema-registry-reader");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Reading back one's own write waits for the fetch already parked at the broker: keep it short.
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    return config;
  }

  /** Builds a {@link KafkaSchemaStore}; not thread-safe. */
  public static final class Builder {
    private final String bootstrapServers;
    private String topic = DEFAULT_TOPIC;
    private short replicationFactor = DEFAULT_REPLICATION_FACTOR;
    private Duration timeout = DEFAULT_TIMEOUT;
    private final Map<String, Object> clientProperties = new HashMap<>();

    private Builder(String bootstrapServers) {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException(
            "bootstrapServers must name at least one broker, e.g. 127.0.0.1:9092");
      }
      this.bootstrapServers = bootstrapServers;
    }

    public Builder topic(String topic) {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("topic must be non-blank");
      }
      this.topic = topic;
      return this;
    }

    /** Used only when the store creates the topic. */
    public Builder replicationFactor(short replicationFactor) {
      if (replicationFactor < 1) {
        throw new IllegalArgumentException(
            "replicationFactor must be at least 1, got " + replicationFactor);
      }
      this.replicationFactor = replicationFactor;
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Extra Kafka client settings for all three clients (security, for instance). */
    public Builder clientProperties(Map<String, ?> properties) {
      clientProperties.putAll(properties);
      return this;
    }

    public KafkaSchemaStore build() {
      return new KafkaSchemaStore(this);
    }
  }
}
