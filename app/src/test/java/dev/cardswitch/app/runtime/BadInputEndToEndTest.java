package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotMerchant;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.serde.AvroSerde;
import dev.cardswitch.soak.CardDataScan;
import dev.cardswitch.soak.CardSecrets;
import dev.cardswitch.testing.LogCapture;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input in one batch through the running service on the real (embedded) broker,
 * good events around them: each bad record becomes exactly one dead letter with the right reason,
 * each good event is switched once, the streams keep running, and no card value is published or
 * logged.
 */
class BadInputEndToEndTest {

  /** Short, so that the unknown card's dead letter comes quickly; still ample for a local Knot. */
  static final Duration WINDOW = Duration.ofSeconds(5);

  @TempDir Path dataDir;

  private Map<String, String> embedded() {
    return new HashMap<>(Map.of("DATA_DIR", dataDir.toString(), "KAFKA_PORT", "0", "SCHEMA_REGISTRY_PORT", "0",
        "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0", "TOPIC_PARTITIONS", "3", "SWITCH_WINDOW", WINDOW.toSeconds() + "s"));
  }

  /** What one bad or good record must end as: a dead letter's reason, or SWITCHED (reason null). */
  private record Expected(String what, DeadLetterReason reason, String invalidField) {}

  @Test
  void turnsEachBadRecordIntoOneDeadLetterAndSwitchesTheGoodOnesAroundThem() throws Exception {
    try (LogCapture logs = LogCapture.capture(Level.DEBUG)) {
      AppConfig config = Launch.configure(embedded(), List.of());
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      try (Launch launch = Launch.start(config, new PrintStream(banner, true)).awaitRunning(Duration.ofSeconds(90))) {
        run(launch, config.topology(), logs);
      }
    }
  }

