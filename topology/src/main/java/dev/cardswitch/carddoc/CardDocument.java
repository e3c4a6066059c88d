package dev.cardswitch.carddoc;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Knot's card document (seeds 000/001): {@code {"user":{"name":{first_name, last_name},
 * "address":{street, street2, city, region, postal_code, country}, "phone_number"},
 * "card":{number, expiration, cvv}}}. It holds the clear values only as long as the re-encryption
 * for Knot needs them: each value lives in its own {@code char[]}, never in a long-lived String, and
 * {@link #close()} overwrites them all with zeros. Use it in try-with-resources.
 *
 * <p>A document is only a carrier: {@link #fromJson} checks the structure (JSON, objects, strings);
 * {@link CardDocumentValidator} checks Knot's rules on the values. Fields absent or JSON {@code null}
 * are held as absent; the validator reports the required ones. Unknown fields are not kept (their
 * values are skipped unread) but their paths are, and the validator rejects them: they are most
 * likely a misspelt field whose value would otherwise be silently dropped, and nothing that is not
 * part of Knot's document should travel with the card.
 *
 * <p>{@link #toString()}, {@link #maskedNumber()} and {@link #lastFour()} show at most the last four
 * digits of the card number. The masked form is {@code "**** 4242"}: a fixed width that does not
 * reveal the length of the number.
 *
 * <p>Not thread-safe: confine a document to the thread handling its record (reads without {@code
 * close()} in between are safe to share once published).
 */
public final class CardDocument implements AutoCloseable {

  /** What {@link #maskedNumber()} shows before the last four digits. */
  public static final String MASK = "****";

  /** Shortest number of which {@link #lastFour()} shows anything: 12, Knot's minimum card number length. */
  private static final int MIN_NUMBER_LENGTH_FOR_LAST_FOUR = 12;

  private final char[][] values;
  private final List<String> unknownFieldPaths;
  private volatile boolean closed;

  /** Takes ownership of {@code values} (indexed by {@link CardField#ordinal()}, null = absent). */
  CardDocument(char[][] values, List<String> unknownFieldPaths) {
    if (values.length != CardField.values().length) {
      throw new IllegalArgumentException("one value slot per card field expected");
    }
    this.values = values;
    this.unknownFieldPaths = List.copyOf(unknownFieldPaths);
  }

  /**
   * Reads a card document from its UTF-8 JSON. The caller keeps ownership of {@code utf8Json} (and
   * zeroes it when done).
   *
   * @throws InvalidCardDocumentException when the input is not JSON or does not have the structure of
   *     Knot's document (a required object missing, a value of the wrong type, a field twice); every
   *     such problem is reported with its field path, never with a value
   */
  public static CardDocument fromJson(byte[] utf8Json) {
    return CardDocumentParser.parse(Objects.requireNonNull(utf8Json, "utf8Json"));
  }

  /** A builder for documents made from other sources (the loader, tests). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The document as Knot's JSON, compact, UTF-8, keys in Knot's documented order; absent fields are
   * left out. Built straight into the returned bytes, without a String of the document. The caller
   * owns the array and zeroes it after use ({@code Arrays.fill(json, (byte) 0)}).
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public byte[] toJson() {
    return CardDocumentWriter.write(this);
  }

  /**
   * The last four digits of the card number, or {@code ""} when there is no number, it is shorter than
   * 12 characters (showing four of them would show most of it) or does not end in four digits.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public String lastFour() {
    char[] number = value(CardField.NUMBER);
    if (number == null || number.length < MIN_NUMBER_LENGTH_FOR_LAST_FOUR) {
      return "";
    }
    for (int i = number.length - 4; i < number.length; i++) {
      if (number[i] < '0' || number[i] > '9') {
        return "";
      }
    }
    return new String(number, number.length - 4, 4);
  }

  /**
   * The card number masked to {@code "**** 4242"} (always four stars, a space and the last four
   * digits), or {@code "****"} when {@link #lastFour()} is empty.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public String maskedNumber() {
    String lastFour = lastFour();
    return lastFour.isEmpty() ? MASK : MASK + " " + lastFour;
  }

  /** Overwrites every clear value with zeros; the document is unusable afterwards. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (char[] value : values) {
      if (value != null) {
        Arrays.fill(value, '\0');
      }
    }
  }

  /** {@code CardDocument[card=**** 4242]}, or {@code CardDocument[closed]}: no other value, ever. */
  @Override
  public String toString() {
    return closed ? "CardDocument[closed]" : "CardDocument[card=" + maskedNumber() + "]";
  }

  /** The live array of a field (not a copy), null when absent. For the validator, writer and tests. */
  char[] value(CardField field) {
    if (closed) {
      throw new IllegalStateException("card document is closed: its values have been wiped");
    }
    return values[field.ordinal()];
  }

  /** Paths of fields present in the JSON but not part of Knot's document (printable, see parser). */
  List<String> unknownFieldPaths() {
    return unknownFieldPaths;
  }

  /**
   * Builds a document from values held elsewhere. Holds only references to the given sequences;
   * {@link #build()} copies them into the document's own arrays. Not thread-safe.
   */
  public static final class Builder {

    private final CharSequence[] values = new CharSequence[CardField.values().length];

    private Builder() {}

    public Builder firstName(CharSequence value) {
      return set(CardField.FIRST_NAME, value);
    }

    public Builder lastName(CharSequence value) {
      return set(CardField.LAST_NAME, value);
    }

    public Builder street(CharSequence value) {
      return set(CardField.STREET, value);
    }

    /** Optional: null leaves {@code street2} out of the document. */
    public Builder street2(CharSequence value) {
      return set(CardField.STREET2, value);
    }

    public Builder city(CharSequence value) {
      return set(CardField.CITY, value);
    }

    /** An ISO 3166-2 subdivision code, with or without the country prefix: {@code NY} or {@code US-NY}. */
    public Builder region(CharSequence value) {
      return set(CardField.REGION, value);
    }

    public Builder postalCode(CharSequence value) {
      return set(CardField.POSTAL_CODE, value);
    }

    /** An ISO 3166-1 alpha-2 code, e.g. {@code US}. */
    public Builder country(CharSequence value) {
      return set(CardField.COUNTRY, value);
    }

    /** E.164, e.g. {@code +14155550123}. */
    public Builder phoneNumber(CharSequence value) {
      return set(CardField.PHONE_NUMBER, value);
    }

    /** The card number (PAN), digits only. */
    public Builder number(CharSequence value) {
      return set(CardField.NUMBER, value);
    }

    /** {@code MM/YYYY} or {@code MM/YY}. */
    public Builder expiration(CharSequence value) {
      return set(CardField.EXPIRATION, value);
    }

    public Builder cvv(CharSequence value) {
      return set(CardField.CVV, value);
    }

    /** A new document with copies of the values set so far; nothing is validated here. */
    public CardDocument build() {
      char[][] copies = new char[values.length][];
      for (int i = 0; i < values.length; i++) {
        CharSequence value = values[i];
        if (value != null) {
          char[] copy = new char[value.length()];
          for (int j = 0; j < copy.length; j++) {
            copy[j] = value.charAt(j);
          }
          copies[i] = copy;
        }
      }
      return new CardDocument(copies, List.of());
    }

    private Builder set(CardField field, CharSequence value) {
      values[field.ordinal()] = value;
      return this;
    }
  }
}
