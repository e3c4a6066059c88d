package dev.cardswitch.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParser;

/** Loads a folder of {@code .avsc} files, in any order (files may reference each other's types). */
final class SchemaFiles {

  /** The product's current schemas, relative to the module directory Maven runs tests in. */
  static final Path CURRENT = Path.of("src/main/avro");
  /** Committed copies of the released schemas, one folder per release of the schema set. */
  static final Path RELEASED = Path.of("released");

  private SchemaFiles() {}

  /** The top-level schema of each file, by full name. */
  static Map<String, Schema> load(Path folder) {
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no .avsc files in " + folder.toAbsolutePath());
    }
    SchemaParser parser = new SchemaParser();
    List<SchemaParser.ParseResult> results = new ArrayList<>();
    for (Path file : files) {
      try {
        results.add(parser.parse(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Map<String, Schema> byName = new TreeMap<>();
    for (SchemaParser.ParseResult result : results) {
      Schema schema = parser.resolve(result);
      byName.put(schema.getFullName(), schema);
    }
    return byName;
  }

  /** The folder of the newest release: folders are named v1, v2, ...; the highest number wins. */
  static Path latestRelease() {
    try (Stream<Path> s = Files.list(RELEASED)) {
      return s.filter(Files::isDirectory)
          .filter(p -> p.getFileName().toString().matches("v\\d+"))
          .max((a, b) -> Integer.compare(version(a), version(b)))
          .orElseThrow(() -> new IllegalStateException("no released schema set under " + RELEASED.toAbsolutePath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int version(Path folder) {
    return Integer.parseInt(folder.getFileName().toString().substring(1));
  }
}
