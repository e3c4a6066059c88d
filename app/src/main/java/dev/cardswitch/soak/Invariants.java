package dev.cardswitch.soak;

import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.demo.TaskResult;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.sandbox.TaskCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants every fault run must keep, checked on its {@link ScenarioEvidence}:
 *
 * <ol>
 *   <li>every accepted event ends in a result (none lost), and in exactly one (no duplicate record
 *       in the result topics);
 *   <li>its result is one the fault allows for what the event was (e.g. a valid card: SWITCHED, or
 *       KNOT_UNAVAILABLE while Knot is down);
 *   <li>Knot is never called for an event that needs no call (skipped, unknown or invalid card); a
 *       SWITCHED outcome means Knot accepted the card; Knot accepts a card twice only when the result
 *       says it was re-sent after a restart, and only in runs with a restart; a result other than
 *       SWITCHED for a card Knot accepted says that Knot may have switched it (or that it was
 *       re-sent after a restart);
 *   <li>no card value in clear in any topic (changelogs, repartition topics and aborted
 *       transactions included) nor in any instance's output (its logs);
 *   <li>the configuration each instance printed at start masks the secrets it was given.
 * </ol>
 *
 * Stateless.
 */
public final class Invariants {

  /** At most this many examples per broken invariant, so a report stays readable. */
  static final int EXAMPLES = 5;

  /** What a run kept and broke. */
  public record Report(long lost, long duplicates, long resentAfterRestart, long acceptedTwice,
      List<String> violations) {}

  /** What a fault allows. */
  public record Rules(Map<ExpectedResult, Set<TaskResult>> acceptable, boolean restarts) {}

  private Invariants() {}

  public static Report check(ScenarioEvidence e, Rules rules) {
    List<String> violations = new ArrayList<>();
    CollectedResults c = e.collected();
    if (c.missing() > 0) {
      violations.add("lost: " + c.missing() + " events without any result, e.g. tasks " + c.missingSample());
    }
    // A result can also be written but never visible: a transaction left open blocks its partition.
    List<HangingTransactions.Open> hanging = HangingTransactions.find(e.stack().bootstrapServers(),
        List.of(e.stack().topology().outcomeTopic(), e.stack().topology().deadLetterTopic()),
        HangingTransactions.OPEN_FOR_AT_LEAST);
    if (!hanging.isEmpty()) {
      violations.add("hanging transactions hide results from read_committed readers: " + hanging
          + "; end each with kafka-transactions.sh abort (its records are then lost)");
    }
    if (c.duplicates() > 0) {
      violations.add("duplicates: " + c.duplicates() + " results beyond the first in the result topics");
    }
    List<String> unacceptable = new ArrayList<>();
    List<String> knotWrong = new ArrayList<>();
    long resent = 0;
    long acceptedTwice = 0;
    for (Map.Entry<Long, ExpectedResult> planned : e.expectations().entrySet()) {
      long task = planned.getKey();
      ExpectedResult expected = planned.getValue();
      List<ResultLedger.Entry> results = e.ledger().of(task);
      if (results.isEmpty()) {
        continue; // counted as lost
      }
      ResultLedger.Entry first = results.get(0);
      if (!rules.acceptable().getOrDefault(expected, Set.of(expected.result())).contains(first.result())) {
        unacceptable.add("task " + task + " (" + expected + "): " + first.result()
            + (first.detail().isEmpty() ? "" : " (" + first.detail() + ")"));
      }
      TaskCalls calls = e.stack().sandbox().calls(task);
      boolean flagged = results.stream().anyMatch(ResultLedger.Entry::resentAfterRestart);
      if (flagged) {
        resent++;
        if (!rules.restarts()) {
          knotWrong.add("task " + task + " is marked re-sent after a restart in a run without any restart");
        }
      }
      if (expected != ExpectedResult.SWITCHED && calls.calls() > 0) {
        knotWrong.add("task " + task + " (" + expected + ") reached Knot " + calls.calls() + " times; it needs no call");
      }
      if (first.switched() && calls.successes() == 0) {
        knotWrong.add("task " + task + " is SWITCHED but Knot never accepted its card");
      }
      if (!first.switched() && calls.successes() > 0 && !flagged
          && !first.detail().contains(KnotCallResult.MAY_HAVE_SWITCHED)) {
        knotWrong.add("task " + task + " ended " + first.result() + " although Knot accepted its card, and its detail"
            + " does not say \"" + KnotCallResult.MAY_HAVE_SWITCHED + "\" (" + first.detail() + ")");
      }
      if (calls.successes() > 1) {
        acceptedTwice++;
        if (!(rules.restarts() && flagged)) {
          knotWrong.add("Knot accepted the card of task " + task + " " + calls.successes() + " times (result "
              + first.result() + ", " + first.attempts() + " attempts, re-sent flag " + flagged + ")");
        }
      }
    }
    if (!unacceptable.isEmpty()) {
      violations.add(unacceptable.size() + " results the fault does not explain, e.g. " + examples(unacceptable));
    }
    if (!knotWrong.isEmpty()) {
      violations.add(knotWrong.size() + " tasks broke the one-card-per-task rule, e.g. " + examples(knotWrong));
    }
    checkCardData(e.stack(), violations);
    return new Report(c.missing(), c.duplicates(), resent, acceptedTwice, List.copyOf(violations));
  }

  /** No card value in clear in any topic nor any output; secrets masked in the printed configuration. */
  static void checkCardData(SoakStack stack, List<String> violations) {
    CardSecrets secrets = CardDataScan.secretsOf(stack.bootstrapServers(), stack.registry(),
        stack.topology().cardReferenceTopic(), stack.keyRing());
    if (secrets.isEmpty()) {
      violations.add("no card reference could be opened: the card-data scan would find nothing; check the key ring");
    }
    Map<String, Set<CardSecrets.Finding>> inTopics = CardDataScan.scan(stack.bootstrapServers(), secrets);
    if (!inTopics.isEmpty()) {
      violations.add("card data in clear in topics: " + inTopics);
    }
    for (Path output : stack.outputs()) {
      String text = read(output);
      Set<CardSecrets.Finding> found = secrets.findIn(text);
      if (!found.isEmpty()) {
        violations.add("card data in clear in the output of " + output.getFileName() + ": " + found);
      }
      if (!text.contains("secret ****")) {
        violations.add(output.getFileName() + ": the configuration printed at start does not show the Knot secret"
            + " masked (\"secret ****\")");
      }
      for (String secret : stack.secretSettings()) {
        if (text.contains(secret)) {
          violations.add(output.getFileName() + " shows a secret it was given (the Knot secret or the card key)");
        }
      }
    }
  }

  private static String read(Path output) {
    try {
      return Files.exists(output) ? new String(Files.readAllBytes(output), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String examples(List<String> all) {
    return all.size() <= EXAMPLES ? all.toString() : all.subList(0, EXAMPLES) + " and " + (all.size() - EXAMPLES) + " more";
  }
}
