package dev.cardswitch.carddoc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CardDocumentTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void writesSeedDocumentBackByteForByte() {
    try (CardDocument document = CardDocument.fromJson(SeedDocuments.seed001Bytes())) {
      assertArrayEquals(SeedDocuments.seed001Bytes(), document.toJson());
    }
  }

  @Test
  void roundTripsValuesThatNeedEscapingOrMultiByteUtf8() throws Exception {
    String name = "Zoë \"Quote\" Back\\slash\tTab\nLine \u0001 Ωmega 日本 \uD83D\uDE00";
    try (CardDocument built = SeedDocuments.seed001Builder().firstName(name).street2(null).build()) {
      byte[] json = built.toJson();

      assertEquals(name, MAPPER.readTree(json).at("/user/name/first_name").asText());
      assertTrue(MAPPER.readTree(json).at("/user/address/street2").isMissingNode());
      try (CardDocument parsed = CardDocument.fromJson(json)) {
        assertArrayEquals(name.toCharArray(), parsed.value(CardField.FIRST_NAME));
        assertNull(parsed.value(CardField.STREET2));
        assertArrayEquals(json, parsed.toJson());
      }
    }
  }

  @Test
  void writesKnotsStructure() throws Exception {
    try (CardDocument document = SeedDocuments.seed001Builder().build()) {
      assertEquals(MAPPER.readTree(SeedDocuments.SEED_001_JSON), MAPPER.readTree(document.toJson()));
    }
  }

  @Test
  void closeWipesEveryValue() {
    CardDocument document = CardDocument.fromJson(SeedDocuments.seed001Bytes());
    List<char[]> values = new java.util.ArrayList<>();
    for (CardField field : CardField.values()) {
      char[] value = document.value(field);
      assertNotNull(value, field.path());
      values.add(value);
    }

    document.close();

    for (char[] value : values) {
      assertArrayEquals(new char[value.length], value);
    }
    assertThrows(IllegalStateException.class, document::toJson);
    assertThrows(IllegalStateException.class, document::lastFour);
    assertEquals("CardDocument[closed]", document.toString());
    document.close(); // idempotent
  }

  @Test
  void showsOnlyTheLastFourDigits() {
    try (CardDocument document = CardDocument.fromJson(SeedDocuments.seed001Bytes())) {
      assertEquals("4242", document.lastFour());
      assertEquals("**** 4242", document.maskedNumber());
      assertEquals("CardDocument[card=**** 4242]", document.toString());
    }
    try (CardDocument document = SeedDocuments.seed001Builder().number("5555555555554444").build()) {
      String text = document.toString();
      assertTrue(text.contains("4444"));
      for (String secret : List.of("555555555555", "Ada", "Lovelace", "Main", "012", "08/2030", "+1123")) {
        assertFalse(text.contains(secret), secret);
      }
    }
  }

  @Test
  void showsNoDigitsOfAShortOrMissingNumber() {
    try (CardDocument shortNumber = SeedDocuments.seed001Builder().number("4242").build();
        CardDocument noNumber = SeedDocuments.seed001Builder().number(null).build()) {
      assertEquals("", shortNumber.lastFour());
      assertEquals("****", shortNumber.maskedNumber());
      assertEquals("****", noNumber.maskedNumber());
      assertFalse(shortNumber.toString().contains("4242"));
    }
  }

  @Test
  void rejectsInputThatIsNotJson() {
    Violation violation = onlyStructureViolation("{\"user\": {\"name\": Ada Lovelace}}");
    assertEquals("user.name", violation.fieldPath());
    assertTrue(violation.rule().startsWith("is not valid JSON"), violation.rule());
    assertFalse(violation.rule().contains("Lovelace"));

    assertEquals("$", onlyStructureViolation("card number 4242424242424242").fieldPath());
    assertEquals(new Violation("$", "is empty: expected a JSON object"), onlyStructureViolation(""));
    assertEquals(new Violation("$", "must be a JSON object"), onlyStructureViolation("[\"4242424242424242\"]"));
  }

  @Test
  void rejectsContentAfterTheDocument() {
    Violation violation = onlyStructureViolation(SeedDocuments.SEED_001_JSON + " {\"cvv\":\"999\"}");
    assertEquals("$", violation.fieldPath());
  }

  @Test
  void rejectsUserThatIsAString() {
    InvalidCardDocumentException thrown =
        assertThrows(
            InvalidCardDocumentException.class,
            () -> CardDocument.fromJson(utf8("{\"user\":\"Ada Lovelace\",\"card\":{\"number\":\"4242424242424242\"}}")));
    assertEquals(List.of(new Violation("user", "must be a JSON object")), thrown.violations());
    assertEquals("INVALID_CARD_DATA", thrown.reason());
    assertFalse(thrown.getMessage().contains("Lovelace"));
    assertNull(thrown.getCause());
  }

  @Test
  void reportsEveryStructureErrorWithItsPath() {
    InvalidCardDocumentException thrown =
        assertThrows(
            InvalidCardDocumentException.class,
            () ->
                CardDocument.fromJson(
                    utf8(
                        "{\"user\":{\"name\":[\"Ada\"],\"address\":{\"street\":17,\"city\":\"X\",\"city\":\"Y\"},"
                            + "\"phone_number\":{\"n\":\"+1\"}},"
                            + "\"card\":{\"number\":4242424242424242,\"cvv\":true}}")));
    assertEquals(
        List.of(
            new Violation("user.name", "must be a JSON object"),
            new Violation("user.address.street", "must be a JSON string"),
            new Violation("user.address.city", "appears more than once"),
            new Violation("user.phone_number", "must be a JSON string"),
            new Violation("card.number", "must be a JSON string"),
            new Violation("card.cvv", "must be a JSON string")),
        thrown.violations());
    assertFalse(thrown.getMessage().contains("4242"));
  }

  @Test
  void reportsMissingObjects() {
    InvalidCardDocumentException thrown =
        assertThrows(InvalidCardDocumentException.class, () -> CardDocument.fromJson(utf8("{\"user\":{\"name\":null}}")));
    assertEquals(
        List.of(
            new Violation("user.name", "is required: a JSON object"),
            new Violation("user.address", "is required: a JSON object"),
            new Violation("card", "is required: a JSON object")),
        thrown.violations());
  }

  @Test
  void readsNullFieldAsAbsent() {
    String json = SeedDocuments.SEED_001_JSON.replace("\"#100\"", "null");
    try (CardDocument document = CardDocument.fromJson(utf8(json))) {
      assertNull(document.value(CardField.STREET2));
    }
  }

  @Test
  void hidesUnknownKeysThatDoNotLookLikeFieldNames() {
    String json = SeedDocuments.SEED_001_JSON.replace("\"cvv\":\"012\"", "\"cvv\":\"012\",\"5555555555554444\":\"x\"");
    try (CardDocument document = CardDocument.fromJson(utf8(json))) {
      assertEquals(List.of("card.<unprintable key>"), document.unknownFieldPaths());
    }
  }

  @Test
  void rejectsOversizedDocument() {
    String json = SeedDocuments.SEED_001_JSON.replace("\"Ada\"", "\"" + "A".repeat(CardDocumentParser.MAX_STRING_CHARS + 1) + "\"");
    Violation violation = onlyStructureViolation(json);
    assertTrue(violation.rule().startsWith("is too large"), violation.rule());
  }

  @Test
  void parsedAndBuiltDocumentsAgree() {
    try (CardDocument parsed = CardDocument.fromJson(SeedDocuments.seed001Bytes());
        CardDocument built = SeedDocuments.seed001Builder().build()) {
      assertArrayEquals(parsed.toJson(), built.toJson());
    }
  }

  private static Violation onlyStructureViolation(String json) {
    InvalidCardDocumentException thrown =
        assertThrows(InvalidCardDocumentException.class, () -> CardDocument.fromJson(utf8(json)));
    assertEquals(1, thrown.violations().size(), thrown::getMessage);
    return thrown.violations().get(0);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
