package dev.cardswitch.registry.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The catalog's rules when several registries share one store log. */
class SchemaCatalogTest {

  // Two versions of one record, each able to read the other's data.
  private static final String A = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[]}";
  private static final String B =
      "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"default\":0}]}";

  @Test
  void theFirstRecordToClaimAnIdWins() {
    SchemaIndex index = new SchemaIndex();

    assertTrue(index.apply(new SchemaRecord("a-value", 1, 1, A)));
    assertFalse(index.apply(new SchemaRecord("b-value", 1, 1, B)));

    assertEquals(A, index.schemaById(1).orElseThrow());
    assertFalse(index.hasSubject("b-value"));
    assertEquals(2, index.nextId());
  }

  @Test
  void aSchemaKeepsItsFirstIdAndASubjectVersionItsFirstRecord() {
    SchemaIndex index = new SchemaIndex();
    index.apply(new SchemaRecord("a-value", 1, 1, A));

    assertFalse(index.apply(new SchemaRecord("c-value", 1, 2, A)), "same schema, other id");
    assertFalse(index.apply(new SchemaRecord("a-value", 1, 3, B)), "same subject version");
    assertTrue(index.apply(new SchemaRecord("a-value", 1, 1, A)), "replaying a record is harmless");
    assertEquals(4, index.nextId(), "ids claimed by losing records are not handed out again");
  }

  @Test
  void aRegistryThatLosesARaceRetriesOnTheNewState() {
    // Another registry appends its record for the same subject just before ours lands.
    RacingStore store = new RacingStore(new SchemaRecord("a-value", 1, 1, B));
    SchemaCatalog catalog = new SchemaCatalog(store);
    catalog.start();

    int id = catalog.register("a-value", A);

    assertEquals(2, id);
    assertEquals(List.of(1, 2), catalog.versions("a-value").stream().map(SchemaRecord::version).toList());
    assertEquals(B, catalog.schemaById(1));
  }

  /** A log where a rival's record sneaks in before the first append. */
  private static final class RacingStore implements SchemaStore {
    private final List<SchemaRecord> log = new ArrayList<>();
    private SchemaRecord rival;
    private Consumer<SchemaRecord> sink;

    RacingStore(SchemaRecord rival) {
      this.rival = rival;
    }

    @Override
    public void start(Consumer<SchemaRecord> sink) {
      this.sink = sink;
    }

    @Override
    public void refresh() {}

    @Override
    public void append(SchemaRecord record) {
      if (rival != null) {
        log.add(rival);
        sink.accept(rival);
        rival = null;
      }
      log.add(record);
      sink.accept(record);
    }

    @Override
    public String describe() {
      return "racing";
    }

    @Override
    public void close() {}
  }
}
