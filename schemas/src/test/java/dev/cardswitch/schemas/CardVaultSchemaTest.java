package dev.cardswitch.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The card-vault lookup mode's schema change (issue 10): {@code CardReference.card_token} and three
 * dead-letter reasons, read across the released version in both directions.
 */
class CardVaultSchemaTest {

  private static final String REFERENCE = "dev.cardswitch.schemas.CardReference";
  private static final String DEAD_LETTER = "dev.cardswitch.schemas.DeadLetter";

  @Test
  void aReferenceWrittenWithTheReleasedSchemaHasNoCardToken() throws IOException {
    Schema released = SchemaFiles.load(SchemaFiles.latestRelease()).get(REFERENCE);
    Schema current = SchemaFiles.load(SchemaFiles.CURRENT).get(REFERENCE);
    GenericRecord old = new GenericRecordBuilder(released)
        .set("card_id", "card-1").set("external_user_id", "user-1").set("last_four", "4242")
        .set("card_envelope", "a.b.c.d.e").set("updated_at", 1L).build();

    GenericRecord read = roundTrip(old, released, current);

    assertNull(read.get("card_token"), "an envelope reference stays an envelope reference");
    assertEquals("a.b.c.d.e", read.get("card_envelope").toString());
  }

  @Test
  void aReleasedReaderReadsAVaultReferenceWithoutItsToken() throws IOException {
    Schema released = SchemaFiles.load(SchemaFiles.latestRelease()).get(REFERENCE);
    Schema current = SchemaFiles.load(SchemaFiles.CURRENT).get(REFERENCE);
    GenericRecord vault = new GenericRecordBuilder(current)
        .set("card_id", "card-1").set("external_user_id", "user-1").set("last_four", "4242")
        .set("card_envelope", "").set("card_token", "tok_123").set("updated_at", 1L).build();

    GenericRecord read = roundTrip(vault, current, released);

    assertNull(read.getSchema().getField("card_token"));
    assertEquals("", read.get("card_envelope").toString());
  }

  @Test
  void aReleasedReaderReadsTheVaultReasonsAsUnknown() throws IOException {
    Schema current = SchemaFiles.load(SchemaFiles.CURRENT).get(DEAD_LETTER);
    Schema released = SchemaFiles.load(SchemaFiles.latestRelease()).get(DEAD_LETTER);
    for (String symbol : new String[] {"CARD_VAULT_UNAVAILABLE", "CARD_NOT_FOUND", "CARD_VAULT_RESPONSE_INVALID"}) {
      GenericRecord letter = new GenericRecordBuilder(current)
          .set("reason", new GenericData.EnumSymbol(current.getField("reason").schema(), symbol))
          .set("detail", "d").set("replayable", true).set("completed_at", 3L)
          .set("source_topic", "knot-webhooks").set("source_partition", 0).set("source_offset", 7L).build();

      GenericRecord read = roundTrip(letter, current, released);

      assertEquals("UNKNOWN", read.get("reason").toString(), symbol);
    }
  }

  private static GenericRecord roundTrip(GenericRecord record, Schema writer, Schema reader) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }
}
