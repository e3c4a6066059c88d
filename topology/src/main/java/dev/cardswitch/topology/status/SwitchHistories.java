package dev.cardswitch.topology.status;

import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.schemas.internal.SwitchHistoryEntry;
import dev.cardswitch.schemas.internal.SwitchState;
import dev.cardswitch.topology.lifecycle.LifecycleRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a switch task's {@link SwitchHistory} changes with each record read about it: pure functions
 * from the current history (null when the task is new) and one record to the next history, or null
 * when the record changes nothing (it was already recorded: the same topic, partition and offset,
 * read again after an at-least-once restart).
 *
 * <p>The state rules, so that a later record never hides what support needs to know:
 *
 * <ul>
 *   <li>an AUTHENTICATED event makes the task PENDING, unless it is already finished (SWITCHED,
 *       SKIPPED, or closed by a lifecycle record: a repeated webhook of a finished task); after a
 *       dead letter it is a new attempt;
 *   <li>other Knot events (CARD_UPDATED, OTP_REQUIRED, ...) are recorded in the history and leave
 *       the state as it is (a task seen first through one of them is PENDING);
 *   <li>an outcome sets SWITCHED or SKIPPED; a lifecycle record (after SWITCHED) sets CARD_UPDATED,
 *       CARD_FAILED (its reason is Knot's) or NO_CONFIRMATION, and leaves the switch's own fields
 *       (attempts, times) as the SWITCHED outcome set them;
 *   <li>a dead letter sets DEAD_LETTERED, except {@code DUPLICATE_EVENT}: that one concerns a
 *       repeated event of a task already switched or in flight, whose state it must not hide, so it
 *       is only recorded in the history.
 * </ul>
 *
 * <p>No card data reaches a history: outcomes and dead letters carry none beyond the last four
 * digits. Stateless; thread-safe.
 */
public final class SwitchHistories {

  /** The most entries one history keeps; the oldest go first (counted in {@code history_dropped}). */
  public static final int MAX_HISTORY = 32;

  static final String WEBHOOK = "WEBHOOK";
  static final String OUTCOME = "OUTCOME";
  static final String DEAD_LETTER = "DEAD_LETTER";
  private static final String AUTHENTICATED = "AUTHENTICATED";

  private SwitchHistories() {}

  /** Where a record was read: recorded with each entry, to recognise it when it is read again. */
  public record Source(String topic, int partition, long offset) {}

  /** After a webhook event of the task. */
  public static SwitchHistory onWebhook(SwitchHistory current, long taskId, KnotWebhookEvent event, Source source) {
    if (recorded(current, source)) {
      return null;
    }
    SwitchHistory.Builder next = start(current, taskId);
    boolean authenticated = AUTHENTICATED.equals(event.getEvent());
    SwitchState state = current == null ? SwitchState.PENDING : current.getState();
    if (authenticated && !finished(state)) {
      state = SwitchState.PENDING;
      // A new attempt: what the previous one ended with no longer describes the task.
      next.setReason(null).setDetail(null).setReplayable(null).setKnotErrorCode(null).setHttpStatus(null)
          .setCompletedAt(null).setDeadlineAt(null).setAttempts(0).setFirstAttemptAt(null).setLastAttemptAt(null)
          .setResentAfterRestart(false)
          .setEventTime(event.getTimestamp()).setReceivedAt(event.getReceivedAt());
    }
    next.setState(state).setEventType(event.getEvent())
        .setSessionId(first(current == null ? null : current.getSessionId(), event.getSessionId()))
        .setExternalUserId(first(current == null ? null : current.getExternalUserId(), event.getExternalUserId()))
        .setCardId(first(current == null ? null : current.getCardId(), event.getData().getCardId()));
    // The first event that names the merchant decides: a task's merchant does not change.
    if (event.getMerchant() != null && (current == null || current.getMerchantId() == null)) {
      next.setMerchantId(event.getMerchant().getId()).setMerchantName(event.getMerchant().getName());
    }
    Instant at = event.getReceivedAt() != null ? event.getReceivedAt() : event.getTimestamp();
    SwitchHistoryEntry entry = entry(at, WEBHOOK, state, source).setEventType(event.getEvent())
        .setReason(event.getData().getReason()).build();
    return append(next, current, entry);
  }

  /** After the task's outcome, or its lifecycle record. */
  public static SwitchHistory onOutcome(SwitchHistory current, long taskId, SwitchOutcome outcome, Source source) {
    if (recorded(current, source)) {
      return null;
    }
    if (LifecycleRecords.isLifecycle(outcome.getStatus())) {
      return onLifecycle(current, taskId, outcome, source);
    }
    SwitchState state = switch (outcome.getStatus()) {
      case SWITCHED -> SwitchState.SWITCHED;
      case SKIPPED -> SwitchState.SKIPPED;
      default -> SwitchState.UNKNOWN;
    };
    SwitchHistory.Builder next = start(current, taskId).setState(state)
        .setReason(null).setDetail(null).setReplayable(null).setKnotErrorCode(null)
        .setHttpStatus(outcome.getHttpStatus()).setAttempts(outcome.getAttempts())
        .setResentAfterRestart(outcome.getResentAfterRestart())
        .setSessionId(outcome.getSessionId() != null ? outcome.getSessionId() : next(current, SwitchHistory::getSessionId))
        .setExternalUserId(outcome.getExternalUserId() != null ? outcome.getExternalUserId()
            : next(current, SwitchHistory::getExternalUserId))
        .setCardId(outcome.getCardId() != null ? outcome.getCardId() : next(current, SwitchHistory::getCardId))
        .setCardLastFour(outcome.getCardLastFour() != null ? outcome.getCardLastFour()
            : next(current, SwitchHistory::getCardLastFour))
        .setMerchantId(outcome.getMerchantId()).setMerchantName(outcome.getMerchantName())
        .setEventTime(outcome.getEventTime()).setReceivedAt(outcome.getReceivedAt())
        .setDeadlineAt(outcome.getDeadlineAt()).setFirstAttemptAt(outcome.getFirstAttemptAt())
        .setLastAttemptAt(outcome.getLastAttemptAt()).setCompletedAt(outcome.getCompletedAt());
    SwitchHistoryEntry entry = entry(outcome.getCompletedAt(), OUTCOME, state, source)
        .setReason(outcome.getStatus().name()).build();
    return append(next, current, entry);
  }

  private static SwitchHistory onLifecycle(SwitchHistory current, long taskId, SwitchOutcome outcome, Source source) {
    SwitchState state = switch (outcome.getStatus()) {
      case CARD_UPDATED -> SwitchState.CARD_UPDATED;
      case CARD_FAILED -> SwitchState.CARD_FAILED;
      default -> SwitchState.NO_CONFIRMATION;
    };
    SwitchHistory.Builder next = start(current, taskId).setState(state).setReason(outcome.getFailureReason());
    if (current == null) {
      // The SWITCHED outcome was not seen (read before the store was on): the record carries its fields.
      next.setSessionId(outcome.getSessionId()).setExternalUserId(outcome.getExternalUserId())
          .setCardId(outcome.getCardId()).setCardLastFour(outcome.getCardLastFour())
          .setMerchantId(outcome.getMerchantId()).setMerchantName(outcome.getMerchantName())
          .setHttpStatus(outcome.getHttpStatus()).setAttempts(outcome.getAttempts())
          .setEventTime(outcome.getEventTime()).setReceivedAt(outcome.getReceivedAt())
          .setDeadlineAt(outcome.getDeadlineAt()).setFirstAttemptAt(outcome.getFirstAttemptAt())
          .setLastAttemptAt(outcome.getLastAttemptAt()).setCompletedAt(outcome.getSwitchedAt());
    }
    SwitchHistoryEntry entry = entry(outcome.getCompletedAt(), OUTCOME, state, source)
        .setReason(outcome.getStatus().name()).setDetail(outcome.getFailureReason()).build();
    return append(next, current, entry);
  }

  /** Whether a state ends the task: a repeated AUTHENTICATED does not start it again. */
  private static boolean finished(SwitchState state) {
    return state == SwitchState.SWITCHED || state == SwitchState.SKIPPED || state == SwitchState.CARD_UPDATED
        || state == SwitchState.CARD_FAILED || state == SwitchState.NO_CONFIRMATION;
  }

  /** After a dead letter of the task. */
  public static SwitchHistory onDeadLetter(SwitchHistory current, long taskId, DeadLetter deadLetter, Source source) {
    if (recorded(current, source)) {
      return null;
    }
    String reason = deadLetter.getReason().name();
    SwitchHistory.Builder next = start(current, taskId);
    SwitchState state;
    if (deadLetter.getReason() == DeadLetterReason.DUPLICATE_EVENT && current != null) {
      state = current.getState();
    } else {
      state = SwitchState.DEAD_LETTERED;
      next.setState(state).setReason(reason).setDetail(deadLetter.getDetail())
          .setReplayable(deadLetter.getReplayable()).setKnotErrorCode(deadLetter.getKnotErrorCode())
          .setHttpStatus(deadLetter.getHttpStatus()).setAttempts(deadLetter.getAttempts())
          .setResentAfterRestart(deadLetter.getResentAfterRestart())
          .setDeadlineAt(deadLetter.getDeadlineAt()).setFirstAttemptAt(deadLetter.getFirstAttemptAt())
          .setLastAttemptAt(deadLetter.getLastAttemptAt()).setCompletedAt(deadLetter.getCompletedAt());
      if (deadLetter.getSessionId() != null) {
        next.setSessionId(deadLetter.getSessionId());
      }
      if (deadLetter.getExternalUserId() != null) {
        next.setExternalUserId(deadLetter.getExternalUserId());
      }
      if (deadLetter.getCardId() != null) {
        next.setCardId(deadLetter.getCardId());
      }
      if (deadLetter.getCardLastFour() != null) {
        next.setCardLastFour(deadLetter.getCardLastFour());
      }
      if (deadLetter.getMerchantId() != null) {
        next.setMerchantId(deadLetter.getMerchantId());
      }
      if (deadLetter.getMerchantName() != null) {
        next.setMerchantName(deadLetter.getMerchantName());
      }
      if (deadLetter.getEventType() != null) {
        next.setEventType(deadLetter.getEventType());
      }
      if (deadLetter.getEventTime() != null) {
        next.setEventTime(deadLetter.getEventTime());
      }
      if (deadLetter.getReceivedAt() != null) {
        next.setReceivedAt(deadLetter.getReceivedAt());
      }
    }
    SwitchHistoryEntry entry = entry(deadLetter.getCompletedAt(), DEAD_LETTER, state, source)
        .setReason(reason).setDetail(deadLetter.getDetail()).build();
    return append(next, current, entry);
  }

  private static boolean recorded(SwitchHistory current, Source source) {
    if (current == null) {
      return false;
    }
    for (SwitchHistoryEntry e : current.getHistory()) {
      if (e.getSourceOffset() == source.offset() && e.getSourcePartition() == source.partition()
          && e.getSourceTopic().equals(source.topic())) {
        return true;
      }
    }
    return false;
  }

  private static SwitchHistory.Builder start(SwitchHistory current, long taskId) {
    if (current != null) {
      return SwitchHistory.newBuilder(current);
    }
    return SwitchHistory.newBuilder().setTaskId(taskId).setState(SwitchState.PENDING).setUpdatedAt(Instant.EPOCH)
        .setHistory(List.of());
  }

  private static SwitchHistoryEntry.Builder entry(Instant at, String kind, SwitchState state, Source source) {
    return SwitchHistoryEntry.newBuilder().setAt(at).setKind(kind).setState(state).setEventType(null)
        .setReason(null).setDetail(null)
        .setSourceTopic(source.topic()).setSourcePartition(source.partition()).setSourceOffset(source.offset());
  }

  private static SwitchHistory append(SwitchHistory.Builder next, SwitchHistory current, SwitchHistoryEntry entry) {
    List<SwitchHistoryEntry> history = new ArrayList<>(current == null ? List.of() : current.getHistory());
    history.add(entry);
    int dropped = current == null ? 0 : current.getHistoryDropped();
    while (history.size() > MAX_HISTORY) {
      history.remove(0);
      dropped++;
    }
    Instant updated = current == null || entry.getAt().isAfter(current.getUpdatedAt())
        ? entry.getAt() : current.getUpdatedAt();
    return next.setHistory(history).setHistoryDropped(dropped).setUpdatedAt(updated).build();
  }

  private static String first(String kept, String offered) {
    return kept != null ? kept : offered;
  }

  private static <T> T next(SwitchHistory current, java.util.function.Function<SwitchHistory, T> field) {
    return current == null ? null : field.apply(current);
  }
}
