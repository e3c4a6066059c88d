package dev.cardswitch.loader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.InvalidCardDocumentException;
import dev.cardswitch.carddoc.Violation;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an issuer's card file row by row ({@link CardFileFormat}), straight from the file: nothing
 * of it is copied to disk, and the clear values pass only through byte and char arrays that are
 * zeroed once the row's {@link CardDocument} holds its own copies (which {@link CardRow#close()}
 * wipes). Blank lines are skipped. Problems of a row (a missing column value, broken JSON, a quote
 * left open) are reported as {@link Violation}s of that row; only an unreadable file or a bad CSV
 * header stops the reading.
 *
 * <p>Not thread-safe: one reader, one thread.
 */
public final class CardFileReader implements AutoCloseable {

  public static final String CARD_ID = "card_id";
  public static final String EXTERNAL_USER_ID = "external_user_id";
  public static final String FIDO_RESPONSE_JWT = "fido_response_jwt";

  /** The CSV columns, in the documented order. */
  public static final List<String> CSV_COLUMNS = List.of(CARD_ID, EXTERNAL_USER_ID, "first_name", "last_name",
      "street", "street2", "city", "region", "postal_code", "country", "phone_number", "number", "expiration", "cvv",
      FIDO_RESPONSE_JWT);

  static final String CSV_COLUMNS_TEXT = "card_id, external_user_id, first_name, last_name, street, street2, city,"
      + " region, postal_code, country, phone_number, number, expiration, cvv, fido_response_jwt (optional)";

  /** Columns that must be in the header; street2 and fido_response_jwt may be left out. */
  private static final Set<String> OPTIONAL_COLUMNS = Set.of("street2", FIDO_RESPONSE_JWT);

  /** Top-level members of a JSON line that are not part of Knot's card document. */
  private static final Set<String> IDENTIFIER_FIELDS = Set.of(CARD_ID, EXTERNAL_USER_ID, FIDO_RESPONSE_JWT);

  /** A line longer than this is not a card record (and would hold a lot of memory): rejected. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  private static final JsonFactory JSON = new JsonFactory();

  private final CardFileFormat format;
  private final InputStream in;
  private final Map<String, Integer> columns = new HashMap<>();
  private byte[] buffer = new byte[1024];
  private long lineNumber;

  private CardFileReader(CardFileFormat format, InputStream in) {
    this.format = format;
    this.in = in;
  }

  /**
   * Opens {@code file}; for CSV, reads and checks the header.
   *
   * @throws LoadException when the file cannot be read or the header is unusable
   */
  public static CardFileReader open(Path file, CardFileFormat format) {
    InputStream in;
    try {
      in = new BufferedInputStream(Files.newInputStream(file));
    } catch (NoSuchFileException e) {
      throw new LoadException(LoadException.BAD_FILE, "card file " + file + " does not exist: give the path of a CSV or"
          + " JSON-lines file");
    } catch (IOException e) {
      throw new LoadException(LoadException.BAD_FILE, "card file " + file + " cannot be read ("
          + e.getClass().getSimpleName() + "): check its permissions");
    }
    CardFileReader reader = new CardFileReader(format, in);
    if (format == CardFileFormat.CSV) {
      try {
        reader.readHeader();
      } catch (RuntimeException e) {
        reader.close();
        throw e;
      }
    }
    return reader;
  }

