package dev.cardswitch.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.serde.fixture.Parcel;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each way a payload can be wrong gives its own precise SerializationException. */
class AvroDeserializerErrorsTest {

  private static DevSchemaRegistry registry;
  private static AvroSerializer<Parcel> serializer;
  private static AvroDeserializer<Parcel> deserializer;

  @BeforeAll
  static void start() {
    registry = DevSchemaRegistry.builder().build().start();
    serializer = new AvroSerializer<>(client(), false);
    deserializer = AvroDeserializer.specific(Parcel.class, client(), false);
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static HttpSchemaRegistryClient client() {
    return new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
  }

  @Test
  void anUnknownSchemaIdNamesTheIdAndTheRegistry() {
    byte[] payload = {0, 0, 0, 0x30, 0x39, 2, 0x41}; // id 12345, never registered

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> deserializer.deserialize("parcels", payload));

    assertTrue(
        e.getMessage().startsWith("Unknown schema id 12345 in a record from topic parcels"),
        e.getMessage());
    assertTrue(e.getMessage().contains("schema registry at " + registry.url()), e.getMessage());
    assertTrue(e.getMessage().contains("40403"), e.getMessage());
  }

  @Test
  void aWrongMagicByteNamesTheByteSeen() {
    byte[] payload = serializer.serialize("parcels", new Parcel("p", 1, "n"));
    payload[0] = 0x7b; // '{': a JSON value on an Avro topic

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> deserializer.deserialize("parcels", payload));

    assertTrue(
        e.getMessage().startsWith("Unknown magic byte 123 (0x7b) from topic parcels"),
        e.getMessage());
  }

  @Test
  void aPayloadShorterThanTheHeaderNamesItsLength() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> deserializer.deserialize("parcels", new byte[] {0, 0, 1}));

    assertEquals(
        "Truncated payload from topic parcels: 3 bytes, fewer than the 5-byte header (magic byte"
            + " and schema id) of Confluent's wire format",
        e.getMessage());
  }

  @Test
  void aPayloadCutInsideTheBodyNamesItsLength() {
    byte[] whole = serializer.serialize("parcels", new Parcel("parcel-0001", 1, "fragile"));
    byte[] cut = Arrays.copyOf(whole, whole.length - 4);
    int id = WireFormat.schemaIdOf(whole);

    SerializationException e =
        assertThrows(SerializationException.class, () -> deserializer.deserialize("parcels", cut));

    assertEquals(
        "Truncated payload from topic parcels: "
            + cut.length
            + " bytes end before the data of writer schema id "
            + id
            + " is complete",
        e.getMessage());
  }

  @Test
  void aCorruptBodyIsReportedWithoutItsBytesOrValues() {
    byte[] whole = serializer.serialize("parcels", new Parcel("SECRET-VALUE", 1, "n"));
    byte[] corrupt = whole.clone();
    corrupt[WireFormat.HEADER_SIZE] = 0x01; // string length -1 in zig-zag: no valid string

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> deserializer.deserialize("parcels", corrupt));

    assertTrue(
        e.getMessage().startsWith("Could not decode a payload of " + corrupt.length + " bytes"),
        e.getMessage());
    assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    assertNull(e.getCause(), "Avro's own message may quote values: not chained");
  }

  @Test
  void anUnconfiguredDeserializerSaysHowToConfigureIt() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new AvroDeserializer<Parcel>().deserialize("t", new byte[5]));

    assertTrue(e.getMessage().contains("configure"), e.getMessage());
  }

  @Test
  void anUnreadableWriterSchemaNamesTheFieldToFix() {
    org.apache.avro.Schema writer =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Parcel\",\"namespace\":\"dev.cardswitch.serde.fixture\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"weight\","
                    + "\"type\":\"string\"},{\"name\":\"note\",\"type\":\"string\"}]}");
    org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(writer);
    record.put("id", "p");
    record.put("weight", "heavy");
    record.put("note", "n");
    byte[] payload = AvroSerde.generic(client(), false).serializer().serialize("legacy-parcels", record);

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> deserializer.deserialize("parcels", payload));

    assertTrue(e.getMessage().contains("TYPE_MISMATCH at weight (/fields/1/type)"), e.getMessage());
    assertFalse(e.getMessage().contains("heavy"), e.getMessage());
  }

  @Test
  void aFieldPathFollowsNestedRecordsUnionsAndArrays() {
    org.apache.avro.Schema schema =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                    + "{\"name\":\"data\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"D\","
                    + "\"fields\":[{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":"
                    + "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"}]}}}]}]}]}");

    assertEquals("data.tags.v", AvroDeserializer.fieldPath(schema, "/fields/1/type/1/fields/0/type/items/fields/0/type"));
    assertEquals("a", AvroDeserializer.fieldPath(schema, "/fields/0/type"));
    assertEquals("the record", AvroDeserializer.fieldPath(schema, ""));
    assertEquals("the record", AvroDeserializer.fieldPath(schema, "/fields/9/type"));
  }
}
