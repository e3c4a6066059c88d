package dev.cardswitch.app.runtime;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A scrape of {@code GET /metrics} read back: samples by name and labels, and the families declared. */
final class PrometheusText {

  private final Map<String, Double> samples = new LinkedHashMap<>();
  private final Set<String> families = new LinkedHashSet<>();

  PrometheusText(String text) {
    for (String line : text.lines().toList()) {
      if (line.startsWith("# TYPE ")) {
        families.add(line.split(" ")[2]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
  }

  /** The sample {@code nameAndLabels} exactly as written (e.g. {@code x_total{reason="A"}}), 0 when absent. */
  double value(String nameAndLabels) {
    return samples.getOrDefault(nameAndLabels, 0.0);
  }

  /** The family names of the {@code # TYPE} lines. */
  Set<String> families() {
    return families;
  }

  /** Whether some sample's name starts with {@code prefix}. */
  boolean hasSampleStartingWith(String prefix) {
    return samples.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }
}
