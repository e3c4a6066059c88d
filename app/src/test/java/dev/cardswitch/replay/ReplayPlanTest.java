package dev.cardswitch.replay;

import static dev.cardswitch.replay.DeadLetterFixtures.deadLetter;
import static dev.cardswitch.replay.DeadLetterFixtures.rejected;
import static dev.cardswitch.replay.DeadLetterFixtures.unreadable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replay's decisions, without Kafka: filters, skip reasons and their order, one replay per task. */
class ReplayPlanTest {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final Duration WINDOW = Duration.ofSeconds(15);
  static final String TOPIC = "switch-dead-letters";

  private final List<ReplayCandidate> topic = new ArrayList<>();

  private ReplayCandidate add(int partition, DeadLetter d) {
    ReplayCandidate c = new ReplayCandidate(new DeadLetterAddress(TOPIC, partition, topic.size()), d);
    topic.add(c);
    return c;
  }

  private Map<Long, Optional<SkipReason>> decisions(ReplayPlan plan) {
    Map<Long, Optional<SkipReason>> byOffset = new LinkedHashMap<>();
    plan.entries().forEach(e -> byOffset.put(e.candidate().address().offset(), e.skip()));
    return byOffset;
  }

  @Test
  void replaysOnlyReplayableDeadLettersUnlessForced() {
    add(0, deadLetter(1, DeadLetterReason.NO_CARD_REFERENCE, 10, NOW.minusSeconds(600)));
    add(0, rejected(2, "INVALID_FIELD", 10, NOW.minusSeconds(500)));
    add(0, deadLetter(3, DeadLetterReason.INVALID_CARD_DATA, 10, NOW.minusSeconds(400)));

    ReplayPlan plain = ReplayPlan.of(topic, ReplayFilter.all(), false, ReplayLedger.empty(), Set.of(), NOW, WINDOW);
    assertEquals(Map.of(0L, Optional.empty(), 1L, Optional.of(SkipReason.NOT_REPLAYABLE),
        2L, Optional.of(SkipReason.NOT_REPLAYABLE)), decisions(plain));
    assertEquals(3, plain.selected());
    assertEquals(1, plain.toReplay().size());

    ReplayPlan forced = ReplayPlan.of(topic, ReplayFilter.all(), true, ReplayLedger.empty(), Set.of(), NOW, WINDOW);
    assertEquals(3, forced.toReplay().size());
  }

  @Test
  void skipsWhatTheLedgerCoversTasksWithAnOutcomeAndDeadLettersWithoutAnEvent() {
    ReplayCandidate replayedBefore = add(0, deadLetter(1, DeadLetterReason.KNOT_UNAVAILABLE, 10, NOW.minusSeconds(900)));
    add(0, deadLetter(2, DeadLetterReason.DEADLINE_EXCEEDED, 10, NOW.minusSeconds(800)));
    add(1, unreadable(NOW.minusSeconds(700)));
    add(1, deadLetter(3, DeadLetterReason.UNKNOWN_ENVELOPE_KEY, 10, NOW.minusSeconds(600)));
    ReplayLedger ledger = ReplayLedger.of(List.of(new ReplayLedger.Entry(replayedBefore.address(), 1,
        "KNOT_UNAVAILABLE", NOW.minusSeconds(60), false)));

    ReplayPlan plan = ReplayPlan.of(topic, ReplayFilter.all(), true, ledger, Set.of(2L), NOW, WINDOW);

    assertEquals(Map.of(0L, Optional.of(SkipReason.ALREADY_REPLAYED), 1L, Optional.of(SkipReason.ALREADY_SWITCHED),
        2L, Optional.of(SkipReason.NO_EVENT), 3L, Optional.empty()), decisions(plan));
    assertEquals(1L, plan.skippedByReason().get(SkipReason.ALREADY_REPLAYED));
    assertEquals(0L, plan.skippedByReason().get(SkipReason.SUPERSEDED));
  }

  @Test
  void replaysOnlyTheLatestDeadLetterOfATaskAndLaterRunsSkipTheEarlierOnes() {
    add(2, deadLetter(7, DeadLetterReason.NO_CARD_REFERENCE, 10, NOW.minusSeconds(900)));
    add(2, deadLetter(7, DeadLetterReason.KNOT_UNAVAILABLE, 10, NOW.minusSeconds(300)));

    ReplayPlan first = ReplayPlan.of(topic, ReplayFilter.all(), false, ReplayLedger.empty(), Set.of(), NOW, WINDOW);
    assertEquals(Map.of(0L, Optional.of(SkipReason.SUPERSEDED), 1L, Optional.empty()), decisions(first));

    // The ledger names the later one; the earlier one is covered too: the task was replayed after it.
    ReplayLedger ledger = ReplayLedger.of(List.of(new ReplayLedger.Entry(topic.get(1).address(), 7,
        "KNOT_UNAVAILABLE", NOW, false)));
    ReplayPlan second = ReplayPlan.of(topic, ReplayFilter.all(), false, ledger, Set.of(), NOW, WINDOW);
    assertEquals(Map.of(0L, Optional.of(SkipReason.ALREADY_REPLAYED), 1L, Optional.of(SkipReason.ALREADY_REPLAYED)),
        decisions(second));

    // The replayed attempt failed again: its new dead letter (a later offset) is a new candidate.
    add(2, deadLetter(7, DeadLetterReason.KNOT_UNAVAILABLE, 10, NOW.plusSeconds(1)));
    ReplayPlan third = ReplayPlan.of(topic, ReplayFilter.all(), false, ledger, Set.of(), NOW.plusSeconds(30), WINDOW);
    assertEquals(Optional.empty(), decisions(third).get(2L));
    assertEquals(1, third.toReplay().size());
  }

