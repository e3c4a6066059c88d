package dev.cardswitch.demo;

import dev.cardswitch.carddoc.CardDocument;
import java.nio.CharBuffer;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * Makes plausible fake cardholders' card documents for the demo: common US names, US street
 * addresses whose city, region (ISO 3166-2, as {@code NY} or {@code US-NY}) and ZIP code agree,
 * fictional phone numbers ({@code 555-01xx}, E.164), test card numbers (Visa and Mastercard test
 * BINs, random account digits, a correct Luhn check digit), expiries one to five years ahead and
 * 3-digit CVVs. An invalid document breaks exactly one {@link InvalidCardRule} and keeps every
 * other field valid.
 *
 * <p>The number, expiry and CVV (what makes a card usable) are generated into {@code char[]}s that
 * are wiped as soon as the document has copied them; names and addresses come from fixed public
 * lists.
 *
 * <p>Not thread-safe: it draws from one {@link Random}.
 */
final class DemoCards {

  /** Test BINs that no real card uses: Visa 424242 and 400000, Mastercard 555555 and 222300. */
  private static final List<String> TEST_BINS = List.of("424242", "400000", "555555", "222300");

  private static final int NUMBER_LENGTH = 16;

  private static final List<String> FIRST_NAMES =
      words(
          "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth "
              + "William Barbara Richard Susan Joseph Jessica Thomas Sarah Carlos Karen "
              + "Daniel Lisa Matthew Nancy Anthony Sandra Mark Ashley Wei Emily Andrew "
              + "Michelle Joshua Amanda Kenji Priya Kevin Melissa Brian Aisha");

  private static final List<String> LAST_NAMES =
      words(
          "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez "
              + "Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore "
              + "Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez "
              + "Lewis Robinson Walker Young Allen King Wright Nguyen Hill Flores Green "
              + "Patel");

  private static final List<String> STREET_NAMES =
      words(
          "Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Lincoln "
              + "Church Highland Madison River Walnut Spring");

  private static final List<String> STREET_SUFFIXES =
      List.of("Street", "Avenue", "Boulevard", "Road", "Lane", "Drive", "Court", "Place");

  private static final List<String> UNITS = List.of("Apt ", "Suite ", "Unit ", "#");

  /** City, region, first three ZIP digits and an area code of that city. */
  private record Place(String city, String region, String zipPrefix, String areaCode) {}

  private static final List<Place> PLACES =
      List.of(
          new Place("New York", "NY", "100", "212"),
          new Place("Brooklyn", "NY", "112", "718"),
          new Place("Los Angeles", "CA", "900", "213"),
          new Place("San Francisco", "CA", "941", "415"),
          new Place("Chicago", "IL", "606", "312"),
          new Place("Houston", "TX", "770", "713"),
          new Place("Austin", "TX", "787", "512"),
          new Place("Phoenix", "AZ", "850", "602"),
          new Place("Philadelphia", "PA", "191", "215"),
          new Place("Seattle", "WA", "981", "206"),
          new Place("Denver", "CO", "802", "303"),
          new Place("Boston", "MA", "021", "617"),
          new Place("Miami", "FL", "331", "305"),
          new Place("Atlanta", "GA", "303", "404"),
          new Place("Portland", "OR", "972", "503"),
          new Place("Nashville", "TN", "372", "615"),
          new Place("Columbus", "OH", "432", "614"),
          new Place("Minneapolis", "MN", "554", "612"),
          new Place("Salt Lake City", "UT", "841", "801"),
          new Place("Raleigh", "NC", "276", "919"),
          new Place("Washington", "DC", "200", "202"),
          new Place("Honolulu", "HI", "968", "808"));

  /** Canadian provinces: ISO 3166-2 codes that are not subdivisions of US. */
  private static final List<String> FOREIGN_REGIONS = List.of("ON", "QC", "BC", "AB", "CA-ON");

  private final Random random;
  private final Clock clock;

  /** A word list written as one string, so that it stays a few lines long. */
  private static List<String> words(String spaceSeparated) {
    return List.of(spaceSeparated.split(" "));
  }

