package dev.cardswitch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.app.runtime.AppConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration tables and the settings the code reads are the same list. */
class ReadmeTest {

  private static String readme() throws IOException {
    return Files.readString(Path.of("..", "README.md"));
  }

  @Test
  void everySettingIsInTheConfigurationTables() throws IOException {
    String readme = readme();
    List<String> missing = AppConfig.SETTINGS.stream().filter(s -> !readme.contains("| `" + s + "` |")).toList();
    assertEquals(List.of(), missing, "settings read by the code but not documented in README.md");
  }

  @Test
  void theTablesDocumentNoSettingTheCodeDoesNotRead() throws IOException {
    // Only the settings tables: other sections have tables of states and reasons in the same shape.
    String readme = readme();
    int start = readme.indexOf("\n## Configuration\n");
    assertTrue(start >= 0, "README.md has a Configuration section");
    int end = readme.indexOf("\n## ", start + 1);
    String configuration = readme.substring(start, end < 0 ? readme.length() : end);
    Matcher m = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\|").matcher(configuration);
    Set<String> documented = new TreeSet<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    documented.removeAll(AppConfig.SETTINGS);
    assertTrue(documented.isEmpty(), "README.md documents settings nothing reads: " + documented);
  }

  @Test
  void theTestCommandIsTheOneCiRuns() throws IOException {
    String ci = Files.readString(Path.of("..", ".ci", "run"));
    assertTrue(readme().contains("mvn -B verify          # the tests"));
    assertTrue(ci.lines().anyMatch(l -> l.strip().equals("mvn -B verify")), ".ci/run must call the README's test command");
  }
}