  @Test
  void filtersByReasonKnotErrorCodeTimeMerchantAndTask() {
    add(0, deadLetter(1, DeadLetterReason.NO_CARD_REFERENCE, 10, NOW.minus(Duration.ofHours(3))));
    add(0, deadLetter(2, DeadLetterReason.NO_CARD_REFERENCE, 20, NOW.minus(Duration.ofMinutes(30))));
    add(0, rejected(3, "INVALID_FIELD", 10, NOW.minus(Duration.ofMinutes(20))));
    add(0, rejected(4, "INVALID_JWE", 10, NOW.minus(Duration.ofMinutes(10))));
    add(0, deadLetter(5, DeadLetterReason.KNOT_UNAVAILABLE, 10, NOW.minus(Duration.ofMinutes(5))));

    assertEquals(Set.of(1L, 2L), tasks(ReplayFilter.builder().reasons(List.of("no_card_reference")).build()));
    assertEquals(Set.of(3L), tasks(ReplayFilter.builder().knotErrorCodes(List.of("invalid_field")).build()));
    assertEquals(Set.of(2L, 3L, 4L, 5L), tasks(ReplayFilter.builder().from(NOW.minus(Duration.ofHours(1))).build()));
    assertEquals(Set.of(1L, 2L), tasks(ReplayFilter.builder()
        .to(NOW.minus(Duration.ofMinutes(20)).plusSeconds(15)).build()), "--to excludes a dead letter written at it");
    assertEquals(Set.of(2L), tasks(ReplayFilter.builder().merchants(List.of("20")).build()));
    assertEquals(Set.of(1L, 3L, 4L, 5L), tasks(ReplayFilter.builder().merchants(List.of("uber")).build()));
    assertEquals(Set.of(4L, 5L), tasks(ReplayFilter.builder().tasks(List.of(4L, 5L, 99L)).build()));
    assertEquals(Set.of(5L), tasks(ReplayFilter.builder().merchants(List.of("10")).from(NOW.minus(Duration.ofHours(1)))
        .reasons(List.of("KNOT_UNAVAILABLE", "NO_CARD_REFERENCE")).build()), "every given filter must match");
  }

  private Set<Long> tasks(ReplayFilter filter) {
    ReplayPlan plan = ReplayPlan.of(topic, filter, true, ReplayLedger.empty(), Set.of(), NOW, WINDOW);
    return Set.copyOf(plan.entries().stream().map(e -> e.candidate().taskId()).toList());
  }

  @Test
  void marksReplaysThatComeAfterKnotsWindowForTheEvent() {
    add(0, deadLetter(1, DeadLetterReason.NO_CARD_REFERENCE, 10, NOW.minusSeconds(16)));
    add(0, deadLetter(2, DeadLetterReason.NO_CARD_REFERENCE, 10, NOW.minusSeconds(5)));
    ReplayPlan plan = ReplayPlan.of(topic, ReplayFilter.all(), false, ReplayLedger.empty(), Set.of(), NOW, WINDOW);
    assertTrue(plan.entries().get(0).knotWindowClosed());
    assertFalse(plan.entries().get(1).knotWindowClosed());
  }

  @Test
  void rejectsAnUnknownReasonAndAnEmptyTimeRangeNamingTheOption() {
    ReplayException bad = assertThrows(ReplayException.class,
        () -> ReplayFilter.builder().reasons(List.of("NO_SUCH_REASON")));
    assertTrue(bad.getMessage().contains("--reason NO_SUCH_REASON") && bad.getMessage().contains("NO_CARD_REFERENCE"),
        bad.getMessage());
    ReplayException range = assertThrows(ReplayException.class,
        () -> ReplayFilter.builder().from(NOW).to(NOW.minusSeconds(1)).build());
    assertTrue(range.getMessage().contains("--from"), range.getMessage());
  }

  @Test
  void ledgerValuesRoundTripAndUnreadableOnesAreIgnored() {
    ReplayLedger.Entry entry = new ReplayLedger.Entry(new DeadLetterAddress(TOPIC, 3, 41), 408321,
        "NO_CARD_REFERENCE", NOW, true);
    assertEquals(entry, ReplayLedger.decode(entry.address().ledgerKey(), ReplayLedger.encode(entry)));
    assertEquals(null, ReplayLedger.decode("not-a-key", ReplayLedger.encode(entry)));
    assertEquals(null, ReplayLedger.decode(entry.address().ledgerKey(), "{".getBytes()));
  }
}
