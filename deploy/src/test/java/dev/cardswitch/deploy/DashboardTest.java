package dev.cardswitch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard the chart ships: rendered only when asked, and built on metrics card-switch exports. */
class DashboardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Label lists and matchers, range selectors and strings: what is left are metric names, functions and keywords. */
  private static final Pattern NOT_NAMES = Pattern.compile("\\{[^}]*}|\\[[^\\]]*]|\"[^\"]*\"|\\b(by|without)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "on", "ignoring",
      "group_left", "group_right");
  private static final Pattern HISTOGRAM_SERIES = Pattern.compile("_(bucket|sum|count)$");

  @TempDir
  Path tmp;
  private ChartRenderer chart;

  @BeforeEach
  void setUp() {
    chart = new ChartRenderer(tmp);
  }

  @Test
  void configMapWithTheSidecarLabelOnlyWhenEnabled() throws IOException {
    assertTrue(chart.render(ChartRenderer.requiredValues()).ofKind("ConfigMap").isEmpty());

    ObjectNode values = ChartRenderer.requiredValues();
    values.putObject("dashboards").put("enabled", true).putObject("annotations").put("grafana_folder", "Payments");
    JsonNode map = chart.render(values).get("ConfigMap", ChartRenderer.RELEASE + "-card-switch-dashboards");
    assertEquals("1", map.path("metadata").path("labels").path("grafana_dashboard").asText(), map::toString);
    assertEquals(ChartRenderer.NAMESPACE, map.path("metadata").path("namespace").asText());
    assertEquals("Payments", map.path("metadata").path("annotations").path("grafana_folder").asText());
    JsonNode shipped = JSON.readTree(map.path("data").path("card-switch.json").asText());
    assertEquals(JSON.readTree(dashboardFile().toFile()), shipped, "the ConfigMap holds the dashboard file as is");
  }

  @Test
  void everyMetricTheDashboardQueriesIsOneCardSwitchExports() throws IOException {
    Set<String> exported = Files.readAllLines(dashboardDir().resolve("metric-names.txt")).stream()
        .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toSet());
    List<String> queries = new ArrayList<>();
    collectExpressions(JSON.readTree(dashboardFile().toFile()), queries);
    assertTrue(queries.size() >= 15, "the dashboard's queries: " + queries);

    Set<String> used = new TreeSet<>();
    for (String query : queries) {
      Matcher m = IDENTIFIER.matcher(NOT_NAMES.matcher(query).replaceAll(" "));
      while (m.find()) {
        String token = m.group();
        if (m.group(1) == null && !KEYWORDS.contains(token)) {
          used.add(token); // not followed by "(": a metric, not a function or an aggregation
        }
      }
    }
    assertFalse(used.isEmpty());
    Set<String> unknown = new TreeSet<>();
    for (String name : used) {
      String family = HISTOGRAM_SERIES.matcher(name).replaceFirst("");
      if (!exported.contains(name) && !exported.contains(family)) {
        unknown.add(name);
      }
    }
    assertEquals(Set.of(), unknown, "metrics the dashboard uses that are not in metric-names.txt (all used: " + used + ")");
    for (String domain : List.of("card_switch_outcomes_total", "card_switch_dead_letters_total",
        "card_switch_knot_call_seconds_bucket", "card_switch_knot_answer_window_left_seconds_bucket",
        "card_switch_calls_in_flight", "card_switch_knot_circuit_state", "card_switch_streams_state",
        "kafka_consumer_fetch_manager_records_lag_max", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum")) {
      assertTrue(used.contains(domain), domain + " on the dashboard: " + used);
    }
  }

  private static void collectExpressions(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if ("expr".equals(e.getKey()) && e.getValue().isTextual()) {
          out.add(e.getValue().asText());
        } else {
          collectExpressions(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(child -> collectExpressions(child, out));
    }
  }

  private static Path dashboardDir() {
    return ChartRenderer.chartDir().resolve("dashboards");
  }

  private static Path dashboardFile() {
    return dashboardDir().resolve("card-switch.json");
  }
}
