package dev.cardswitch.registry.dev;

import dev.cardswitch.registry.SchemaRegistryProtocol;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's default rule, BACKWARD: a new schema may follow the latest one when it can read
 * what the latest wrote (Avro's reader/writer compatibility, the new schema reading). The messages
 * imitate the shape of Confluent's verbose compatibility answers. Stateless; thread-safe.
 */
final class BackwardCompatibility {

  private BackwardCompatibility() {}

  /** Why {@code candidate} cannot follow {@code latest}; empty when it can. */
  static List<String> problems(Schema candidate, SchemaRecord latest, Schema latestSchema) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(candidate, latestSchema);
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      messages.add(
          "{errorType:'"
              + incompatibility.getType()
              + "', description:'"
              + describe(incompatibility)
              + "', additionalInfo:'"
              + incompatibility.getMessage()
              + "'}");
    }
    messages.add("{oldSchemaVersion: " + latest.version() + "}");
    messages.add("{oldSchema: '" + latest.schema() + "'}");
    messages.add("{compatibility: '" + SchemaRegistryProtocol.BACKWARD + "'}");
    return List.copyOf(messages);
  }

  private static String describe(Incompatibility incompatibility) {
    switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE:
        return "The field at path '"
            + incompatibility.getLocation()
            + "' in the new schema has no default value and is missing in the old schema";
      case TYPE_MISMATCH:
        return "The type (path '"
            + incompatibility.getLocation()
            + "') of a field in the new schema does not match with the old schema";
      case MISSING_ENUM_SYMBOLS:
        return "The new schema is missing enum symbols at path '"
            + incompatibility.getLocation()
            + "' that the old schema has";
      case MISSING_UNION_BRANCH:
        return "The new union at path '"
            + incompatibility.getLocation()
            + "' is missing a branch that the old schema has";
      default:
        return "Incompatibility at path '" + incompatibility.getLocation() + "'";
    }
  }
}
