package dev.cardswitch.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.schemas.DeadLetter;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one replay run: what was read and selected, what was (or, in a dry run, would be)
 * replayed, what was skipped and why, and how many replays come after Knot's own window for the
 * event closed. Printed as a table of the selected dead letters (the first {@link #ROWS_SHOWN}), a
 * summary and one JSON line. Shows task ids, card ids, merchants, reasons and Knot's error codes:
 * never card data (dead letters hold none). Immutable; thread-safe.
 *
 * @param dryRun true when nothing was written
 * @param filter the filters in force ({@link ReplayFilter#describe()})
 * @param read dead letters read from the topic
 * @param unreadable dead-letter records that could not be decoded (not selected)
 * @param plan the decisions
 * @param replayed events re-submitted and committed (0 in a dry run)
 * @param decidedAt when the plan was made (Knot's windows are judged at this time)
 * @param window Knot's window (SWITCH_WINDOW)
 * @param elapsed how long the replay took, reading included
 */
public record ReplayReport(boolean dryRun, String filter, long read, long unreadable, ReplayPlan plan, long replayed,
    Instant decidedAt, Duration window, Duration elapsed, double rate) {

  /** Rows of the table; the JSON line and the summary count them all. */
  public static final int ROWS_SHOWN = 50;

  private static final ObjectMapper JSON = new ObjectMapper();

  public ReplayReport {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  public long selected() {
    return plan.selected();
  }

  /** Dead letters to replay (dry run) or replayed (executed, when nothing failed). */
  public long toReplay() {
    return plan.toReplay().size();
  }

  public Map<SkipReason, Long> skipped() {
    return plan.skippedByReason();
  }

  public long skippedTotal() {
    return skipped().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Of the replays, how many come after Knot's window for their event closed (probably pointless). */
  public long knotWindowClosed() {
    return plan.toReplay().stream().filter(PlannedReplay::knotWindowClosed).count();
  }

  /** The table, the summary, then the JSON line. */
  public void print(PrintStream out) {
    out.println("replay " + (dryRun ? "(dry run: nothing written)" : "(executed)") + ", filter: " + filter);
    List<PlannedReplay> entries = plan.entries();
    if (!entries.isEmpty()) {
      out.printf("  %-22s %-18s %-20s %-18s %-22s %-16s %-24s %s%n", "decision", "task", "card_id", "merchant",
          "reason", "knot_error_code", "dead-lettered at", "dead letter");
    }
    entries.stream().limit(ROWS_SHOWN).forEach(e -> out.println("  " + row(e)));
    if (entries.size() > ROWS_SHOWN) {
      out.println("  ... and " + (entries.size() - ROWS_SHOWN) + " more (narrow the selection with --reason,"
          + " --merchant, --task, --from/--to to see them)");
    }
    out.printf("  %-46s %8d%n", "dead letters read", read);
    if (unreadable > 0) {
      out.printf("  %-46s %8d%n", "unreadable (not selected)", unreadable);
    }
    out.printf("  %-46s %8d%n", "selected", selected());
    out.printf("  %-46s %8d%n", dryRun ? "would replay" : "replayed", dryRun ? toReplay() : replayed);
    out.printf("  %-46s %8d%n", "skipped", skippedTotal());
    skipped().forEach((reason, n) -> {
      if (n > 0) {
        out.printf("    %-44s %8d%n", reason.words(), n);
      }
    });
    long closed = knotWindowClosed();
    if (closed > 0) {
      out.println("  " + closed + " of the " + (dryRun ? "replays would" : "replays") + " come after Knot's"
          + " 15-second window for their event closed: probably pointless unless Knot still accepts a card for"
          + " the task (see the README: what replaying means for Knot's window)");
    }
    if (dryRun && toReplay() > 0) {
      out.println("nothing was written: run again with --execute to replay " + toReplay() + " dead letter"
          + (toReplay() == 1 ? "" : "s"));
    }
    out.println(json());
  }

  private String row(PlannedReplay e) {
    DeadLetter d = e.candidate().deadLetter();
    String decision = e.skip().map(r -> "skip: " + r.name().toLowerCase(Locale.ROOT))
        .orElse(dryRun ? "would replay" : "replayed");
    String merchant = d.getMerchantId() == null ? "-"
        : d.getMerchantId() + (d.getMerchantName() == null ? "" : " " + d.getMerchantName());
    String knot = "";
    if (e.replays() && e.knotWindowClosed() && d.getEvent() != null) {
      Duration ago = Duration.between(d.getEvent().getTimestamp().plus(window), decidedAt);
      knot = "  Knot's window closed " + age(ago) + " ago: probably pointless";
    }
    return String.format(Locale.ROOT, "%-22s %-18s %-20s %-18s %-22s %-16s %-24s %s%s", decision,
        d.getTaskId() == null ? "-" : d.getTaskId(), orDash(d.getCardId()), clip(merchant, 18), d.getReason(),
        orDash(d.getKnotErrorCode()), d.getCompletedAt(), e.candidate().address(), knot);
  }

  /**
   * One line: {@code {"dry_run":..,"filter":..,"read":..,"unreadable":..,"selected":..,"replayed":..,
   * "to_replay":..,"skipped":..,"skipped_by":{"ALREADY_REPLAYED":..,..},"knot_window_closed":..,
   * "rate":..,"elapsed_ms":..}}}.
   */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("dry_run", dryRun);
    root.put("filter", filter);
    root.put("read", read);
    root.put("unreadable", unreadable);
    root.put("selected", selected());
    root.put("replayed", replayed);
    root.put("to_replay", toReplay());
    root.put("skipped", skippedTotal());
    ObjectNode by = root.putObject("skipped_by");
    skipped().forEach((reason, n) -> by.put(reason.name(), n));
    root.put("knot_window_closed", knotWindowClosed());
    root.put("rate", rate);
    root.put("elapsed_ms", elapsed.toMillis());
    return root.toString();
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "~";
  }

  /** {@code 45s}, {@code 12m}, {@code 3h}, {@code 2d}: how long ago, roughly. */
  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return s / 60 + "m";
    }
    if (s < 2 * 86400) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
