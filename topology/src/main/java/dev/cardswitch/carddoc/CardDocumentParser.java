package dev.cardswitch.carddoc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Knot's card document with Jackson's streaming parser, copying each string value straight
 * from the parser's character buffer ({@link JsonParser#getTextCharacters()}) into the document's own
 * array, so no String of a value is made. Jackson's internal buffers still hold the decoded text
 * until they are garbage: the factory uses a non-recycling buffer pool so they are dropped with the
 * parser instead of lingering in a pool for the thread's lifetime. Jackson's exception messages may
 * quote the input, so they are never used nor attached as causes; only line and column are kept.
 *
 * <p>One instance per parse; not thread-safe. The shared {@link JsonFactory} is thread-safe.
 */
final class CardDocumentParser {

  /** The card document is a few hundred bytes; anything far larger is not one. */
  static final int MAX_DOCUMENT_BYTES = 64 * 1024;

  static final int MAX_STRING_CHARS = 8 * 1024;
  static final int MAX_NESTING_DEPTH = 16;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
          // Canonicalising would keep every key ever seen, unknown ones included, in a table shared
          // for the factory's lifetime.
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxDocumentLength(MAX_DOCUMENT_BYTES)
                  .maxStringLength(MAX_STRING_CHARS)
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .build())
          .build();

  /** The objects of the document: object path -> keys of its child objects ({@code $} = root). */
  private static final Map<String, List<String>> CHILD_OBJECTS =
      Map.of(
          Violation.DOCUMENT_PATH, List.of("user", "card"),
          "user", List.of("name", "address"),
          "user.name", List.of(),
          "user.address", List.of(),
          "card", List.of());

  /**
   * Unknown keys are printed in paths only when they look like a field name (a letter or underscore,
   * then letters, digits, underscores, with at most {@value #MAX_DIGITS_IN_PRINTABLE_KEY} digits): a
   * key is not a value, but a producer could put anything there, a card number included.
   */
  private static final Pattern PRINTABLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private static final int MAX_DIGITS_IN_PRINTABLE_KEY = 2;

  private static final String UNPRINTABLE_KEY = "<unprintable key>";

  private final char[][] values = new char[CardField.values().length][];
  private final List<String> unknownFieldPaths = new ArrayList<>();
  private final List<Violation> violations = new ArrayList<>();

  private CardDocumentParser() {}

  static CardDocument parse(byte[] utf8Json) {
    CardDocumentParser parser = new CardDocumentParser();
    parser.read(utf8Json);
    if (!parser.violations.isEmpty()) {
      parser.wipe();
      throw new InvalidCardDocumentException(parser.violations);
    }
    return new CardDocument(parser.values, parser.unknownFieldPaths);
  }

  private void read(byte[] utf8Json) {
    JsonParser json;
    try {
      json = JSON.createParser(utf8Json);
    } catch (IOException e) {
      // Reading from a byte array does no I/O; keep the same contract should it ever happen.
      violations.add(new Violation(Violation.DOCUMENT_PATH, "could not be read as JSON"));
      return;
    }
    try (json) {
      JsonToken token = json.nextToken();
      if (token == null) {
        violations.add(new Violation(Violation.DOCUMENT_PATH, "is empty: expected a JSON object"));
      } else if (token != JsonToken.START_OBJECT) {
        violations.add(new Violation(Violation.DOCUMENT_PATH, "must be a JSON object"));
      } else {
        readObject(json, Violation.DOCUMENT_PATH);
        if (json.nextToken() != null) {
          violations.add(
              new Violation(Violation.DOCUMENT_PATH, "must hold nothing after the document's closing brace"));
        }
      }
    } catch (StreamConstraintsException e) {
      violations.add(
          new Violation(
              pathOf(json.getParsingContext()),
              "is too large: a card document is at most "
                  + MAX_DOCUMENT_BYTES
                  + " bytes, strings at most "
                  + MAX_STRING_CHARS
                  + " characters, nested at most "
                  + MAX_NESTING_DEPTH
                  + " deep"));
    } catch (JsonProcessingException e) {
      violations.add(
          new Violation(
              pathOf(json.getParsingContext()),
              "is not valid JSON (syntax error " + where(e.getLocation()) + ")"));
    } catch (IOException e) {
      violations.add(new Violation(pathOf(json.getParsingContext()), "could not be read as JSON"));
    }
  }

  /** The field path where the parser stands, from the keys of its enclosing objects. */
  private static String pathOf(JsonStreamContext context) {
    Deque<String> keys = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null; c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        keys.addFirst(printable(c.getCurrentName()));
      }
    }
    return keys.isEmpty() ? Violation.DOCUMENT_PATH : String.join(".", keys);
  }

  /** Reads the object whose START_OBJECT is the current token, up to and including its END_OBJECT. */
  private void readObject(JsonParser json, String path) throws IOException {
    Set<String> seenKeys = new HashSet<>();
    Set<String> presentObjects = new HashSet<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String key = json.currentName();
      String childPath = childPath(path, key);
      JsonToken valueToken = json.nextToken();
      if (!seenKeys.add(key)) {
        violations.add(new Violation(childPath, "appears more than once"));
        json.skipChildren();
        continue;
      }
      CardField field = field(path, key);
      if (field != null) {
        readString(json, valueToken, field);
      } else if (CHILD_OBJECTS.get(path).contains(key)) {
        presentObjects.add(key);
        if (valueToken == JsonToken.START_OBJECT) {
          readObject(json, childPath);
        } else if (valueToken == JsonToken.VALUE_NULL) {
          presentObjects.remove(key); // null stands for absent, reported below
        } else {
          violations.add(new Violation(childPath, "must be a JSON object"));
          json.skipChildren();
        }
      } else {
        unknownFieldPaths.add(childPath);
        json.skipChildren();
      }
    }
    for (String child : CHILD_OBJECTS.get(path)) {
      if (!presentObjects.contains(child)) {
        violations.add(new Violation(childPath(path, child), "is required: a JSON object"));
      }
    }
  }

  private void readString(JsonParser json, JsonToken valueToken, CardField field) throws IOException {
    if (valueToken == JsonToken.VALUE_STRING) {
      // Copies from the parser's buffer: getText() would make a String of the value.
      int offset = json.getTextOffset();
      values[field.ordinal()] =
          Arrays.copyOfRange(json.getTextCharacters(), offset, offset + json.getTextLength());
    } else if (valueToken != JsonToken.VALUE_NULL) { // null stands for absent
      violations.add(new Violation(field.path(), "must be a JSON string"));
      json.skipChildren();
    }
  }

  private static CardField field(String objectPath, String key) {
    for (CardField field : CardField.values()) {
      if (field.objectPath().equals(objectPath) && field.key().equals(key)) {
        return field;
      }
    }
    return null;
  }

  private static String childPath(String path, String key) {
    return Violation.DOCUMENT_PATH.equals(path) ? printable(key) : path + "." + printable(key);
  }

  private static String printable(String key) {
    boolean printable =
        PRINTABLE_KEY.matcher(key).matches()
            && key.chars().filter(c -> c >= '0' && c <= '9').count() <= MAX_DIGITS_IN_PRINTABLE_KEY;
    return printable ? key : UNPRINTABLE_KEY;
  }

  private static String where(JsonLocation location) {
    if (location == null) {
      return "at an unknown position";
    }
    return "at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private void wipe() {
    for (char[] value : values) {
      if (value != null) {
        Arrays.fill(value, '\0');
      }
    }
  }
}
