package dev.cardswitch.carddoc;

import static dev.cardswitch.carddoc.CardField.CITY;
import static dev.cardswitch.carddoc.CardField.COUNTRY;
import static dev.cardswitch.carddoc.CardField.CVV;
import static dev.cardswitch.carddoc.CardField.EXPIRATION;
import static dev.cardswitch.carddoc.CardField.FIRST_NAME;
import static dev.cardswitch.carddoc.CardField.LAST_NAME;
import static dev.cardswitch.carddoc.CardField.NUMBER;
import static dev.cardswitch.carddoc.CardField.PHONE_NUMBER;
import static dev.cardswitch.carddoc.CardField.POSTAL_CODE;
import static dev.cardswitch.carddoc.CardField.REGION;
import static dev.cardswitch.carddoc.CardField.STREET;
import static dev.cardswitch.carddoc.CardField.STREET2;

import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link CardDocument} as Knot's compact UTF-8 JSON. It runs twice over the document: once
 * to count the bytes, once to fill an array of exactly that size, so the only copy of the clear
 * document it makes is the array it returns (no String, no growing buffer left behind unzeroed).
 * Stateless apart from one {@link Sink} per pass; thread-safe.
 */
final class CardDocumentWriter {

  private CardDocumentWriter() {}

  static byte[] write(CardDocument document) {
    Sink counter = new Sink(null);
    emit(document, counter);
    Sink writer = new Sink(new byte[counter.position]);
    emit(document, writer);
    if (writer.position != writer.bytes.length) {
      throw new IllegalStateException("card document changed while being written");
    }
    return writer.bytes;
  }

  private static void emit(CardDocument document, Sink out) {
    out.ascii("{\"user\":{\"name\":{");
    fields(document, out, FIRST_NAME, LAST_NAME);
    out.ascii("},\"address\":{");
    fields(document, out, STREET, STREET2, CITY, REGION, POSTAL_CODE, COUNTRY);
    out.ascii("}");
    char[] phone = document.value(PHONE_NUMBER);
    if (phone != null) {
      out.ascii(",");
      field(out, PHONE_NUMBER, phone);
    }
    out.ascii("},\"card\":{");
    fields(document, out, NUMBER, EXPIRATION, CVV);
    out.ascii("}}");
  }

  private static void fields(CardDocument document, Sink out, CardField... fields) {
    boolean first = true;
    for (CardField field : fields) {
      char[] value = document.value(field);
      if (value == null) {
        continue;
      }
      if (!first) {
        out.ascii(",");
      }
      field(out, field, value);
      first = false;
    }
  }

  private static void field(Sink out, CardField field, char[] value) {
    out.ascii("\"");
    out.ascii(field.key());
    out.ascii("\":");
    out.string(value);
  }

  /** Counts bytes when {@code bytes} is null, writes them otherwise. */
  private static final class Sink {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    final byte[] bytes;
    int position;

    Sink(byte[] bytes) {
      this.bytes = bytes;
    }

    void ascii(String text) {
      for (int i = 0; i < text.length(); i++) {
        put(text.charAt(i));
      }
    }

    /** A JSON string literal of {@code value}, escaped per RFC 8259, encoded as UTF-8. */
    void string(char[] value) {
      put('"');
      for (int i = 0; i < value.length; i++) {
        char c = value[i];
        if (c == '"' || c == '\\') {
          put('\\');
          put(c);
        } else if (c < 0x20) {
          escape(c);
        } else if (c < 0x80) {
          put(c);
        } else if (c < 0x800) {
          put(0xC0 | (c >> 6));
          put(0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < value.length
            && Character.isLowSurrogate(value[i + 1])) {
          int codePoint = Character.toCodePoint(c, value[++i]);
          put(0xF0 | (codePoint >> 18));
          put(0x80 | ((codePoint >> 12) & 0x3F));
          put(0x80 | ((codePoint >> 6) & 0x3F));
          put(0x80 | (codePoint & 0x3F));
        } else if (Character.isSurrogate(c)) {
          escape(c); // a lone surrogate has no UTF-8 form; JSON's \\u escape keeps it
        } else {
          put(0xE0 | (c >> 12));
          put(0x80 | ((c >> 6) & 0x3F));
          put(0x80 | (c & 0x3F));
        }
      }
      put('"');
    }

    private void escape(char c) {
      put('\\');
      switch (c) {
        case '\n' -> put('n');
        case '\r' -> put('r');
        case '\t' -> put('t');
        case '\b' -> put('b');
        case '\f' -> put('f');
        default -> {
          put('u');
          put(HEX[(c >> 12) & 0xF]);
          put(HEX[(c >> 8) & 0xF]);
          put(HEX[(c >> 4) & 0xF]);
          put(HEX[c & 0xF]);
        }
      }
    }

    private void put(int b) {
      if (bytes != null) {
        bytes[position] = (byte) b;
      }
      position++;
    }
  }
}
