package dev.cardswitch.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.topology.TopologySerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
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
 * repartition topics, {@code _schemas}), reading every record {@code read_uncommitted}, so aborted
 * transactions (what a crash leaves behind) are searched too: keys, values and headers. The values
 * to look for are recovered by opening the card references' envelopes with the service's key ring:
 * the check knows exactly what must not leak ({@link CardSecrets}).
 *
 * <p>Stateless; each call opens its own clients.
 */
public final class CardDataScan {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(200);

  private CardDataScan() {}

  /**
   * The clear values of every card referenced on {@code referenceTopic} that the key ring opens:
   * numbers, CVVs (quoted as in JSON, and as an Avro string), names, streets, phones. References that
   * do not open (a tampered envelope, another key, an unreadable record) are skipped: card-switch
   * cannot read them either.
   */
  public static CardSecrets secretsOf(String bootstrap, SchemaRegistryClient registry, String referenceTopic,
      KeyRing ring) {
    CardSecrets.Builder secrets = CardSecrets.builder();
    var deserializer = TopologySerdes.of(registry).cardReference().deserializer();
    readAll(bootstrap, List.of(referenceTopic), r -> {
      byte[] clear = null;
      try {
        CardReference reference = deserializer.deserialize(referenceTopic, r.value());
        if (reference == null) {
          return;
        }
        clear = ring.decrypt(reference.getCardEnvelope());
        JsonNode doc = JSON.readTree(clear);
        String cvv = doc.at("/card/cvv").asText();
        secrets.add(CardSecrets.Kind.CARD_NUMBER, doc.at("/card/number").asText());
        secrets.add(CardSecrets.Kind.CVV, "\"" + cvv + "\"");
        if (!cvv.isEmpty() && cvv.length() < 64) {
          // As an Avro string: the zig-zag length byte, then the characters.
          secrets.add(CardSecrets.Kind.CVV,
              new String(new byte[] {(byte) (cvv.length() * 2)}, StandardCharsets.ISO_8859_1) + cvv);
        }
        secrets.add(CardSecrets.Kind.CARDHOLDER_NAME,
            doc.at("/user/name/first_name").asText() + " " + doc.at("/user/name/last_name").asText());
        secrets.add(CardSecrets.Kind.STREET, doc.at("/user/address/street").asText());
        secrets.add(CardSecrets.Kind.PHONE_NUMBER, doc.at("/user/phone_number").asText());
      } catch (RuntimeException | IOException e) {
        // Not readable, or not openable: nothing card-switch could leak from it.
      } finally {
        if (clear != null) {
          Arrays.fill(clear, (byte) 0);
        }
      }
    });
    return secrets.build();
  }

  /** Every topic and what was found in it (masked): topic → findings; clean topics are left out. */
  public static Map<String, Set<CardSecrets.Finding>> scan(String bootstrap, CardSecrets secrets) {
    Map<String, Set<CardSecrets.Finding>> found = new TreeMap<>();
    StringBuilder text = new StringBuilder();
    readAll(bootstrap, new ArrayList<>(topics(bootstrap)), r -> {
      text.setLength(0);
      append(text, r.key());
      append(text, r.value());
      for (Header h : r.headers()) {
        text.append(h.key()).append('\u0000');
        append(text, h.value());
      }
      Set<CardSecrets.Finding> here = secrets.findIn(text);
      if (!here.isEmpty()) {
        found.computeIfAbsent(r.topic(), t -> new LinkedHashSet<>()).addAll(here);
      }
    });
    return found;
  }

  /** The names of every topic, internal ones included. */
  public static Set<String> topics(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing the topics of " + bootstrap, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list the topics of " + bootstrap + ": " + e.getCause(), e);
    }
  }

  /** How many records {@code topic} holds, uncommitted ones included. */
  public static int topicRecordCount(String bootstrap, String topic) {
    int[] count = {0};
    readAll(bootstrap, List.of(topic), r -> count[0]++);
    return count[0];
  }

  private static void append(StringBuilder text, byte[] bytes) {
    if (bytes != null) {
      text.append(new String(bytes, StandardCharsets.ISO_8859_1)).append('\u0000');
    }
  }

  /** Reads every record of {@code topics} up to their current end, uncommitted ones included. */
  private static void readAll(String bootstrap, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
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
        consumer.poll(POLL).forEach(each);
      }
    }
  }
}
