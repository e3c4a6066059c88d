package dev.cardswitch.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.Violation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CardFileReaderTest {

  @TempDir Path dir;

  private static final String DOC = "\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"},"
      + "\"address\":{\"street\":\"100 Main Street\",\"city\":\"NEW YORK\",\"region\":\"NY\",\"postal_code\":\"12345\","
      + "\"country\":\"US\"},\"phone_number\":\"+11234567890\"},"
      + "\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}";

  @Test
  void readsKnotShapedJsonLinesWithTheIdsBesideTheDocument() throws Exception {
    Path file = dir.resolve("cards.jsonl");
    Files.writeString(file, "{\"card_id\":\"c1\",\"external_user_id\":\"u1\"," + DOC + "}\n\n"
        + "{\"card_id\":\"c2\",\"external_user_id\":\"u2\",\"fido_response_jwt\":\"eyJ.x.y\"," + DOC + ",\"extra\":1}\n"
        + "not json\n", StandardCharsets.UTF_8);
    assertEquals(3, CardFileReader.countRows(file, CardFileFormat.of(file)));
    try (CardFileReader reader = CardFileReader.open(file, CardFileFormat.JSON_LINES)) {
      try (CardRow row = reader.next()) {
        assertEquals(1, row.line());
        assertEquals("c1", row.cardId());
        assertEquals("u1", row.externalUserId());
        assertNull(row.fidoResponseJwt());
        assertEquals(List.of(), validNonIdViolations(row));
        assertEquals("4242", row.document().lastFour());
      }
      try (CardRow row = reader.next()) {
        assertEquals(3, row.line(), "blank lines are skipped but counted");
        assertEquals("eyJ.x.y", row.fidoResponseJwt());
        assertEquals(List.of(new Violation("extra",
            "is not a field of Knot's card document: remove it (or fix its name)")), validNonIdViolations(row));
      }
      try (CardRow row = reader.next()) {
        assertEquals(4, row.line());
        assertNull(row.document());
        assertFalse(row.problems().isEmpty());
        assertEquals("$", row.problems().get(0).fieldPath());
      }
      assertNull(reader.next());
    }
  }

  @Test
  void readsQuotedCsvFieldsAndReportsAShortRow() throws Exception {
    Path file = dir.resolve("cards.csv");
    Files.writeString(file, "\uFEFFcard_id,external_user_id,first_name,last_name,street,city,region,postal_code,country,"
        + "phone_number,number,expiration,cvv\r\n"
        + "c1,u1,Ada,\"Love, \"\"lace\"\"\",100 Main Street,NEW YORK,NY,12345,US,+11234567890,4242424242424242,08/2030,012\r\n"
        + "c2,u2,Ada\r\n", StandardCharsets.UTF_8);
    try (CardFileReader reader = CardFileReader.open(file, CardFileFormat.CSV)) {
      try (CardRow row = reader.next()) {
        assertEquals(2, row.line());
        assertNotNull(row.document());
        assertEquals(List.of(), new CardDocumentValidator(Clock.systemUTC()).validate(row.document()));
      }
      try (CardRow row = reader.next()) {
        assertEquals(List.of(new Violation("$", "has 3 fields: the header names 13")), row.problems());
      }
    }
  }

  @Test
  void rejectsAHeaderWithAnUnknownOrMissingColumnNamingIt() throws Exception {
    Path file = dir.resolve("cards.csv");
    Files.writeString(file, "card_id,external_user_id,pan\n", StandardCharsets.UTF_8);
    LoadException e = assertThrows(LoadException.class, () -> CardFileReader.open(file, CardFileFormat.CSV));
    assertTrue(e.getMessage().contains("unknown column \"pan\""), e.getMessage());
    Files.writeString(file, "card_id,external_user_id,number\n", StandardCharsets.UTF_8);
    e = assertThrows(LoadException.class, () -> CardFileReader.open(file, CardFileFormat.CSV));
    assertTrue(e.getMessage().contains("lacks column(s) first_name"), e.getMessage());
  }

  private static List<Violation> validNonIdViolations(CardRow row) {
    return new CardDocumentValidator(Clock.systemUTC()).validate(row.document()).stream()
        .filter(v -> !CardFileReader.isIdentifierField(v.fieldPath())).toList();
  }
}
