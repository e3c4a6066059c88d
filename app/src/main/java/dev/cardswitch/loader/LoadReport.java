package dev.cardswitch.loader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.carddoc.Violation;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The result of one load: rows read, references written, rows skipped because their stored reference
 * is unchanged, rows rejected, and the rejections by field path and rule; each rejected row by line
 * number. Only counts, line numbers, field paths and rules: never a value of the file. Immutable;
 * thread-safe.
 *
 * @param rows rows read (non-blank lines, less a CSV header)
 * @param loaded references written and acknowledged
 * @param skippedUnchanged rows whose stored reference has the same content and key
 * @param rejected rows not loaded for their problems
 * @param rejectedBy field path and rule -> rows rejected for it (a row may count under several)
 * @param rejectedRows each rejected row: line number -> its problems
 * @param kid the kid of the key the references were sealed to
 */
public record LoadReport(
    long rows,
    long loaded,
    long skippedUnchanged,
    long rejected,
    Map<Violation, Long> rejectedBy,
    Map<Long, List<Violation>> rejectedRows,
    String kid) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Comparator<Violation> ORDER =
      Comparator.comparing(Violation::fieldPath).thenComparing(Violation::rule);

  public LoadReport {
    Objects.requireNonNull(kid, "kid");
    TreeMap<Violation, Long> by = new TreeMap<>(ORDER);
    by.putAll(rejectedBy);
    rejectedBy = java.util.Collections.unmodifiableMap(by);
    rejectedRows = java.util.Collections.unmodifiableMap(new TreeMap<>(rejectedRows));
  }

  /** 0 when every row was loaded or skipped as unchanged, 1 when any was rejected. */
  public int exitCode() {
    return rejected == 0 ? 0 : 1;
  }

  /** The human table, then the JSON line. */
  public void print(PrintStream out) {
    rejectedRows.forEach((line, problems) ->
        problems.forEach(p -> out.println("  rejected line " + line + ": " + p.fieldPath() + " " + p.rule())));
    out.println("load-references (sealed to kid " + kid + ")");
    out.printf("  %-22s %8d%n", "rows", rows);
    out.printf("  %-22s %8d%n", "loaded", loaded);
    out.printf("  %-22s %8d%n", "skipped (unchanged)", skippedUnchanged);
    out.printf("  %-22s %8d%n", "rejected", rejected);
    rejectedBy.forEach((v, n) -> out.printf("    %-60s %6d%n", v.fieldPath() + " " + v.rule(), n));
    out.println(json());
  }

  /**
   * One line: {@code {"rows":..,"loaded":..,"rejected":..,"skipped_unchanged":..,"kid":..,
   * "rejected_by":[{"field":..,"rule":..,"rows":..}],"rejected_lines":[..]}}.
   */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("rows", rows);
    root.put("loaded", loaded);
    root.put("rejected", rejected);
    root.put("skipped_unchanged", skippedUnchanged);
    root.put("kid", kid);
    ArrayNode by = root.putArray("rejected_by");
    rejectedBy.forEach((v, n) -> by.addObject().put("field", v.fieldPath()).put("rule", v.rule()).put("rows", n));
    ArrayNode lines = root.putArray("rejected_lines");
    rejectedRows.keySet().forEach(lines::add);
    return root.toString();
  }
}
