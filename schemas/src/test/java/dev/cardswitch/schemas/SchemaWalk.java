package dev.cardswitch.schemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.avro.Schema;

/** Walks a schema's named types and fields, each once. */
final class SchemaWalk {

  private SchemaWalk() {}

  /** Every record, enum and fixed reachable from {@code root}, root first. */
  static List<Schema> namedTypes(Schema root) {
    Map<String, Schema> seen = new LinkedHashMap<>();
    collect(root, seen);
    return new ArrayList<>(seen.values());
  }

  /** Calls {@code visitor} with (path, field) for every field of every record reachable from root. */
  static void fields(Schema root, BiConsumer<String, Schema.Field> visitor) {
    fields(root, root.getName(), visitor, new LinkedHashMap<>());
  }

  private static void fields(Schema s, String path, BiConsumer<String, Schema.Field> visitor, Map<String, Schema> seen) {
    switch (s.getType()) {
      case RECORD -> {
        if (seen.putIfAbsent(s.getFullName(), s) != null) {
          return;
        }
        for (Schema.Field f : s.getFields()) {
          String fieldPath = path + "." + f.name();
          visitor.accept(fieldPath, f);
          fields(f.schema(), fieldPath, visitor, seen);
        }
      }
      case UNION -> s.getTypes().forEach(t -> fields(t, path, visitor, seen));
      case ARRAY -> fields(s.getElementType(), path + "[]", visitor, seen);
      case MAP -> fields(s.getValueType(), path + "{}", visitor, seen);
      default -> { }
    }
  }

  private static void collect(Schema s, Map<String, Schema> seen) {
    switch (s.getType()) {
      case RECORD -> {
        if (seen.putIfAbsent(s.getFullName(), s) == null) {
          s.getFields().forEach(f -> collect(f.schema(), seen));
        }
      }
      case ENUM, FIXED -> seen.putIfAbsent(s.getFullName(), s);
      case UNION -> s.getTypes().forEach(t -> collect(t, seen));
      case ARRAY -> collect(s.getElementType(), seen);
      case MAP -> collect(s.getValueType(), seen);
      default -> { }
    }
  }
}
