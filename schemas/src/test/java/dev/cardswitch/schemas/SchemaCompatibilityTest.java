package dev.cardswitch.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a schema change breaks compatibility with the last released version: the
 * committed copies under {@code schemas/released/vN/} are what consumers have; the current files
 * under {@code src/main/avro} must read everything written with them (BACKWARD).
 */
class SchemaCompatibilityTest {

  @Test
  void currentSchemasReadEverythingWrittenWithTheLatestRelease() {
    Map<String, Schema> released = SchemaFiles.load(SchemaFiles.latestRelease());
    Map<String, Schema> current = SchemaFiles.load(SchemaFiles.CURRENT);
    List<String> problems = SchemaEvolution.problems(released, current);
    assertTrue(problems.isEmpty(),
        "schema change incompatible with release " + SchemaFiles.latestRelease().getFileName()
            + " (rule: schemas/README.md):\n  " + String.join("\n  ", problems));
  }

  @Test
  void everyEnumCarriesADefaultSymbol() {
    List<String> problems = SchemaEvolution.enumsWithoutDefault(SchemaFiles.load(SchemaFiles.CURRENT));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void aReaderOnTheReleasedSchemaReadsALifecycleStatusAsUnknown() throws java.io.IOException {
    Schema current = SchemaFiles.load(SchemaFiles.CURRENT).get("dev.cardswitch.schemas.SwitchOutcome");
    Schema released = SchemaFiles.load(SchemaFiles.latestRelease()).get("dev.cardswitch.schemas.SwitchOutcome");
    org.apache.avro.generic.GenericRecord failed = new org.apache.avro.generic.GenericRecordBuilder(current)
        .set("task_id", 25605L).set("merchant_id", 10L).set("merchant_name", "Uber")
        .set("status", new org.apache.avro.generic.GenericData.EnumSymbol(current.getField("status").schema(),
            "CARD_FAILED"))
        .set("attempts", 1).set("event_time", 1L).set("deadline_at", 2L).set("completed_at", 3L)
        .set("source_topic", "knot-webhooks").set("source_partition", 0).set("source_offset", 7L)
        .set("failure_reason", "card expired").build();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
    new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(current).write(failed, encoder);
    encoder.flush();

    org.apache.avro.generic.GenericRecord read = new org.apache.avro.generic.GenericDatumReader<
        org.apache.avro.generic.GenericRecord>(current, released)
        .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertEquals("UNKNOWN", read.get("status").toString(), "a symbol the old reader lacks becomes its default");
    assertEquals(25605L, read.get("task_id"));
    assertEquals(null, read.getSchema().getField("failure_reason"), "the new field is simply not seen");
  }

  // The check itself must catch the two classic mistakes, naming the schema and the problem.

  @Test
  void detectsAFieldAddedWithoutADefault() {
    Schema released = SchemaFiles.load(SchemaFiles.CURRENT).get("dev.cardswitch.schemas.SwitchOutcome");
    Schema changed = withExtraField(released, "campaign_id", Schema.create(Schema.Type.STRING));
    List<String> problems = SchemaEvolution.problems(
        Map.of(released.getFullName(), released), Map.of(changed.getFullName(), changed));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("dev.cardswitch.schemas.SwitchOutcome: "), problems.get(0));
    assertTrue(problems.get(0).contains("READER_FIELD_MISSING_DEFAULT"), problems.get(0));
    assertTrue(problems.get(0).contains("campaign_id"), problems.get(0));
  }

  @Test
  void detectsAFieldWhoseTypeChanged() {
    Schema released = SchemaBuilder.record("Probe").namespace("dev.cardswitch.schemas").fields()
        .requiredLong("task_id").endRecord();
    Schema changed = SchemaBuilder.record("Probe").namespace("dev.cardswitch.schemas").fields()
        .requiredInt("task_id").endRecord();
    List<String> problems = SchemaEvolution.problems(
        Map.of(released.getFullName(), released), Map.of(changed.getFullName(), changed));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("TYPE_MISMATCH"), problems.get(0));
    assertTrue(problems.get(0).contains("/fields/0/type"), problems.get(0));
  }

  @Test
  void detectsARemovedSchema() {
    Map<String, Schema> released = SchemaFiles.load(SchemaFiles.CURRENT);
    Map<String, Schema> current = new TreeMap<>(released);
    current.remove("dev.cardswitch.schemas.DeadLetter");
    List<String> problems = SchemaEvolution.problems(released, current);
    assertEquals(List.of("dev.cardswitch.schemas.DeadLetter: the released schema is gone from src/main/avro;"
        + " removing or renaming a schema breaks its consumers"), problems);
  }

  @Test
  void acceptsAFieldAddedWithADefault() {
    Schema released = SchemaFiles.load(SchemaFiles.CURRENT).get("dev.cardswitch.schemas.SwitchOutcome");
    Schema changed = withExtraField(released, "campaign_id",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)));
    assertEquals(List.of(), SchemaEvolution.problems(
        Map.of(released.getFullName(), released), Map.of(changed.getFullName(), changed)));
  }

  private static Schema withExtraField(Schema record, String name, Schema type) {
    List<Schema.Field> fields = new java.util.ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    Object defaultValue = type.getType() == Schema.Type.UNION ? Schema.Field.NULL_DEFAULT_VALUE : null;
    fields.add(new Schema.Field(name, type, "probe", defaultValue));
    return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }
}
