package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotMerchant;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input that {@link SwitchTopologyTest} does not already cover, each becoming exactly one dead
 * letter with the right reason while the stream keeps running: webhook values that cannot be read
 * (unknown schema id, another record type, a mistyped or missing field, truncated Avro, an oversized
 * value), envelopes that cannot be opened, and one card document per broken rule of Knot's.
 */
class BadInputTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static final ECKey SERVICE_KEY = JwkSetKeyRing.generate("service-key-1");

  static DevSchemaRegistry registry;
  static HttpSchemaRegistryClient registryClient;

  TestClock clock;
  FakeKnot knot;
  TopologySerdes serdes;
  TopologyTestDriver driver;
  TestInputTopic<String, KnotWebhookEvent> webhooks;
  TestInputTopic<String, byte[]> rawWebhooks;
  TestInputTopic<String, CardReference> references;
  TestOutputTopic<String, SwitchOutcome> outcomes;
  TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeAll
  static void startRegistry() {
    registry = DevSchemaRegistry.builder().build().start();
    registryClient = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void start() {
    TopologyConfig config = TopologyConfig.defaults();
    clock = new TestClock(T0);
    knot = new FakeKnot();
    serdes = TopologySerdes.of(registryClient);
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT);
    var topology = SwitchTopology.build(config, new SwitchPorts(knot, ring, clock, new SwitchCounters()), serdes);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "card-switch-bad-input-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.putAll(DeadLetterExceptionHandler.streamsConfig(config.webhookTopic(), config.cardReferenceTopic(),
        config.deadLetterTopic(), serdes.deadLetter().serializer(), clock));
    driver = new TopologyTestDriver(topology, props, T0);
    webhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(), serdes.event().serializer());
    rawWebhooks = driver.createInputTopic(config.webhookTopic(), new StringSerializer(), new ByteArraySerializer());
    references = driver.createInputTopic(config.cardReferenceTopic(), new StringSerializer(),
        serdes.cardReference().serializer());
    outcomes = driver.createOutputTopic(config.outcomeTopic(), new StringDeserializer(), serdes.outcome().deserializer());
    deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new StringDeserializer(),
        serdes.deadLetter().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void advance(Duration by) {
    clock.advance(by);
    driver.advanceWallClockTime(by);
  }

  private void sendEvent(long taskId, String cardId) {
    webhooks.pipeInput(Long.toString(taskId), TestCards.authenticated(taskId, cardId, true, clock.instant()));
    advance(TopologyConfig.DEFAULT_COMPLETION_INTERVAL);
  }

  /** One dead letter for an unreadable webhook value, and a good event after it still reaches Knot. */
  private DeadLetter deadLetterForUnreadable(byte[] value) {
    rawWebhooks.pipeInput("4711", value);
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(1, letters.size(), "exactly one dead letter: " + letters);
    DeadLetter deadLetter = letters.get(0);
    assertEquals(DeadLetterReason.MALFORMED_EVENT, deadLetter.getReason());
    assertEquals("knot-webhooks", deadLetter.getSourceTopic());
    assertEquals(value.length, deadLetter.getSourceValueSize());
    assertEquals(64, deadLetter.getSourceValueSha256().length());
    assertFalse(deadLetter.getReplayable());
    assertTrue(outcomes.isEmpty());

    references.pipeInput("card-1", TestCards.reference("card-1", TestCards.seedDocument(), SERVICE_KEY, T0));
    sendEvent(100, "card-1");
    assertEquals(1, knot.calls().size(), "the stream keeps running after the bad record");
    return deadLetter;
  }

  private static byte[] framed(int schemaId, byte[] body) {
    byte[] value = new byte[5 + body.length];
    value[0] = 0;
    value[1] = (byte) (schemaId >>> 24);
    value[2] = (byte) (schemaId >>> 16);
    value[3] = (byte) (schemaId >>> 8);
    value[4] = (byte) schemaId;
    System.arraycopy(body, 0, value, 5, body.length);
    return value;
  }

  @Test
  void deadLettersAValueWithASchemaIdTheRegistryDoesNotHave() {
    byte[] valid = serdes.event().serializer().serialize("knot-webhooks", TestCards.authenticated(7, "card-1", true, T0));
    byte[] unknownId = framed(987_654, Arrays.copyOfRange(valid, 5, valid.length));
    DeadLetter deadLetter = deadLetterForUnreadable(unknownId);
    assertTrue(deadLetter.getDetail().contains("Unknown schema id 987654"), deadLetter.getDetail());
    assertNull(deadLetter.getTaskId(), "nothing was decoded, so no task id");
  }

  @Test
  void deadLettersARecordOfAnotherTypeWrittenToTheWebhookTopic() {
    // An issuer's producer that writes its card references to the webhook topic by mistake.
    CardReference misrouted = TestCards.reference("card-9", TestCards.seedDocument(), SERVICE_KEY, T0);
    byte[] value = serdes.cardReference().serializer().serialize("card-references", misrouted);
    DeadLetter deadLetter = deadLetterForUnreadable(value);
    assertTrue(deadLetter.getDetail().contains("cannot be read as dev.cardswitch.schemas.KnotWebhookEvent"),
        deadLetter.getDetail());
    assertFalse(deadLetter.toString().contains(misrouted.getCardEnvelope()), "the misrouted record is not copied");
  }

  @Test
  void deadLettersAnEventWrittenWithAMistypedField() {
    // task_id as a string: a schema the registry holds (under another subject), which cannot be read as ours.
    Schema mistyped = new Schema.Parser().parse(KnotWebhookEvent.getClassSchema().toString()
        .replace("{\"name\":\"task_id\",\"type\":\"long\"", "{\"name\":\"task_id\",\"type\":\"string\""));
    assertFalse(mistyped.toString().equals(KnotWebhookEvent.getClassSchema().toString()), "the schema was changed");
    GenericRecord record = copyOf(TestCards.authenticated(8, "card-1", true, T0), mistyped, r -> {
      r.put("task_id", "8");
      return r;
    });
    byte[] value = AvroSerde.generic(registryClient, false).serializer().serialize("legacy-webhooks", record);
    DeadLetter deadLetter = deadLetterForUnreadable(value);
    assertTrue(deadLetter.getDetail().contains("TYPE_MISMATCH at task_id"), deadLetter.getDetail());
  }

  @Test
  void deadLettersAnEventWrittenWithoutARequiredField() {
    Schema noTaskId = KnotWebhookEvent.getClassSchema();
    List<Schema.Field> fields = noTaskId.getFields().stream()
        .filter(f -> !f.name().equals("task_id"))
        .map(f -> new Schema.Field(f, f.schema()))
        .toList();
    Schema missing = Schema.createRecord(noTaskId.getName(), noTaskId.getDoc(), noTaskId.getNamespace(), false, fields);
    GenericRecord record = copyOf(TestCards.authenticated(9, "card-1", true, T0), missing, UnaryOperator.identity());
    byte[] value = AvroSerde.generic(registryClient, false).serializer().serialize("other-webhooks", record);
    DeadLetter deadLetter = deadLetterForUnreadable(value);
    assertTrue(deadLetter.getDetail().contains("task_id"), deadLetter.getDetail());
  }

  @Test
  void deadLettersTruncatedAvro() {
    byte[] valid = serdes.event().serializer().serialize("knot-webhooks", TestCards.authenticated(10, "card-1", true, T0));
    DeadLetter deadLetter = deadLetterForUnreadable(Arrays.copyOf(valid, valid.length / 2));
    assertTrue(deadLetter.getDetail().contains("Truncated payload"), deadLetter.getDetail());
  }

  @Test
  void deadLettersAnEmptyValue() {
    DeadLetter deadLetter = deadLetterForUnreadable(new byte[0]);
    assertEquals(0, deadLetter.getSourceValueSize());
  }

  @Test
  void deadLettersAnOversizedValueWithoutDecodingIt() {
    // A valid event whose merchant name alone is bigger than MAX_EVENT_BYTES...
    KnotWebhookEvent huge = TestCards.authenticated(11, "card-1", true, T0);
    huge.setMerchant(new KnotMerchant(10L, "x".repeat(TopologyConfig.DEFAULT_MAX_EVENT_BYTES)));
    byte[] valid = serdes.event().serializer().serialize("knot-webhooks", huge);
    // ...framed with a schema id nobody has: decoding it would fail differently, and call the registry.
    byte[] value = framed(123_456, Arrays.copyOfRange(valid, 5, valid.length));
    DeadLetter deadLetter = deadLetterForUnreadable(value);
    assertTrue(deadLetter.getDetail().contains("more than MAX_EVENT_BYTES=" + TopologyConfig.DEFAULT_MAX_EVENT_BYTES),
        deadLetter.getDetail());
    assertTrue(deadLetter.getDetail().contains("not decoded"), deadLetter.getDetail());
    assertFalse(deadLetter.getDetail().contains("schema id"), "the value was not decoded: " + deadLetter.getDetail());
  }

  @Test
  void readsAnEventOfExactlyTheLimit() {
    KnotWebhookEvent event = TestCards.authenticated(12, "card-1", true, T0);
    int limit = TopologyConfig.DEFAULT_MAX_EVENT_BYTES;
    byte[] value = new byte[0];
    // The name's length prefix is a varint, so the exact size is found by trying the few candidates.
    for (int n = limit - 200; value.length != limit && n < limit; n++) {
      event.setMerchant(new KnotMerchant(10L, "x".repeat(n)));
      value = serdes.event().serializer().serialize("knot-webhooks", event);
    }
    assertEquals(TopologyConfig.DEFAULT_MAX_EVENT_BYTES, value.length, "the test built a value of exactly the limit");
    references.pipeInput("card-1", TestCards.reference("card-1", TestCards.seedDocument(), SERVICE_KEY, T0));
    rawWebhooks.pipeInput("12", value);
    advance(TopologyConfig.DEFAULT_COMPLETION_INTERVAL);
    assertTrue(deadLetters.isEmpty());
    assertEquals(1, knot.calls().size());
  }

  @Test
  void deadLettersAnEnvelopeThatIsNotAJwe() {
    CardReference reference = TestCards.reference("card-n", TestCards.seedDocument(), SERVICE_KEY, T0);
    reference.setCardEnvelope("not-a-jwe");
    references.pipeInput("card-n", reference);
    sendEvent(20, "card-n");
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.UNDECRYPTABLE_ENVELOPE, deadLetter.getReason());
    assertEquals(20L, deadLetter.getTaskId());
    assertEquals("4242", deadLetter.getCardLastFour());
    assertFalse(deadLetter.getReplayable());
    assertTrue(deadLetters.isEmpty());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void deadLettersAnEnvelopeWithTheWrongAlgorithm() throws Exception {
    // A JWE, with card-switch's kid, but symmetric (dir + A256GCM) instead of ECDH-ES.
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
        .keyID(SERVICE_KEY.getKeyID()).build(), new Payload("{}"));
    jwe.encrypt(new DirectEncrypter(secret));
    CardReference reference = TestCards.reference("card-a", TestCards.seedDocument(), SERVICE_KEY, T0);
    reference.setCardEnvelope(jwe.serialize());
    references.pipeInput("card-a", reference);
    sendEvent(21, "card-a");
    assertEquals(DeadLetterReason.UNDECRYPTABLE_ENVELOPE, deadLetters.readValue().getReason());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void deadLettersAnEnvelopeWhosePlaintextIsNotACardDocument() {
    CardReference reference = TestCards.reference("card-p", TestCards.seedDocument(), SERVICE_KEY, T0);
    reference.setCardEnvelope(new EnvelopeEncrypter(SERVICE_KEY).encrypt("not json".getBytes(StandardCharsets.UTF_8)));
    references.pipeInput("card-p", reference);
    sendEvent(22, "card-p");
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.INVALID_CARD_DATA, deadLetter.getReason());
    assertTrue(deadLetter.getInvalidFields().get(0).startsWith("$:"), deadLetter.getInvalidFields().toString());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void deadLettersAFieldThatIsNotPartOfKnotsDocument() {
    String json = "{\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"},\"address\":{\"street\":"
        + "\"100 Main Street\",\"city\":\"NEW YORK\",\"region\":\"NY\",\"postal_code\":\"12345\",\"country\":\"US\"},"
        + "\"phone_number\":\"+11234567890\",\"ssn\":\"078-05-1120\"},\"card\":{\"number\":\"4242424242424242\","
        + "\"expiration\":\"08/2030\",\"cvv\":\"012\"}}";
    CardReference reference = TestCards.reference("card-u", TestCards.seedDocument(), SERVICE_KEY, T0);
    reference.setCardEnvelope(new EnvelopeEncrypter(SERVICE_KEY).encrypt(json.getBytes(StandardCharsets.UTF_8)));
    references.pipeInput("card-u", reference);
    sendEvent(23, "card-u");
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.INVALID_CARD_DATA, deadLetter.getReason());
    assertEquals(List.of("user.ssn"), paths(deadLetter));
    assertFalse(deadLetter.toString().contains("078-05-1120"));
  }

  /** One document per rule of Knot's: the field path it must be reported under. */
  static Stream<Arguments> brokenRules() {
    String longName = "A".repeat(256);
    return Stream.of(
        Arguments.of("first name missing", "user.name.first_name", rule(b -> b.firstName(null))),
        Arguments.of("first name blank", "user.name.first_name", rule(b -> b.firstName("   "))),
        Arguments.of("first name too long", "user.name.first_name", rule(b -> b.firstName(longName))),
        Arguments.of("last name missing", "user.name.last_name", rule(b -> b.lastName(null))),
        Arguments.of("last name too long", "user.name.last_name", rule(b -> b.lastName(longName))),
        Arguments.of("street missing", "user.address.street", rule(b -> b.street(null))),
        Arguments.of("street too long", "user.address.street", rule(b -> b.street("1".repeat(47)))),
        Arguments.of("street2 too long", "user.address.street2", rule(b -> b.street2("2".repeat(47)))),
        Arguments.of("city missing", "user.address.city", rule(b -> b.city(null))),
        Arguments.of("city too long", "user.address.city", rule(b -> b.city("C".repeat(33)))),
        Arguments.of("region not of the country", "user.address.region", rule(b -> b.region("ON"))),
        Arguments.of("region of a country without subdivisions", "user.address.region",
            rule(b -> b.country("PR").region("SJ"))),
        Arguments.of("postal code too short", "user.address.postal_code", rule(b -> b.postalCode("1234"))),
        Arguments.of("postal code too long", "user.address.postal_code", rule(b -> b.postalCode("12345678901"))),
        Arguments.of("country not ISO", "user.address.country", rule(b -> b.country("USA"))),
        Arguments.of("country missing", "user.address.country", rule(b -> b.country(null))),
        Arguments.of("phone not E.164", "user.phone_number", rule(b -> b.phoneNumber("(212) 555-0100"))),
        Arguments.of("phone missing", "user.phone_number", rule(b -> b.phoneNumber(null))),
        Arguments.of("number too short", "card.number", rule(b -> b.number("42424242424"))),
        Arguments.of("number not digits", "card.number", rule(b -> b.number("4242-4242-4242-4242"))),
        Arguments.of("number fails Luhn", "card.number", rule(b -> b.number("4242424242424241"))),
        Arguments.of("number missing", "card.number", rule(b -> b.number(null))),
        Arguments.of("expiration format", "card.expiration", rule(b -> b.expiration("2030-08"))),
        Arguments.of("expiration month", "card.expiration", rule(b -> b.expiration("13/2030"))),
        Arguments.of("expiration past", "card.expiration", rule(b -> b.expiration("10/2026"))),
        Arguments.of("expiration missing", "card.expiration", rule(b -> b.expiration(null))),
        Arguments.of("cvv too long", "card.cvv", rule(b -> b.cvv("12345"))),
        Arguments.of("cvv not digits", "card.cvv", rule(b -> b.cvv("1a3"))),
        Arguments.of("cvv missing", "card.cvv", rule(b -> b.cvv(null))));
  }

  private static UnaryOperator<CardDocument.Builder> rule(UnaryOperator<CardDocument.Builder> breaking) {
    return breaking;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenRules")
  void deadLettersEachBrokenRuleOfKnotsDocumentWithItsFieldPathOnly(String rule, String path,
      UnaryOperator<CardDocument.Builder> breaking) {
    CardReference reference = TestCards.reference("card-r", breaking.apply(TestCards.seedDocument()), SERVICE_KEY, T0);
    references.pipeInput("card-r", reference);
    sendEvent(30, "card-r");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(1, letters.size(), rule + ": exactly one dead letter");
    DeadLetter deadLetter = letters.get(0);
    assertEquals(DeadLetterReason.INVALID_CARD_DATA, deadLetter.getReason(), rule);
    assertEquals(List.of(path), paths(deadLetter), rule);
    assertFalse(deadLetter.getReplayable());
    assertTrue(knot.calls().isEmpty(), rule + ": Knot is not called");
    assertTrue(outcomes.isEmpty());
    String published = deadLetter.toString();
    for (String value : List.of(TestCards.PAN, "\"" + TestCards.CVV + "\"", TestCards.FIRST_NAME, TestCards.LAST_NAME,
        "100 Main Street", "+11234567890", "08/2030", "4242424242424241", "(212) 555-0100", "12345678901")) {
      assertFalse(published.contains(value), rule + ": the dead letter holds a value: " + value);
    }

    // The stream keeps going: a valid card after it is switched.
    references.pipeInput("card-ok", TestCards.reference("card-ok", TestCards.seedDocument(), SERVICE_KEY, T0));
    sendEvent(31, "card-ok");
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(20));
    assertEquals(SwitchStatus.SWITCHED, outcomes.readValue().getStatus());
  }

  private static List<String> paths(DeadLetter deadLetter) {
    return deadLetter.getInvalidFields().stream().map(f -> f.substring(0, f.indexOf(':'))).toList();
  }

  /** {@code event} as a generic record of {@code schema} (fields the schema lacks are left out). */
  private static GenericRecord copyOf(KnotWebhookEvent event, Schema schema, UnaryOperator<GenericRecord> change) {
    GenericRecord specific = event;
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      Object value = specific.get(field.name());
      if (value instanceof Instant instant) {
        value = instant.toEpochMilli();
      }
      if (value instanceof org.apache.avro.specific.SpecificRecord nested) {
        value = GenericData.get().deepCopy(field.schema(), toGeneric(nested, field.schema()));
      }
      record.put(field.name(), value);
    }
    return change.apply(record);
  }

  private static GenericRecord toGeneric(org.apache.avro.specific.SpecificRecord nested, Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      record.put(field.name(), nested.get(nested.getSchema().getField(field.name()).pos()));
    }
    return record;
  }
}
