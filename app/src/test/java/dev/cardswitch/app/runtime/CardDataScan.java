package dev.cardswitch.app.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.topology.TopologySerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Looks for card data in clear in every topic of a cluster (internal ones included: changelogs,
 * repartition topics, {@code _schemas}), reading every record with {@code read_uncommitted}, so
 * aborted transactions are searched too. The card values to look for are recovered by opening the
 * card references' envelopes with the service's key ring: the test knows exactly what must not leak.
 */
final class CardDataScan {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The clear values of every card referenced on {@code referenceTopic}: numbers, names, streets, phones, CVVs. */
  static Set<String> secretsOf(String bootstrap, SchemaRegistryClient registry, String referenceTopic, KeyRing ring)
      throws Exception {
    Set<String> secrets = new LinkedHashSet<>();
    var deserializer = TopologySerdes.of(registry).cardReference().deserializer();
    for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, List.of(referenceTopic))) {
      CardReference reference = deserializer.deserialize(referenceTopic, r.value());
      byte[] clear = ring.decrypt(reference.getCardEnvelope());
      JsonNode doc = JSON.readTree(clear);
      java.util.Arrays.fill(clear, (byte) 0);
      secrets.add(doc.at("/card/number").asText());
      secrets.add("\"" + doc.at("/card/cvv").asText() + "\""); // as it would appear in JSON
      secrets.add(cvvAsAvroString(doc.at("/card/cvv").asText()));
      secrets.add(doc.at("/user/name/first_name").asText() + " " + doc.at("/user/name/last_name").asText());
      secrets.add(doc.at("/user/address/street").asText());
      secrets.add(doc.at("/user/phone_number").asText());
    }
    return secrets;
  }

  /** An Avro string: zig-zag length byte, then the characters. */
  private static String cvvAsAvroString(String cvv) {
    return new String(new byte[] {(byte) (cvv.length() * 2)}, StandardCharsets.ISO_8859_1) + cvv;
  }

  /** Every topic and what was found in it: topic → the secrets seen (empty lists are left out). */
  static Map<String, List<String>> scan(String bootstrap, Set<String> secrets) throws Exception {
    Set<String> topics;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    }
    Map<String, List<String>> found = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, new ArrayList<>(topics))) {
      StringBuilder text = new StringBuilder();
      append(text, r.key());
      append(text, r.value());
      for (Header h : r.headers()) {
        text.append(h.key());
        append(text, h.value());
      }
      String haystack = text.toString();
      for (String secret : secrets) {
        if (haystack.contains(secret)) {
          found.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(secret);
        }
      }
    }
    return found;
  }

  /** How many records {@code topic} holds (committed or not). */
  static int topicRecordCount(String bootstrap, String topic) {
    return readAll(bootstrap, List.of(topic)).size();
  }

  static int topicCount(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().size();
    }
  }

  private static void append(StringBuilder text, byte[] bytes) {
    if (bytes != null) {
      text.append(new String(bytes, StandardCharsets.ISO_8859_1)).append('\u0000');
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, List<String> topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