  DemoCards(Random random, Clock clock) {
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A new document, valid when {@code broken} is null, else breaking exactly that rule. The caller
   * owns it and closes it.
   */
  CardDocument next(InvalidCardRule broken) {
    Place place = pick(PLACES);
    char[] number = cardNumber(broken == InvalidCardRule.LUHN);
    char[] expiration = broken == InvalidCardRule.EXPIRED ? pastExpiration() : futureExpiration();
    char[] cvv = digits(3);
    try {
      return CardDocument.builder()
          .firstName(pick(FIRST_NAMES))
          .lastName(pick(LAST_NAMES))
          .street(
              (1 + random.nextInt(9899)) + " " + pick(STREET_NAMES) + " " + pick(STREET_SUFFIXES))
          .street2(
              random.nextInt(4) == 0
                  ? pick(UNITS) + (1 + random.nextInt(40)) + (char) ('A' + random.nextInt(6))
                  : null)
          .city(place.city())
          .region(broken == InvalidCardRule.REGION ? pick(FOREIGN_REGIONS) : region(place))
          .postalCode(broken == InvalidCardRule.POSTAL_CODE ? badPostalCode() : zip(place))
          .country("US")
          .phoneNumber(broken == InvalidCardRule.PHONE ? badPhone(place) : phone(place))
          .number(CharBuffer.wrap(number))
          .expiration(CharBuffer.wrap(expiration))
          .cvv(CharBuffer.wrap(cvv))
          .build();
    } finally {
      Arrays.fill(number, '\0');
      Arrays.fill(expiration, '\0');
      Arrays.fill(cvv, '\0');
    }
  }

  private String region(Place place) {
    // Knot's sample writes NY; ISO 3166-2 writes US-NY. Both are accepted, so both appear.
    return random.nextInt(5) == 0 ? "US-" + place.region() : place.region();
  }

  private String zip(Place place) {
    String five = place.zipPrefix() + String.format(Locale.ROOT, "%02d", random.nextInt(100));
    // ZIP+4 now and then: 10 characters, the longest Knot accepts.
    return random.nextInt(10) == 0
        ? five + "-" + String.format(Locale.ROOT, "%04d", random.nextInt(10_000))
        : five;
  }

  private String badPostalCode() {
    return random.nextBoolean()
        ? String.format(Locale.ROOT, "%03d", random.nextInt(1000))
        : String.format(
            Locale.ROOT, "%05d-%06d", random.nextInt(100_000), random.nextInt(1_000_000));
  }

  /** {@code +1 AAA 555 01xx}: 555-0100 to 555-0199 are reserved for fiction. */
  private String phone(Place place) {
    return "+1"
        + place.areaCode()
        + "55501"
        + String.format(Locale.ROOT, "%02d", random.nextInt(100));
  }

  private String badPhone(Place place) {
    String line = "01" + String.format(Locale.ROOT, "%02d", random.nextInt(100));
    return switch (random.nextInt(3)) {
      case 0 -> place.areaCode() + "555" + line; // no plus sign
      case 1 -> "(" + place.areaCode() + ") 555-" + line; // national punctuation
      default -> "+01" + place.areaCode() + "555" + line; // a leading zero country code
    };
  }

  /** A test BIN, random account digits and the Luhn check digit (a wrong one when asked). */
  private char[] cardNumber(boolean wrongCheckDigit) {
    char[] number = new char[NUMBER_LENGTH];
    String bin = pick(TEST_BINS);
    bin.getChars(0, bin.length(), number, 0);
    for (int i = bin.length(); i < NUMBER_LENGTH - 1; i++) {
      number[i] = (char) ('0' + random.nextInt(10));
    }
    int check = luhnCheckDigit(number, NUMBER_LENGTH - 1);
    if (wrongCheckDigit) {
      check = (check + 1 + random.nextInt(9)) % 10;
    }
    number[NUMBER_LENGTH - 1] = (char) ('0' + check);
    return number;
  }

  /** The digit that, appended to the first {@code length} digits, makes them pass Luhn. */
  static int luhnCheckDigit(char[] digits, int length) {
    int sum = 0;
    boolean doubleIt = true; // the rightmost payload digit is doubled once the check digit follows
    for (int i = length - 1; i >= 0; i--) {
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
    return (10 - sum % 10) % 10;
  }

  /** One to five years ahead (at least next month), as MM/YYYY mostly and MM/YY sometimes. */
  private char[] futureExpiration() {
    return expiration(
        YearMonth.now(clock).plusMonths(1 + random.nextInt(60)), random.nextInt(4) == 0);
  }

  /** One month to three years ago. */
  private char[] pastExpiration() {
    return expiration(YearMonth.now(clock).minusMonths(1 + random.nextInt(36)), false);
  }

  private static char[] expiration(YearMonth month, boolean shortYear) {
    char[] value = new char[shortYear ? 5 : 7];
    int m = month.getMonthValue();
    int y = shortYear ? month.getYear() % 100 : month.getYear();
    value[0] = (char) ('0' + m / 10);
    value[1] = (char) ('0' + m % 10);
    value[2] = '/';
    for (int i = value.length - 1; i >= 3; i--) {
      value[i] = (char) ('0' + y % 10);
      y /= 10;
    }
    return value;
  }

  private char[] digits(int count) {
    char[] value = new char[count];
    for (int i = 0; i < count; i++) {
      value[i] = (char) ('0' + random.nextInt(10));
    }
    return value;
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
