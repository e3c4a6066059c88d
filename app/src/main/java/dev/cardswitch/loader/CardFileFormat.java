package dev.cardswitch.loader;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The two input formats of {@code load-references}. Chosen from the file name ({@code .csv};
 * {@code .jsonl}, {@code .ndjson}, {@code .json}) unless given.
 */
public enum CardFileFormat {
  /**
   * Comma-separated, UTF-8, a header row naming the columns (any order): {@value
   * CardFileReader#CSV_COLUMNS_TEXT}. Fields may be quoted with {@code "} ({@code ""} inside
   * quotes is one quote); a record is one line.
   */
  CSV,
  /**
   * One JSON object a line, UTF-8, in Knot's card document shape with the identifiers beside it:
   * {@code {"card_id":…,"external_user_id":…,"fido_response_jwt":…(optional),"user":{"name":
   * {"first_name","last_name"},"address":{"street","street2","city","region","postal_code",
   * "country"},"phone_number"},"card":{"number","expiration","cvv"}}}.
   */
  JSON_LINES;

  /** The format a file name implies. */
  public static CardFileFormat of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return JSON_LINES;
    }
    throw new LoadException(LoadException.BAD_FILE, "cannot tell the format of " + file.getFileName()
        + " from its name: name it .csv or .jsonl, or give --format csv|json_lines");
  }
}