  /** Counts the rows of {@code file} (non-blank lines, less a CSV header) without keeping any of it. */
  public static long countRows(Path file, CardFileFormat format) {
    long rows = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      boolean content = false;
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          rows += content ? 1 : 0;
          content = false;
        } else if (b != '\r' && b != ' ' && b != '\t') {
          content = true;
        }
      }
      rows += content ? 1 : 0;
    } catch (IOException e) {
      return 0; // the progress bar then shows no total; open() reports the problem
    }
    return format == CardFileFormat.CSV ? Math.max(0, rows - 1) : rows;
  }

  /** The next row, or null at the end of the file. The caller closes the row. */
  public CardRow next() {
    while (true) {
      int length = readLine();
      if (length < 0) {
        return null;
      }
      try {
        if (isBlank(length)) {
          continue;
        }
        if (length > MAX_LINE_BYTES) {
          return new CardRow(lineNumber, null, null, null, null,
              List.of(new Violation(Violation.DOCUMENT_PATH, "line is longer than " + MAX_LINE_BYTES + " bytes")));
        }
        return format == CardFileFormat.CSV ? csvRow(length) : jsonRow(length);
      } finally {
        Arrays.fill(buffer, 0, Math.min(length, buffer.length), (byte) 0);
      }
    }
  }

  @Override
  public void close() {
    Arrays.fill(buffer, (byte) 0);
    try {
      in.close();
    } catch (IOException e) {
      // nothing was written; nothing to lose
    }
  }

  private void readHeader() {
    int length;
    do {
      length = readLine();
      if (length < 0) {
        throw new LoadException(LoadException.BAD_FILE, "the CSV file is empty: its first line must name the columns: "
            + CSV_COLUMNS_TEXT);
      }
    } while (isBlank(length));
    char[] line = decode(length);
    List<char[]> names = splitCsv(line);
    if (names == null) {
      throw new LoadException(LoadException.BAD_FILE, "the CSV header (line " + lineNumber + ") has a quote left open");
    }
    for (int i = 0; i < names.size(); i++) {
      String name = new String(names.get(i)).strip().toLowerCase(Locale.ROOT);
      if (name.startsWith("\uFEFF")) {
        name = name.substring(1); // a byte-order mark written by spreadsheet tools
      }
      if (!CSV_COLUMNS.contains(name)) {
        throw new LoadException(LoadException.BAD_FILE, "the CSV header names an unknown column \"" + printable(name)
            + "\" (column " + (i + 1) + "): the columns are " + CSV_COLUMNS_TEXT);
      }
      if (columns.put(name, i) != null) {
        throw new LoadException(LoadException.BAD_FILE, "the CSV header names column " + name + " twice");
      }
    }
    List<String> missing = new ArrayList<>();
    for (String column : CSV_COLUMNS) {
      if (!columns.containsKey(column) && !OPTIONAL_COLUMNS.contains(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw new LoadException(LoadException.BAD_FILE, "the CSV header lacks column(s) " + String.join(", ", missing)
          + ": the columns are " + CSV_COLUMNS_TEXT);
    }
  }

  private CardRow csvRow(int length) {
    char[] line = decode(length);
    List<char[]> fields = null;
    try {
      if (line == null) {
        return problem("line is not valid UTF-8");
      }
      fields = splitCsv(line);
      if (fields == null) {
        return problem("has a quote left open (a record must fit on one line)");
      }
      if (fields.size() != columns.size()) {
        return problem("has " + fields.size() + " fields: the header names " + columns.size());
      }
      CardDocument document = CardDocument.builder()
          .firstName(field(fields, "first_name"))
          .lastName(field(fields, "last_name"))
          .street(field(fields, "street"))
          .street2(field(fields, "street2"))
          .city(field(fields, "city"))
          .region(field(fields, "region"))
          .postalCode(field(fields, "postal_code"))
          .country(field(fields, "country"))
          .phoneNumber(field(fields, "phone_number"))
          .number(field(fields, "number"))
          .expiration(field(fields, "expiration"))
          .cvv(field(fields, "cvv"))
          .build();
      return new CardRow(lineNumber, identifier(fields, CARD_ID), identifier(fields, EXTERNAL_USER_ID),
          identifier(fields, FIDO_RESPONSE_JWT), document, List.of());
    } finally {
      if (line != null) {
        Arrays.fill(line, '\0');
      }
      if (fields != null) {
        fields.forEach(f -> Arrays.fill(f, '\0'));
      }
    }
  }

  private CardRow jsonRow(int length) {
    byte[] json = Arrays.copyOf(buffer, length);
    try {
      String cardId = null;
      String externalUserId = null;
      String fido = null;
      List<Violation> problems = new ArrayList<>();
      try (JsonParser parser = JSON.createParser(json)) {
        if (parser.nextToken() == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (IDENTIFIER_FIELDS.contains(name)) {
              if (value == JsonToken.VALUE_STRING) {
                String text = parser.getText();
                switch (name) {
                  case CARD_ID -> cardId = text;
                  case EXTERNAL_USER_ID -> externalUserId = text;
                  default -> fido = text;
                }
              } else if (value != JsonToken.VALUE_NULL) {
                problems.add(new Violation(name, "must be a JSON string"));
              }
            }
            parser.skipChildren(); // card data is read by CardDocument only, into wipeable arrays
          }
        }
      } catch (IOException e) {
        // not JSON: CardDocument.fromJson reports it at "$", without quoting the input
      }
      CardDocument document;
      try {
        document = CardDocument.fromJson(json);
      } catch (InvalidCardDocumentException e) {
        problems.addAll(e.violations());
        return new CardRow(lineNumber, cardId, externalUserId, fido, null, problems);
      }
      return new CardRow(lineNumber, cardId, externalUserId, fido, document, problems);
    } finally {
      Arrays.fill(json, (byte) 0);
    }
  }

  /** Whether a violation is about one of the identifier members, which CardDocument sees as unknown fields. */
  static boolean isIdentifierField(String path) {
    return IDENTIFIER_FIELDS.contains(path);
  }

  private CardRow problem(String rule) {
    return new CardRow(lineNumber, null, null, null, null, List.of(new Violation(Violation.DOCUMENT_PATH, rule)));
  }

  private CharSequence field(List<char[]> fields, String column) {
    Integer index = columns.get(column);
    if (index == null) {
      return null;
    }
    char[] value = fields.get(index);
    return value.length == 0 ? null : CharBuffer.wrap(value);
  }

  private String identifier(List<char[]> fields, String column) {
    Integer index = columns.get(column);
    if (index == null || fields.get(index).length == 0) {
      return null;
    }
    return new String(fields.get(index)).strip();
  }

  /** RFC 4180 fields of one line; null when a quote is left open. */
  private static List<char[]> splitCsv(char[] line) {
    List<char[]> fields = new ArrayList<>();
    char[] field = new char[line.length];
    int n = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length; i++) {
      char c = line[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length && line[i + 1] == '"') {
            field[n++] = '"';
            i++;
          } else {
            quoted = false;
          }
        } else {
          field[n++] = c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(Arrays.copyOf(field, n));
        n = 0;
      } else {
        field[n++] = c;
      }
    }
    fields.add(Arrays.copyOf(field, n));
    Arrays.fill(field, '\0');
    if (quoted) {
      fields.forEach(f -> Arrays.fill(f, '\0'));
      return null;
    }
    return fields;
  }

  /** The line's bytes as chars, or null when not UTF-8; the caller wipes the result. */
  private char[] decode(int length) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = CharBuffer.allocate(length);
    try {
      if (decoder.decode(ByteBuffer.wrap(buffer, 0, length), chars, true).isError()
          || decoder.flush(chars).isError()) {
        return null;
      }
      return Arrays.copyOf(chars.array(), chars.position());
    } finally {
      Arrays.fill(chars.array(), '\0');
    }
  }

  /** Reads one line into {@code buffer} (without the line end); its length, or -1 at the end of the file. */
  private int readLine() {
    int n = 0;
    int b;
    try {
      while ((b = in.read()) != -1 && b != '\n') {
        if (n == buffer.length) {
          byte[] bigger = Arrays.copyOf(buffer, buffer.length * 2);
          Arrays.fill(buffer, (byte) 0);
          buffer = bigger;
        }
        buffer[n++] = (byte) b;
      }
    } catch (IOException e) {
      throw new LoadException(LoadException.BAD_FILE, "the card file could not be read after line " + lineNumber
          + " (" + e.getClass().getSimpleName() + ")");
    }
    if (b == -1 && n == 0) {
      return -1;
    }
    lineNumber++;
    if (n > 0 && buffer[n - 1] == '\r') {
      buffer[--n] = 0;
    }
    return n;
  }

  private boolean isBlank(int length) {
    for (int i = 0; i < length; i++) {
      if (buffer[i] != ' ' && buffer[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  private static String printable(String name) {
    String cut = name.length() > 40 ? name.substring(0, 40) + "..." : name;
    return cut.replaceAll("[^\\p{Alnum}_ .-]", "?");
  }
}
