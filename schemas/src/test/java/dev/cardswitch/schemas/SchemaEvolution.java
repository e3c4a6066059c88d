package dev.cardswitch.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The project's evolution rule (schemas/README.md): BACKWARD, the Schema Registry's default. A new
 * version of a schema must read every record written with the released version; so new fields
 * carry defaults, and no field changes type incompatibly. Enums also carry a default symbol, so
 * that a consumer still on an older schema can read a symbol added later.
 */
final class SchemaEvolution {

  private SchemaEvolution() {}

  /** Every problem of the current set against a released set, each naming the schema; empty = compatible. */
  static List<String> problems(Map<String, Schema> released, Map<String, Schema> current) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> entry : released.entrySet()) {
      String name = entry.getKey();
      Schema now = current.get(name);
      if (now == null) {
        problems.add(name + ": the released schema is gone from src/main/avro; removing or renaming a schema breaks its consumers");
        continue;
      }
      SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(now, entry.getValue());
      if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
          problems.add(name + ": cannot read records written with the released version: "
              + i.getType() + " at " + i.getLocation() + ": " + i.getMessage()
              + " (fix: give a new field a default; keep field types, or widen them as Avro allows)");
        }
      }
    }
    return problems;
  }

  /** Every enum, at any depth, that lacks a default symbol. */
  static List<String> enumsWithoutDefault(Map<String, Schema> schemas) {
    List<String> problems = new ArrayList<>();
    for (Schema schema : schemas.values()) {
      SchemaWalk.namedTypes(schema).stream()
          .filter(s -> s.getType() == Schema.Type.ENUM && s.getEnumDefault() == null)
          .forEach(s -> problems.add(schema.getFullName() + ": enum " + s.getFullName()
              + " has no default symbol (fix: add \"default\": \"UNKNOWN\" and an UNKNOWN symbol)"));
    }
    return problems;
  }
}
