package dev.cardswitch.schemas;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every record, enum and field of the product's schemas says what it is. */
class SchemaDocumentationTest {

  static List<String> undocumented(Map<String, Schema> schemas) {
    List<String> missing = new ArrayList<>();
    for (Schema root : schemas.values()) {
      for (Schema named : SchemaWalk.namedTypes(root)) {
        if (blank(named.getDoc())) {
          missing.add(named.getType().getName() + " " + named.getFullName());
        }
      }
      SchemaWalk.fields(root, (path, field) -> {
        if (blank(field.doc())) {
          missing.add("field " + path);
        }
      });
    }
    return missing;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Test
  void everyRecordEnumAndFieldHasADoc() {
    List<String> missing = undocumented(SchemaFiles.load(SchemaFiles.CURRENT));
    assertTrue(missing.isEmpty(), "add a \"doc\" to: " + missing);
  }

  @Test
  void theCheckFindsAFieldWithoutDoc() {
    Schema probe = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Probe\",\"doc\":\"d\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    assertTrue(undocumented(Map.of("Probe", probe)).contains("field Probe.x"));
  }
}