  private void run(Launch launch, TopologyConfig topics, LogCapture logs) throws Exception {
    String bootstrap = launch.stack().bootstrapServers();
    SchemaRegistryClient registry = launch.service().registry();
    TopologySerdes serdes = TopologySerdes.of(registry);
    KnotSandbox sandbox = launch.stack().sandbox().orElseThrow();
    ECKey serviceKey = launch.service().keyRing().currentPublicKey();
    long base = System.currentTimeMillis() * 1000; // task ids no earlier run used
    Instant now = Instant.now();

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // By task id, the expected result of every event that carries one; by source offset, the others.
    Map<Long, Expected> byTask = new LinkedHashMap<>();
    Map<String, Expected> byOffset = new LinkedHashMap<>();
    List<Long> good = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      // The issuer's card references: one valid card, and one per way a card can be broken.
      Map<String, CardReference> cards = new LinkedHashMap<>();
      cards.put("bi-good", TestCards.reference("bi-good", TestCards.seedDocument(), serviceKey, now));
      CardReference tampered = TestCards.reference("bi-tampered", TestCards.seedDocument(), serviceKey, now);
      String[] parts = tampered.getCardEnvelope().split("\\.");
      parts[3] = (parts[3].charAt(0) == 'A' ? 'B' : 'A') + parts[3].substring(1);
      tampered.setCardEnvelope(String.join(".", parts));
      cards.put("bi-tampered", tampered);
      CardReference notJwe = TestCards.reference("bi-not-jwe", TestCards.seedDocument(), serviceKey, now);
      notJwe.setCardEnvelope("eyJub3QiOiJhIEpXRSJ9");
      cards.put("bi-not-jwe", notJwe);
      cards.put("bi-retired-key", TestCards.reference("bi-retired-key", TestCards.seedDocument(),
          JwkSetKeyRing.generate("retired-2019"), now));
      Map<String, UnaryOperator<CardDocument.Builder>> broken = new LinkedHashMap<>();
      broken.put("user.address.postal_code", b -> b.postalCode("123"));
      broken.put("card.expiration", b -> b.expiration("01/2020"));
      broken.put("card.number", b -> b.number("4242424242424241"));
      broken.put("user.address.region", b -> b.region("ON"));
      broken.put("user.phone_number", b -> b.phoneNumber("212-555-0100"));
      broken.put("card.cvv", b -> b.cvv("12"));
      broken.put("user.name.first_name", b -> b.firstName(null));
      broken.forEach((path, change) -> {
        String cardId = "bi-invalid-" + path;
        cards.put(cardId, TestCards.reference(cardId, change.apply(TestCards.seedDocument()), serviceKey, now));
      });
      for (CardReference card : cards.values()) {
        producer.send(new ProducerRecord<>(topics.cardReferenceTopic(), card.getCardId(),
            serdes.cardReference().serializer().serialize(topics.cardReferenceTopic(), card)));
      }
      RecordMetadata badReference = producer.send(new ProducerRecord<>(topics.cardReferenceTopic(), "bi-garbage",
          "not a card reference".getBytes(StandardCharsets.UTF_8))).get();
      byOffset.put(coordinates(badReference), new Expected("unreadable card reference",
          DeadLetterReason.MALFORMED_CARD_REFERENCE, null));
      producer.flush();

      // The events, good ones between the bad ones.
      long task = base;
      List<ProducerRecord<String, byte[]>> unreadable = new ArrayList<>();
      Map<ProducerRecord<String, byte[]>, String> unreadableWhat = new LinkedHashMap<>();
      byte[] validBody = serdes.event().serializer().serialize(topics.webhookTopic(),
          TestCards.authenticated(1, "bi-good", true, now));
      unreadableWhat.put(raw(topics, "{\"event\":\"AUTHENTICATED\",\"task_id\":1}".getBytes(StandardCharsets.UTF_8)),
          "a JSON body");
      unreadableWhat.put(raw(topics, new byte[] {0x13, 0x37, 0x00, 0x42}), "bytes that are not Avro");
      unreadableWhat.put(raw(topics, new byte[0]), "an empty value");
      byte[] unknownId = validBody.clone();
      unknownId[1] = 0x7f; // schema id 0x7f0000xx: the registry has no such id
      unreadableWhat.put(raw(topics, unknownId), "an unknown schema id");
      unreadableWhat.put(raw(topics, serdes.cardReference().serializer().serialize(topics.cardReferenceTopic(),
          cards.get("bi-good"))), "a record of another type");
      unreadableWhat.put(raw(topics, mistyped(registry, TestCards.authenticated(2, "bi-good", true, now))),
          "a mistyped field");
      KnotWebhookEvent huge = TestCards.authenticated(++task, "bi-good", true, Instant.now());
      huge.setMerchant(new KnotMerchant(10L, "x".repeat(TopologyConfig.DEFAULT_MAX_EVENT_BYTES)));
      unreadableWhat.put(raw(topics, serdes.event().serializer().serialize(topics.webhookTopic(), huge)),
          "an oversized value");
      unreadable.addAll(unreadableWhat.keySet());

      List<Runnable> sends = new ArrayList<>();
      Map<Long, KnotWebhookEvent> events = new LinkedHashMap<>();
      for (ProducerRecord<String, byte[]> record : unreadable) {
        long goodTask = ++task;
        good.add(goodTask);
        events.put(goodTask, TestCards.authenticated(goodTask, "bi-good", true, now));
        sends.add(() -> send(producer, record, byOffset, unreadableWhat.get(record)));
      }
      long unknownCard = ++task;
      events.put(unknownCard, TestCards.authenticated(unknownCard, "bi-no-such-card", true, now));
      byTask.put(unknownCard, new Expected("an unknown card", DeadLetterReason.NO_CARD_REFERENCE, null));
      long missingSendCard = ++task;
      events.put(missingSendCard, TestCards.event("AUTHENTICATED", missingSendCard, "bi-good", null, now));
      byTask.put(missingSendCard, new Expected("no send_card", DeadLetterReason.MALFORMED_EVENT, "data.send_card"));
      long late = ++task;
      events.put(late, TestCards.authenticated(late, "bi-good", true, now.minus(WINDOW).minusSeconds(1)));
      byTask.put(late, new Expected("an event past its deadline", DeadLetterReason.DEADLINE_EXCEEDED, null));
      for (String[] c : new String[][] {{"bi-tampered", "UNDECRYPTABLE_ENVELOPE", "a tampered envelope"},
          {"bi-not-jwe", "UNDECRYPTABLE_ENVELOPE", "an envelope that is not a JWE"},
          {"bi-retired-key", "UNKNOWN_ENVELOPE_KEY", "an envelope for an unknown kid"}}) {
        long t = ++task;
        events.put(t, TestCards.authenticated(t, c[0], true, now));
        byTask.put(t, new Expected(c[2], DeadLetterReason.valueOf(c[1]), null));
      }
      for (String path : broken.keySet()) {
        long t = ++task;
        events.put(t, TestCards.authenticated(t, "bi-invalid-" + path, true, now));
        byTask.put(t, new Expected("an invalid " + path, DeadLetterReason.INVALID_CARD_DATA, path));
      }
      for (int i = 0; i < 3; i++) {
        long goodTask = ++task;
        good.add(goodTask);
        events.put(goodTask, TestCards.authenticated(goodTask, "bi-good", true, now));
      }
      // Interleave: each unreadable record after a good event, then the rest.
      List<Long> order = new ArrayList<>(events.keySet());
      int unreadableSent = 0;
      for (long t : order) {
        KnotWebhookEvent event = events.get(t);
        event.setReceivedAt(t == late ? event.getReceivedAt() : Instant.now());
        producer.send(new ProducerRecord<>(topics.webhookTopic(), Long.toString(t),
            serdes.event().serializer().serialize(topics.webhookTopic(), event)));
        if (unreadableSent < sends.size() && good.contains(t)) {
          sends.get(unreadableSent++).run();
        }
      }
      producer.flush();
      for (long t : good) {
        byTask.put(t, new Expected("a good event", null, null));
      }

      // A duplicate of a task already switched, then one more good event.
      long first = good.get(0);
      try (ResultTopics results = new ResultTopics(bootstrap, registry, topics)) {
        results.until(r -> r.containsKey(first), Duration.ofSeconds(60));
        KnotWebhookEvent again = TestCards.authenticated(first, "bi-good", true, Instant.now());
        producer.send(new ProducerRecord<>(topics.webhookTopic(), Long.toString(first),
            serdes.event().serializer().serialize(topics.webhookTopic(), again))).get();
        long after = ++task;
        good.add(after);
        byTask.put(after, new Expected("a good event after the duplicate", null, null));
        producer.send(new ProducerRecord<>(topics.webhookTopic(), Long.toString(after),
            serdes.event().serializer().serialize(topics.webhookTopic(), TestCards.authenticated(after, "bi-good", true,
                Instant.now())))).get();

        Map<Long, List<Object>> all = results.until(r -> r.keySet().containsAll(byTask.keySet())
            && r.getOrDefault(first, List.of()).size() >= 2
            && r.getOrDefault(-1L, List.of()).size() >= byOffset.size(), Duration.ofSeconds(60));
        // Whatever else is committed by now is read too, so a second result would be seen.
        results.until(r -> false, Duration.ofSeconds(2));

        Map<String, String> wrong = new TreeMap<>();
        for (Map.Entry<Long, Expected> e : byTask.entrySet()) {
          List<Object> got = all.getOrDefault(e.getKey(), List.of());
          int expectedCount = e.getKey() == first ? 2 : 1;
          if (got.size() != expectedCount) {
            wrong.put(e.getValue().what() + " (task " + e.getKey() + ")", got.size() + " results: " + got);
            continue;
          }
          Object result = got.get(0);
          if (e.getValue().reason() == null) {
            if (!(result instanceof SwitchOutcome o) || o.getStatus() != SwitchStatus.SWITCHED) {
              wrong.put(e.getValue().what() + " (task " + e.getKey() + ")", "not switched: " + result);
            }
          } else if (!(result instanceof DeadLetter d) || d.getReason() != e.getValue().reason()
              || (e.getValue().invalidField() != null
                  && !d.getInvalidFields().stream().anyMatch(f -> f.startsWith(e.getValue().invalidField() + ":")))) {
            wrong.put(e.getValue().what() + " (task " + e.getKey() + ")", "expected " + e.getValue().reason()
                + ", got " + result);
          }
        }
        List<Object> duplicates = all.get(first);
        if (duplicates.size() == 2 && !(duplicates.get(1) instanceof DeadLetter d
            && d.getReason() == DeadLetterReason.DUPLICATE_EVENT)) {
          wrong.put("a duplicate of a switched task", "expected DUPLICATE_EVENT, got " + duplicates.get(1));
        }
        Map<String, DeadLetter> unreadableLetters = new HashMap<>();
        for (Object o : all.getOrDefault(-1L, List.of())) {
          DeadLetter d = (DeadLetter) o;
          String key = d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset();
          if (unreadableLetters.put(key, d) != null) {
            wrong.put("record " + key, "more than one dead letter");
          }
        }
        for (Map.Entry<String, Expected> e : byOffset.entrySet()) {
          DeadLetter d = unreadableLetters.remove(e.getKey());
          if (d == null || d.getReason() != e.getValue().reason()) {
            wrong.put(e.getValue().what() + " at " + e.getKey(), "expected " + e.getValue().reason() + ", got " + d);
          }
        }
        if (!unreadableLetters.isEmpty()) {
          wrong.put("unexpected dead letters without a task", unreadableLetters.toString());
        }
        Set<Long> extra = new java.util.TreeSet<>(all.keySet());
        extra.removeAll(byTask.keySet());
        extra.remove(-1L);
        if (!extra.isEmpty()) {
          wrong.put("results for tasks never sent", extra.toString());
        }
        assertEquals(Map.of(), wrong, "every bad record is one dead letter with the right reason");
      }
    }

