package dev.cardswitch.carddoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CardDocumentValidatorTest {

  /** 2026-11-25: before seed 001's expiry 08/2030. */
  private static final Clock NOVEMBER_2026 = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

  private final CardDocumentValidator validator = new CardDocumentValidator(NOVEMBER_2026);

  @Test
  void acceptsSeed001Example() {
    try (CardDocument document = CardDocument.fromJson(SeedDocuments.seed001Bytes())) {
      assertEquals(List.of(), validator.validate(document));
    }
  }

  @Test
  void acceptsRegionWithCountryPrefixAndWithoutStreet2() {
    try (CardDocument document = SeedDocuments.seed001Builder().region("US-NY").street2(null).build()) {
      assertEquals(List.of(), validator.validate(document));
    }
  }

  @Test
  void acceptsCardExpiringThisMonthInBothFormats() {
    for (String expiration : List.of("11/2026", "11/26")) {
      try (CardDocument document = SeedDocuments.seed001Builder().expiration(expiration).build()) {
        assertEquals(List.of(), validator.validate(document), expiration);
      }
    }
  }

  @Test
  void readsTwoDigitYearAsTwentyFirstCentury() {
    // 10/26 is October 2026 (past), not 1926 nor 2126.
    try (CardDocument past = SeedDocuments.seed001Builder().expiration("10/26").build();
        CardDocument future = SeedDocuments.seed001Builder().expiration("01/99").build()) {
      assertEquals(List.of(new Violation("card.expiration", CardDocumentValidator.EXPIRATION_PAST)), validator.validate(past));
      assertEquals(List.of(), validator.validate(future));
    }
  }

  @Test
  void acceptsLongestAllowedValues() {
    try (CardDocument document =
        SeedDocuments.seed001Builder()
            .firstName("A".repeat(255))
            .lastName("\uD83D\uDE00".repeat(255)) // 255 code points, 510 UTF-16 units
            .street("S".repeat(46))
            .street2("T".repeat(46))
            .city("C".repeat(32))
            .postalCode("1234567890")
            .phoneNumber("+" + "1".repeat(15))
            .number("4000000000000000006") // 19 digits, Luhn-valid
            .cvv("1234")
            .build()) {
      assertEquals(List.of(), validator.validate(document));
    }
  }

  static Stream<Arguments> oneBrokenRule() {
    return Stream.of(
        broken("user.name.first_name", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::firstName),
        broken("user.name.first_name", CardDocumentValidator.BLANK, "   ", CardDocument.Builder::firstName),
        broken("user.name.first_name", CardDocumentValidator.NAME_TOO_LONG, "Qwzx".repeat(64), CardDocument.Builder::firstName),
        broken("user.name.last_name", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::lastName),
        broken("user.name.last_name", CardDocumentValidator.NAME_TOO_LONG, "Zyxw".repeat(64), CardDocument.Builder::lastName),
        broken("user.address.street", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::street),
        broken("user.address.street", CardDocumentValidator.STREET_TOO_LONG, "Qxz".repeat(16) ,CardDocument.Builder::street),
        broken("user.address.street2", CardDocumentValidator.STREET_TOO_LONG, "Xqz".repeat(16), CardDocument.Builder::street2),
        broken("user.address.city", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::city),
        broken("user.address.city", CardDocumentValidator.CITY_TOO_LONG, "Qzx".repeat(11), CardDocument.Builder::city),
        broken("user.address.region", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::region),
        broken("user.address.region", CardDocumentValidator.REGION_NOT_SUBDIVISION, "QX", CardDocument.Builder::region),
        broken("user.address.region", CardDocumentValidator.REGION_NOT_SUBDIVISION, "CA-ON", CardDocument.Builder::region),
        broken("user.address.region", CardDocumentValidator.REGION_NOT_SUBDIVISION, "ny", CardDocument.Builder::region),
        broken("user.address.postal_code", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::postalCode),
        broken("user.address.postal_code", CardDocumentValidator.POSTAL_CODE_LENGTH, "9876", CardDocument.Builder::postalCode),
        broken("user.address.postal_code", CardDocumentValidator.POSTAL_CODE_LENGTH, "98765432109", CardDocument.Builder::postalCode),
        broken("user.address.country", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::country),
        broken("user.address.country", CardDocumentValidator.COUNTRY_NOT_ISO, "XQ", CardDocument.Builder::country),
        broken("user.address.country", CardDocumentValidator.COUNTRY_NOT_ISO, "USA", CardDocument.Builder::country),
        broken("user.phone_number", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::phoneNumber),
        broken("user.phone_number", CardDocumentValidator.PHONE_NOT_E164, "14155550123", CardDocument.Builder::phoneNumber),
        broken("user.phone_number", CardDocumentValidator.PHONE_NOT_E164, "+04155550123", CardDocument.Builder::phoneNumber),
        broken("user.phone_number", CardDocumentValidator.PHONE_NOT_E164, "+1234567890123456", CardDocument.Builder::phoneNumber),
        broken("user.phone_number", CardDocumentValidator.PHONE_NOT_E164, "+1 415 555 0123", CardDocument.Builder::phoneNumber),
        broken("card.number", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::number),
        broken("card.number", CardDocumentValidator.NUMBER_FORMAT, "42424242426", CardDocument.Builder::number),
        broken("card.number", CardDocumentValidator.NUMBER_FORMAT, "42424242424242424242", CardDocument.Builder::number),
        broken("card.number", CardDocumentValidator.NUMBER_FORMAT, "4242 4242 4242 4242", CardDocument.Builder::number),
        broken("card.number", CardDocumentValidator.NUMBER_LUHN, "4242424242424241", CardDocument.Builder::number),
        broken("card.expiration", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::expiration),
        broken("card.expiration", CardDocumentValidator.EXPIRATION_FORMAT, "2030-08", CardDocument.Builder::expiration),
        broken("card.expiration", CardDocumentValidator.EXPIRATION_FORMAT, "8/2030", CardDocument.Builder::expiration),
        broken("card.expiration", CardDocumentValidator.EXPIRATION_FORMAT, "08/030", CardDocument.Builder::expiration),
        broken("card.expiration", CardDocumentValidator.EXPIRATION_MONTH, "13/2030", CardDocument.Builder::expiration),
        broken("card.expiration", CardDocumentValidator.EXPIRATION_MONTH, "00/31", CardDocument.Builder::expiration),
        broken("card.expiration", CardDocumentValidator.EXPIRATION_PAST, "10/2026", CardDocument.Builder::expiration),
        broken("card.cvv", CardDocumentValidator.REQUIRED, null, CardDocument.Builder::cvv),
        broken("card.cvv", CardDocumentValidator.CVV_FORMAT, "98", CardDocument.Builder::cvv),
        broken("card.cvv", CardDocumentValidator.CVV_FORMAT, "98765", CardDocument.Builder::cvv),
        broken("card.cvv", CardDocumentValidator.CVV_FORMAT, "98a", CardDocument.Builder::cvv));
  }

  private static Arguments broken(
      String path, String rule, String value, BiFunction<CardDocument.Builder, String, CardDocument.Builder> setter) {
    return Arguments.of(path, rule, value, setter);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("oneBrokenRule")
  void reportsEachBrokenRuleWithItsPathAndNeverTheValue(
      String path, String rule, String value, BiFunction<CardDocument.Builder, String, CardDocument.Builder> setter) {
    try (CardDocument document = setter.apply(SeedDocuments.seed001Builder(), value).build()) {
      List<Violation> violations = validator.validate(document);

      assertEquals(List.of(new Violation(path, rule)), violations);
      if (value != null && !value.isBlank()) {
        InvalidCardDocumentException thrown =
            assertThrows(InvalidCardDocumentException.class, () -> validator.requireValid(document));
        assertEquals("INVALID_CARD_DATA", thrown.reason());
        assertEquals(violations, thrown.violations());
        assertFalse(thrown.getMessage().contains(value), "exception message holds the value");
        assertFalse(violations.get(0).toString().contains(value), "violation holds the value");
        assertFalse(document.toString().contains(value), "toString holds the value");
      }
    }
  }

  @Test
  void rejectsRegionOfCountryWithoutSubdivisions() {
    // PR is a country in ISO 3166-1 and a subdivision of US in ISO 3166-2: as a country it has none.
    try (CardDocument document = SeedDocuments.seed001Builder().country("PR").region("SJ").build()) {
      assertEquals(
          List.of(new Violation("user.address.region", CardDocumentValidator.REGION_COUNTRY_WITHOUT_SUBDIVISIONS)),
          validator.validate(document));
    }
    try (CardDocument document = SeedDocuments.seed001Builder().country("US").region("PR").build()) {
      assertEquals(List.of(), validator.validate(document));
    }
  }

  @Test
  void rejectsUnknownFieldsByPath() {
    String json =
        SeedDocuments.SEED_001_JSON
            .replace("\"street2\":\"#100\"", "\"street2\":\"#100\",\"street3\":\"Wolfenden Court\"")
            .replace("\"cvv\":\"012\"", "\"cvv\":\"012\",\"pin\":{\"value\":\"7391\"}");
    try (CardDocument document = CardDocument.fromJson(json.getBytes(StandardCharsets.UTF_8))) {
      List<Violation> violations = validator.validate(document);
      assertEquals(
          List.of(
              new Violation("user.address.street3", CardDocumentValidator.UNKNOWN_FIELD),
              new Violation("card.pin", CardDocumentValidator.UNKNOWN_FIELD)),
          violations);
      assertFalse(violations.toString().contains("Wolfenden"));
      assertFalse(violations.toString().contains("7391"));
    }
  }

  @Test
  void reportsEveryViolationOfADocumentWithManyErrors() {
    String json =
        "{\"user\":{\"name\":{\"first_name\":\"\",\"last_name\":\"" + "L".repeat(256) + "\"},"
            + "\"address\":{\"street\":\"" + "S".repeat(47) + "\",\"street2\":\"" + "T".repeat(47) + "\","
            + "\"city\":\"" + "C".repeat(33) + "\",\"region\":\"ZZ\",\"postal_code\":\"1\",\"country\":\"US\","
            + "\"extra\":\"x\"},"
            + "\"phone_number\":\"555-0123\"},"
            + "\"card\":{\"number\":\"4242424242424241\",\"expiration\":\"13/30\",\"cvv\":\"1\"}}";
    try (CardDocument document = CardDocument.fromJson(json.getBytes(StandardCharsets.UTF_8))) {
      List<Violation> violations = validator.validate(document);

      assertEquals(
          List.of(
              new Violation("user.name.first_name", CardDocumentValidator.BLANK),
              new Violation("user.name.last_name", CardDocumentValidator.NAME_TOO_LONG),
              new Violation("user.address.street", CardDocumentValidator.STREET_TOO_LONG),
              new Violation("user.address.street2", CardDocumentValidator.STREET_TOO_LONG),
              new Violation("user.address.city", CardDocumentValidator.CITY_TOO_LONG),
              new Violation("user.address.region", CardDocumentValidator.REGION_NOT_SUBDIVISION),
              new Violation("user.address.postal_code", CardDocumentValidator.POSTAL_CODE_LENGTH),
              new Violation("user.phone_number", CardDocumentValidator.PHONE_NOT_E164),
              new Violation("card.number", CardDocumentValidator.NUMBER_LUHN),
              new Violation("card.expiration", CardDocumentValidator.EXPIRATION_MONTH),
              new Violation("card.cvv", CardDocumentValidator.CVV_FORMAT),
              new Violation("user.address.extra", CardDocumentValidator.UNKNOWN_FIELD)),
          violations);
    }
  }

  @Test
  void reportsEveryMissingFieldOfAnEmptyDocument() {
    byte[] json = "{\"user\":{\"name\":{},\"address\":{}},\"card\":{}}".getBytes(StandardCharsets.UTF_8);
    try (CardDocument document = CardDocument.fromJson(json)) {
      List<Violation> violations = validator.validate(document);
      assertEquals(11, violations.size(), violations::toString); // every field but street2
      assertTrue(violations.stream().allMatch(v -> v.rule().equals(CardDocumentValidator.REQUIRED)));
      assertFalse(violations.stream().anyMatch(v -> v.fieldPath().equals("user.address.street2")));
    }
  }

  @Test
  void usesTheInjectedClockForExpiry() {
    Clock september2030 = Clock.fixed(Instant.parse("2030-09-01T00:00:00Z"), ZoneOffset.UTC);
    try (CardDocument document = CardDocument.fromJson(SeedDocuments.seed001Bytes())) {
      assertEquals(
          List.of(new Violation("card.expiration", CardDocumentValidator.EXPIRATION_PAST)),
          new CardDocumentValidator(september2030).validate(document));
    }
  }

  @Test
  void refusesClosedDocument() {
    CardDocument document = CardDocument.fromJson(SeedDocuments.seed001Bytes());
    document.close();
    assertThrows(IllegalStateException.class, () -> validator.validate(document));
  }
}
