package dev.cardswitch.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format for Avro in Kafka: one magic byte {@value #MAGIC_BYTE}, the writer
 * schema's registry id as a 4-byte big-endian integer, then the Avro binary encoding of the datum.
 * Constants and header parsing only; thread-safe.
 */
public final class WireFormat {

  /** The only magic byte Confluent has defined. */
  public static final byte MAGIC_BYTE = 0;
  /** Bytes of the schema id. */
  public static final int SCHEMA_ID_SIZE = 4;
  /** Bytes before the Avro body: magic byte and schema id. */
  public static final int HEADER_SIZE = 1 + SCHEMA_ID_SIZE;

  private WireFormat() {}

  /**
   * The schema id in a payload's header, after checking the header. Messages name lengths and
   * the magic byte, never payload contents.
   *
   * @throws SerializationException when the payload is shorter than the header or does not start
   *     with the magic byte
   */
  public static int schemaIdOf(byte[] payload) {
    checkHeader(payload, null);
    return readId(payload);
  }

  static void checkHeader(byte[] payload, String topic) {
    String where = topic == null ? "" : " from topic " + topic;
    if (payload.length < HEADER_SIZE) {
      throw new SerializationException(
          "Truncated payload"
              + where
              + ": "
              + payload.length
              + " bytes, fewer than the "
              + HEADER_SIZE
              + "-byte header (magic byte and schema id) of Confluent's wire format");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new SerializationException(
          "Unknown magic byte "
              + (payload[0] & 0xff)
              + " (0x"
              + String.format("%02x", payload[0] & 0xff)
              + ")"
              + where
              + ": Confluent's wire format starts with "
              + MAGIC_BYTE
              + "; the record was not written by an Avro serializer for a schema registry");
    }
  }

  static int readId(byte[] payload) {
    return ((payload[1] & 0xff) << 24)
        | ((payload[2] & 0xff) << 16)
        | ((payload[3] & 0xff) << 8)
        | (payload[4] & 0xff);
  }
}
