package dev.cardswitch.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.serde.fixture.Greeting;
import dev.cardswitch.serde.fixture.Parcel;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Serde round trips through the development registry over real HTTP on 127.0.0.1. */
class AvroSerdeRoundTripTest {

  /** Version 1 of the test-only Parcel: no note field (version 2 is the generated class). */
  static final Schema PARCEL_V1 =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Parcel\",\"namespace\":\"dev.cardswitch.serde.fixture\","
                  + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"weight\",\"type\":\"int\"}]}");

  private DevSchemaRegistry registry;

  @BeforeEach
  void startRegistry() {
    registry = DevSchemaRegistry.builder().build().start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  /** A fresh client: its caches are empty, so what it knows it fetched over HTTP. */
  private SchemaRegistryClient newClient() {
    return new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
  }

  @Test
  void roundTripsASpecificRecord() {
    AvroSerializer<Parcel> serializer = new AvroSerializer<>(newClient(), false);
    AvroDeserializer<Parcel> deserializer = AvroDeserializer.specific(Parcel.class, newClient(), false);
    Parcel parcel = new Parcel("p-1", 1200, "fragile");

    Parcel read = deserializer.deserialize("parcels", serializer.serialize("parcels", parcel));

    assertEquals(parcel, read);
  }

  @Test
  void registersUnderTheTopicNameStrategySubjects() {
    SchemaRegistryClient client = newClient();
    byte[] key = new AvroSerializer<Greeting>(client, true).serialize("parcels", new Greeting("k", 1));
    byte[] value = new AvroSerializer<Parcel>(client, false).serialize("parcels", new Parcel("p", 1, "n"));

    assertEquals(List.of("parcels-key", "parcels-value"), client.subjects());
    assertEquals(client.latest("parcels-key").id(), WireFormat.schemaIdOf(key));
    assertEquals(client.latest("parcels-value").id(), WireFormat.schemaIdOf(value));
  }

  @Test
  void roundTripsAGenericRecordWithTheWritersSchema() {
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(newClient(), false);
    AvroDeserializer<GenericRecord> deserializer = AvroDeserializer.generic(newClient(), false);
    GenericRecord parcel = new GenericData.Record(PARCEL_V1);
    parcel.put("id", "p-2");
    parcel.put("weight", 7);

    GenericRecord read = deserializer.deserialize("parcels", serializer.serialize("parcels", parcel));

    assertEquals("p-2", read.get("id").toString());
    assertEquals(7, read.get("weight"));
    assertEquals(PARCEL_V1, read.getSchema());
  }

  @Test
  void readsAnOldVersionWithTheNewReaderFillingTheAddedFieldsDefault() {
    AvroSerializer<GenericRecord> oldProducer = new AvroSerializer<>(newClient(), false);
    GenericRecord old = new GenericData.Record(PARCEL_V1);
    old.put("id", "p-3");
    old.put("weight", 40);
    byte[] written = oldProducer.serialize("parcels", old);

    Parcel read = AvroDeserializer.specific(Parcel.class, newClient(), false).deserialize("parcels", written);

    assertEquals(new Parcel("p-3", 40, "none"), read);
  }

  @Test
  void readsANewVersionWithTheOldReaderIgnoringTheRemovedField() {
    byte[] written =
        new AvroSerializer<Parcel>(newClient(), false).serialize("parcels", new Parcel("p-4", 9, "keep dry"));

    GenericRecord read = AvroDeserializer.generic(newClient(), PARCEL_V1, false).deserialize("parcels", written);

    assertEquals(PARCEL_V1, read.getSchema());
    assertEquals("p-4", read.get("id").toString());
    assertEquals(9, read.get("weight"));
    assertNull(read.getSchema().getField("note"));
  }

  @Test
  void afterTheFirstRecordNeitherSideCallsTheRegistry() {
    AvroSerializer<Parcel> serializer = new AvroSerializer<>(newClient(), false);
    AvroDeserializer<Parcel> deserializer = AvroDeserializer.specific(Parcel.class, newClient(), false);
    deserializer.deserialize("parcels", serializer.serialize("parcels", new Parcel("a", 1, "x")));
    long requestsAfterFirst = registry.requestCount();

    for (int i = 0; i < 100; i++) {
      Parcel parcel = new Parcel("p" + i, i, "n");
      assertEquals(parcel, deserializer.deserialize("parcels", serializer.serialize("parcels", parcel)));
    }

    assertEquals(2, requestsAfterFirst, "one registration, one fetch by id");
    assertEquals(requestsAfterFirst, registry.requestCount());
  }

  @Test
  void withAutoRegistrationOffLooksUpTheRegisteredId() {
    int id = newClient().register("parcels-value", Parcel.getClassSchema());
    AvroSerializer<Parcel> serializer =
        new AvroSerializer<>(newClient(), false, AvroSerdeConfig.defaults().withAutoRegisterSchemas(false));

    byte[] bytes = serializer.serialize("parcels", new Parcel("p", 1, "n"));

    assertEquals(id, WireFormat.schemaIdOf(bytes));
    assertEquals(List.of(1), newClient().versions("parcels-value"));
  }

  @Test
  void withAutoRegistrationOffAnUnregisteredSchemaFailsAndSaysHowToFixIt() {
    AvroSerializer<Parcel> serializer =
        new AvroSerializer<>(newClient(), false, AvroSerdeConfig.defaults().withAutoRegisterSchemas(false));

    SerializationException e =
        assertThrows(SerializationException.class, () -> serializer.serialize("parcels", new Parcel("p", 1, "n")));

    assertTrue(e.getMessage().contains("is not registered under subject parcels-value"), e.getMessage());
    assertTrue(e.getMessage().contains("auto.register.schemas=false"), e.getMessage());
    assertTrue(newClient().subjects().isEmpty());
  }

  @Test
  void configuredByKafkaStyleSettingsWithASpecificReader() {
    Map<String, Object> configs =
        Map.of(
            SchemaRegistryConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
            AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, "true");
    AvroSerde<Parcel> serde = new AvroSerde<>();
    serde.configure(configs, false);

    Object read =
        serde.deserializer().deserialize("parcels", serde.serializer().serialize("parcels", new Parcel("p", 2, "n")));

    assertInstanceOf(Parcel.class, read);
    assertEquals(new Parcel("p", 2, "n"), read);
  }

  @Test
  void aSpecificReaderWithoutTheGeneratedClassSaysSo() {
    Schema unknown =
        new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Missing\",\"namespace\":\"nowhere\",\"fields\":[]}");
    byte[] bytes =
        new AvroSerializer<GenericRecord>(newClient(), false).serialize("t", new GenericData.Record(unknown));
    AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
    deserializer.configure(
        Map.of(
            SchemaRegistryConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
            AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true),
        false);

    SerializationException e = assertThrows(SerializationException.class, () -> deserializer.deserialize("t", bytes));

    assertTrue(e.getMessage().contains("no generated class nowhere.Missing"), e.getMessage());
  }

  @Test
  void aReaderThatCannotReadTheWriterIsNamedWithTheProblem() {
    byte[] bytes = new AvroSerializer<Greeting>(newClient(), false).serialize("t", new Greeting("x", 1));
    AvroDeserializer<Parcel> deserializer = AvroDeserializer.specific(Parcel.class, newClient(), false);

    SerializationException e = assertThrows(SerializationException.class, () -> deserializer.deserialize("t", bytes));

    assertTrue(e.getMessage().contains("cannot be read as dev.cardswitch.serde.fixture.Parcel"), e.getMessage());
  }

  @Test
  void nullsPassThrough() {
    assertNull(new AvroSerializer<Parcel>(newClient(), false).serialize("parcels", null));
    assertNull(AvroDeserializer.specific(Parcel.class, newClient(), false).deserialize("parcels", null));
  }
}