    assertEquals(KafkaStreams.State.RUNNING, launch.service().state(), "the streams keep running");
    for (long t : good) {
      assertEquals(1, sandbox.calls(t).successes(), "task " + t + " reached Knot exactly once");
    }
    for (long t : byTask.keySet()) {
      if (!good.contains(t)) {
        assertEquals(0, sandbox.calls(t).calls(), "Knot was never called for bad task " + t);
      }
    }
    CardSecrets secrets = CardDataScan.secretsOf(bootstrap, registry, topics.cardReferenceTopic(),
        launch.service().keyRing());
    assertTrue(secrets.contains(TestCards.PAN), "the scan knows what to look for");
    assertEquals(Map.of(), CardDataScan.scan(bootstrap, secrets), "card data in clear in these topics");
    assertEquals(Set.of(), secrets.findIn(logs.text()), "card data in clear in the logs");
  }

  private static ProducerRecord<String, byte[]> raw(TopologyConfig topics, byte[] value) {
    return new ProducerRecord<>(topics.webhookTopic(), "bad-" + value.length, value);
  }

  private static void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record,
      Map<String, Expected> byOffset, String what) {
    try {
      RecordMetadata m = producer.send(record).get();
      byOffset.put(coordinates(m), new Expected(what, DeadLetterReason.MALFORMED_EVENT, null));
    } catch (Exception e) {
      throw new AssertionError("could not produce " + what, e);
    }
  }

  private static String coordinates(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }

  /** {@code event} written with a schema whose task_id is a string, registered under another subject. */
  private static byte[] mistyped(SchemaRegistryClient registry, KnotWebhookEvent event) {
    Schema schema = new Schema.Parser().parse(KnotWebhookEvent.getClassSchema().toString()
        .replace("{\"name\":\"task_id\",\"type\":\"long\"", "{\"name\":\"task_id\",\"type\":\"string\""));
    GenericData.Record record = new GenericData.Record(schema);
    GenericRecord specific = event;
    for (Schema.Field field : schema.getFields()) {
      Object value = specific.get(field.name());
      if (value instanceof Instant instant) {
        value = instant.toEpochMilli();
      } else if (value instanceof org.apache.avro.specific.SpecificRecord nested) {
        GenericData.Record copy = new GenericData.Record(field.schema());
        for (Schema.Field f : field.schema().getFields()) {
          copy.put(f.name(), nested.get(nested.getSchema().getField(f.name()).pos()));
        }
        value = copy;
      }
      record.put(field.name(), value);
    }
    record.put("task_id", Long.toString(event.getTaskId()));
    return AvroSerde.generic(registry, false).serializer().serialize("legacy-webhooks", record);
  }
}
