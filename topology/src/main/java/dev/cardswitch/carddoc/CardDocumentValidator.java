package dev.cardswitch.carddoc;

import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a {@link CardDocument} against every rule Knot documents (seed 001) before anything is
 * sent, and reports every broken rule, not just the first, each as a {@link Violation} with the
 * field's path and never its value.
 *
 * <p>Rules: first and last name required, at most {@value #MAX_NAME_LENGTH} characters; street
 * required and street2 optional, each at most {@value #MAX_STREET_LENGTH}; city required, at most
 * {@value #MAX_CITY_LENGTH}; region an ISO 3166-2 subdivision of the country, as {@code NY} or {@code
 * US-NY}; postal code {@value #MIN_POSTAL_CODE_LENGTH} to {@value #MAX_POSTAL_CODE_LENGTH}
 * characters; country ISO 3166-1 alpha-2; phone E.164 ({@code +}, then 1 to 15 digits, the first not
 * 0); expiration {@code MM/YYYY} or {@code MM/YY} with a month 01 to 12, not before the current month
 * (a card expiring this month is still valid); CVV 3 or 4 digits; card number 12 to 19 digits
 * passing the Luhn check. Every field but street2 is required; a blank value counts as missing.
 * Fields that are not part of Knot's document are rejected (see {@link CardDocument}).
 *
 * <p>Choices Knot leaves open, made here: lengths count Unicode code points; codes are matched as ISO
 * writes them (upper case); a two-digit year {@code YY} means 20YY (cards are issued for at most a
 * few years ahead, so 2000-2099 covers every card that can exist now); the current month is that of
 * the clock's time zone. The region is checked only when the country is valid (otherwise the country's
 * violation says what to fix first); a country that ISO 3166-2 gives no subdivisions (a territory
 * such as PR or HK) accepts no region, and the rule says to use the parent country instead
 * (US with region PR).
 * The ISO lists' sources are given in {@link IsoCodes}.
 *
 * <p>Immutable; thread-safe.
 */
public final class CardDocumentValidator {

  public static final int MAX_NAME_LENGTH = 255;
  public static final int MAX_STREET_LENGTH = 46;
  public static final int MAX_CITY_LENGTH = 32;
  public static final int MIN_POSTAL_CODE_LENGTH = 5;
  public static final int MAX_POSTAL_CODE_LENGTH = 10;
  public static final int MAX_PHONE_DIGITS = 15;
  public static final int MIN_NUMBER_DIGITS = 12;
  public static final int MAX_NUMBER_DIGITS = 19;
  public static final int MIN_CVV_DIGITS = 3;
  public static final int MAX_CVV_DIGITS = 4;

  static final String REQUIRED = "is required";
  static final String BLANK = "is required: must not be blank";
  static final String UNKNOWN_FIELD = "is not a field of Knot's card document: remove it (or fix its name)";
  static final String NAME_TOO_LONG = "must be at most " + MAX_NAME_LENGTH + " characters";
  static final String STREET_TOO_LONG = "must be at most " + MAX_STREET_LENGTH + " characters";
  static final String CITY_TOO_LONG = "must be at most " + MAX_CITY_LENGTH + " characters";
  static final String REGION_NOT_SUBDIVISION =
      "must be an ISO 3166-2 subdivision code of user.address.country, e.g. NY or US-NY";
  static final String REGION_COUNTRY_WITHOUT_SUBDIVISIONS =
      "must be an ISO 3166-2 subdivision code of user.address.country, which has none:"
          + " for a territory, give its parent country and the territory's subdivision code";
  static final String POSTAL_CODE_LENGTH =
      "must be " + MIN_POSTAL_CODE_LENGTH + " to " + MAX_POSTAL_CODE_LENGTH + " characters";
  static final String COUNTRY_NOT_ISO = "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US";
  static final String PHONE_NOT_E164 =
      "must be in E.164 format: + then 1 to " + MAX_PHONE_DIGITS + " digits, the first not 0";
  static final String EXPIRATION_FORMAT = "must be MM/YYYY or MM/YY";
  static final String EXPIRATION_MONTH = "must have a month from 01 to 12";
  static final String EXPIRATION_PAST = "must not be in the past";
  static final String CVV_FORMAT = "must be " + MIN_CVV_DIGITS + " or " + MAX_CVV_DIGITS + " digits";
  static final String NUMBER_FORMAT =
      "must be " + MIN_NUMBER_DIGITS + " to " + MAX_NUMBER_DIGITS + " digits";
  static final String NUMBER_LUHN = "must pass the Luhn check digit test";

  /** {@code MM/YY} means 20YY. */
  private static final int TWO_DIGIT_YEAR_CENTURY = 2000;

  private final Clock clock;

  /** @param clock decides the current month for "expiry not in the past" */
  public CardDocumentValidator(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Every rule broken by {@code document}, in Knot's field order then unknown fields; empty when the
   * document is valid.
   *
   * @throws IllegalStateException if the document is closed
   */
  public List<Violation> validate(CardDocument document) {
    List<Violation> violations = new ArrayList<>();
    for (CardField field : CardField.values()) {
      char[] value = document.value(field);
      if (value == null || isBlank(value)) {
        if (field.required()) {
          violations.add(new Violation(field.path(), value == null ? REQUIRED : BLANK));
        }
        continue;
      }
      String rule = check(field, value, document);
      if (rule != null) {
        violations.add(new Violation(field.path(), rule));
      }
    }
    for (String path : document.unknownFieldPaths()) {
      violations.add(new Violation(path, UNKNOWN_FIELD));
    }
    return List.copyOf(violations);
  }

  /**
   * Validates and throws when anything is wrong.
   *
   * @throws InvalidCardDocumentException with every violation
   */
  public void requireValid(CardDocument document) {
    List<Violation> violations = validate(document);
    if (!violations.isEmpty()) {
      throw new InvalidCardDocumentException(violations);
    }
  }

  /** The rule {@code value} breaks, or null. */
  private String check(CardField field, char[] value, CardDocument document) {
    switch (field) {
      case FIRST_NAME, LAST_NAME:
        return length(value) <= MAX_NAME_LENGTH ? null : NAME_TOO_LONG;
      case STREET, STREET2:
        return length(value) <= MAX_STREET_LENGTH ? null : STREET_TOO_LONG;
      case CITY:
        return length(value) <= MAX_CITY_LENGTH ? null : CITY_TOO_LONG;
      case REGION:
        return checkRegion(document.value(CardField.COUNTRY), value);
      case POSTAL_CODE:
        int length = length(value);
        return length >= MIN_POSTAL_CODE_LENGTH && length <= MAX_POSTAL_CODE_LENGTH
            ? null
            : POSTAL_CODE_LENGTH;
      case COUNTRY:
        return IsoCodes.isCountry(value) ? null : COUNTRY_NOT_ISO;
      case PHONE_NUMBER:
        return isE164(value) ? null : PHONE_NOT_E164;
      case NUMBER:
        if (!isDigits(value, MIN_NUMBER_DIGITS, MAX_NUMBER_DIGITS)) {
          return NUMBER_FORMAT;
        }
        return passesLuhn(value) ? null : NUMBER_LUHN;
      case EXPIRATION:
        return checkExpiration(value);
      case CVV:
        return isDigits(value, MIN_CVV_DIGITS, MAX_CVV_DIGITS) ? null : CVV_FORMAT;
      default:
        throw new IllegalStateException("no rule for " + field.path());
    }
  }

  private static String checkRegion(char[] country, char[] region) {
    if (country == null || !IsoCodes.isCountry(country)) {
      return null; // the country's own violation comes first; a region cannot be judged without it
    }
    if (!IsoCodes.hasSubdivisions(country)) {
      return REGION_COUNTRY_WITHOUT_SUBDIVISIONS;
    }
    return IsoCodes.isSubdivisionOf(country, region) ? null : REGION_NOT_SUBDIVISION;
  }

  private String checkExpiration(char[] value) {
    boolean longYear = value.length == 7;
    if ((value.length != 5 && !longYear)
        || value[2] != '/'
        || !allDigits(value, 0, 2)
        || !allDigits(value, 3, value.length)) {
      return EXPIRATION_FORMAT;
    }
    int month = number(value, 0, 2);
    if (month < 1 || month > 12) {
      return EXPIRATION_MONTH;
    }
    int year = longYear ? number(value, 3, 7) : TWO_DIGIT_YEAR_CENTURY + number(value, 3, 5);
    return YearMonth.of(year, month).isBefore(YearMonth.now(clock)) ? EXPIRATION_PAST : null;
  }

  private static boolean isE164(char[] value) {
    if (value.length < 2 || value.length > MAX_PHONE_DIGITS + 1 || value[0] != '+' || value[1] == '0') {
      return false;
    }
    return allDigits(value, 1, value.length);
  }

  /** Luhn (ISO/IEC 7812-1 check digit) over a digits-only value. */
  private static boolean passesLuhn(char[] digits) {
    int sum = 0;
    boolean doubleIt = false;
    for (int i = digits.length - 1; i >= 0; i--) {
      int digit = digits[i] - '0';
      if (doubleIt) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
      doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
  }

  /** Whether the whole value is ASCII digits and its length within bounds. */
  private static boolean isDigits(char[] value, int minLength, int maxLength) {
    return value.length >= minLength && value.length <= maxLength && allDigits(value, 0, value.length);
  }

  private static boolean allDigits(char[] value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (value[i] < '0' || value[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(char[] value, int from, int to) {
    int result = 0;
    for (int i = from; i < to; i++) {
      result = result * 10 + (value[i] - '0');
    }
    return result;
  }

  private static int length(char[] value) {
    return Character.codePointCount(value, 0, value.length);
  }

  private static boolean isBlank(char[] value) {
    for (char c : value) {
      if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        return false;
      }
    }
    return true;
  }
}
