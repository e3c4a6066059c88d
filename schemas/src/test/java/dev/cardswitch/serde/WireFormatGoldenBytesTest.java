package dev.cardswitch.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cardswitch.serde.fixture.Greeting;
import org.junit.jupiter.api.Test;

class WireFormatGoldenBytesTest {

  /**
   * Greeting{text="hi", count=-65} under schema id 258, encoded by hand:
   *
   * <pre>
   * 00           magic byte
   * 00 00 01 02  schema id 258, 4 bytes big-endian (258 = 0x0102)
   * 04           string length 2 as an Avro long: zig-zag(2) = 4, one varint byte
   * 68 69        "hi" in UTF-8
   * 81 01        int -65: zig-zag(-65) = (-65 << 1) ^ (-65 >> 31) = 129 = 0b1_0000001,
   *              varint low 7 bits first: 0000001 | continuation bit = 0x81, then 1 = 0x01
   * </pre>
   *
   * Fields follow the schema's order (text, then count); a record has no framing of its own.
   */
  private static final byte[] GOLDEN = {
    0x00, 0x00, 0x00, 0x01, 0x02, 0x04, 0x68, 0x69, (byte) 0x81, 0x01
  };

  @Test
  void serializesInConfluentWireFormat() {
    AvroSerializer<Greeting> serializer = new AvroSerializer<>(new FixedIdRegistryClient(258), false);

    byte[] bytes = serializer.serialize("greetings", new Greeting("hi", -65));

    assertArrayEquals(GOLDEN, bytes);
  }

  @Test
  void deserializesTheGoldenBytes() {
    FixedIdRegistryClient registry = new FixedIdRegistryClient(258);
    registry.register("greetings-value", Greeting.getClassSchema());
    AvroDeserializer<Greeting> deserializer = AvroDeserializer.specific(Greeting.class, registry, false);

    Greeting greeting = deserializer.deserialize("greetings", GOLDEN);

    assertEquals(new Greeting("hi", -65), greeting);
  }

  @Test
  void readsTheSchemaIdFromTheHeader() {
    assertEquals(258, WireFormat.schemaIdOf(GOLDEN));
  }

  @Test
  void serializingTwiceGivesTheSameBytes() {
    AvroSerializer<Greeting> serializer = new AvroSerializer<>(new FixedIdRegistryClient(258), false);
    serializer.serialize("greetings", new Greeting("a much longer text to grow the buffer", 1));

    assertArrayEquals(GOLDEN, serializer.serialize("greetings", new Greeting("hi", -65)));
  }
}
