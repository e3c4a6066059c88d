package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The scan finds card data where it is, in values, keys, headers and aborted transactions. */
class CardDataScanTest {

  @Test
  void findsCardDataInValuesKeysHeadersAndAbortedTransactions() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
      kafka.createTopic("clean", 1, Map.of());
      kafka.createTopic("leaky", 2, Map.of());
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "scan-test");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
          new ByteArraySerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("clean", bytes("k"), bytes("**** 4242")));
        producer.send(new ProducerRecord<>("leaky", bytes("k"), bytes("{\"number\":\"4111111111111111\"}")));
        producer.commitTransaction();
        producer.beginTransaction();
        ProducerRecord<byte[], byte[]> withHeader = new ProducerRecord<>("leaky", bytes("k"), bytes("v"));
        withHeader.headers().add("h", bytes("Ada Lovelace"));
        producer.send(withHeader);
        producer.flush(); // on the broker, then aborted: what a crash leaves behind
        producer.abortTransaction();
      }
      assertEquals(Map.of("leaky", List.of("4111111111111111", "Ada Lovelace")),
          sorted(CardDataScan.scan(kafka.bootstrapServers(), Set.of("4111111111111111", "Ada Lovelace"))));
    }
  }

  private static Map<String, List<String>> sorted(Map<String, List<String>> found) {
    found.replaceAll((k, v) -> v.stream().sorted().toList());
    return found;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
