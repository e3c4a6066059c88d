package dev.cardswitch.soak;

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
      CardSecrets secrets = CardSecrets.builder()
          .add(CardSecrets.Kind.CARD_NUMBER, "4111111111111111")
          .add(CardSecrets.Kind.CARDHOLDER_NAME, "Ada Lovelace")
          .build();
      assertEquals(Map.of("leaky", Set.of(
              new CardSecrets.Finding(CardSecrets.Kind.CARD_NUMBER, "****11 (16 chars)"),
              new CardSecrets.Finding(CardSecrets.Kind.CARDHOLDER_NAME, "****ce (12 chars)"))),
          CardDataScan.scan(kafka.bootstrapServers(), secrets));
    }
  }

  @Test
  void findsEverySecretInOnePassOverlappingOnesIncluded() {
    CardSecrets secrets = CardSecrets.of(List.of("4111111111111111", "1111", "Ada Lovelace", "love", "abcab"));
    assertEquals(List.of("**** (4 chars)", "****11 (16 chars)"),
        secrets.findIn("x4111111111111111y").stream().map(CardSecrets.Finding::masked).toList());
    assertEquals(Set.of(), secrets.findIn("Ada Lovelac e 4111 111 lov"));
    assertEquals(1, secrets.findIn("xxabcabcab").size());
    assertEquals(1, secrets.findIn("I love it").size());
    assertEquals("CardSecrets{OTHER=5}", secrets.toString(), "the secrets themselves are never printed");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
