package dev.cardswitch.loader;

import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.cardswitch.schemas.CardReference;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The latest card reference of every card id on the card-reference topic, as far as the tools need
 * it: the loader's fingerprint header and the kid of the envelope's key, read from the JWE's
 * protected header without opening anything. Read once, committed records only ({@code
 * read_committed}), from the beginning to the end offsets taken at the start. Immutable; thread-safe.
 */
public final class StoredReferences {

  /** What is known of one stored reference. {@code fingerprint} is null when not written by the loader. */
  public record Stored(String fingerprint, String kid) {}

  /** How long to wait for the broker before saying it is unreachable. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /** The kid counted for an envelope whose header cannot be read. */
  public static final String UNREADABLE_KID = "(unreadable)";

  private final Map<String, Stored> byCardId;

  private StoredReferences(Map<String, Stored> byCardId) {
    this.byCardId = Collections.unmodifiableMap(byCardId);
  }

  /**
   * Reads {@code topic} to its current end.
   *
   * @param clientProperties extra consumer properties (security settings)
   * @throws LoadException {@link LoadException#UNREACHABLE} when the broker or topic is not there
   */
  public static StoredReferences read(String bootstrapServers, Map<String, Object> clientProperties, String topic,
      Deserializer<CardReference> deserializer) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "card-switch-reference-reader");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
    Map<String, Stored> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, DEFAULT_TIMEOUT);
      } catch (KafkaException e) {
        throw unreachable(bootstrapServers, topic, e);
      }
      if (infos == null || infos.isEmpty()) {
        throw unreachable(bootstrapServers, topic, null);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, DEFAULT_TIMEOUT);
      Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (Instant.now().isAfter(deadline)) {
          throw new LoadException(LoadException.UNREACHABLE, "reading " + topic + " took more than 10 minutes:"
              + " check the broker at " + bootstrapServers);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          if (r.value() == null) {
            latest.remove(r.key());
            continue;
          }
          CardReference reference = deserializer.deserialize(topic, r.value());
          Header header = r.headers().lastHeader(ReferenceFingerprint.HEADER);
          String fingerprint = header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
          latest.put(r.key(), new Stored(fingerprint, kidOf(reference.getCardEnvelope())));
        }
      }
    } catch (KafkaException e) {
      throw unreachable(bootstrapServers, topic, e);
    }
    return new StoredReferences(latest);
  }

  /** The kid of an envelope's protected header, without decrypting; {@link #UNREADABLE_KID} when unreadable. */
  public static String kidOf(String envelope) {
    int dot = envelope == null ? -1 : envelope.indexOf('.');
    if (dot <= 0) {
      return UNREADABLE_KID;
    }
    try {
      String kid = JWEHeader.parse(new Base64URL(envelope.substring(0, dot))).getKeyID();
      return kid == null ? UNREADABLE_KID : kid;
    } catch (ParseException | RuntimeException e) {
      return UNREADABLE_KID;
    }
  }

  public Stored get(String cardId) {
    return byCardId.get(cardId);
  }

  public int size() {
    return byCardId.size();
  }

  /** How many current references are sealed to each kid, by kid. */
  public Map<String, Integer> countByKid() {
    Map<String, Integer> counts = new TreeMap<>();
    byCardId.values().forEach(s -> counts.merge(s.kid(), 1, Integer::sum));
    return counts;
  }

  private static LoadException unreachable(String bootstrapServers, String topic, Exception cause) {
    return new LoadException(LoadException.UNREACHABLE, "cannot read topic " + topic + " on the Kafka broker at "
        + bootstrapServers + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")")
        + ": start the stack first (./card-switch stack, or ./card-switch run), or set KAFKA_BOOTSTRAP_SERVERS"
        + " and CARD_REFERENCE_TOPIC to the running cluster's", cause);
  }
}
