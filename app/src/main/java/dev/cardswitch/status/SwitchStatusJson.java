package dev.cardswitch.status;

import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.schemas.internal.SwitchHistoryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code GET /switches/{task_id}}: the task's state and history in the names the
 * README documents ({@code task_id, status, reason, detail, card_last_four, merchant, ...,
 * history}), times as ISO-8601 instants. Card data never reaches it: the history holds none beyond
 * the last four digits. Stateless; thread-safe.
 */
public final class SwitchStatusJson {

  private SwitchStatusJson() {}

  /** The body for {@code status}, as served by the instance at {@code servedBy} (host:port). */
  public static Map<String, Object> of(long taskId, SwitchHistory status, String servedBy) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task_id", taskId);
    body.put("status", status.getState().name());
    body.put("reason", status.getReason());
    body.put("detail", status.getDetail());
    body.put("replayable", status.getReplayable());
    body.put("knot_error_code", status.getKnotErrorCode());
    body.put("card_id", status.getCardId());
    body.put("card_last_four", status.getCardLastFour());
    Map<String, Object> merchant = new LinkedHashMap<>();
    merchant.put("id", status.getMerchantId());
    merchant.put("name", status.getMerchantName());
    body.put("merchant", status.getMerchantId() == null && status.getMerchantName() == null ? null : merchant);
    body.put("event_type", status.getEventType());
    body.put("session_id", status.getSessionId());
    body.put("external_user_id", status.getExternalUserId());
    body.put("attempts", status.getAttempts());
    body.put("http_status", status.getHttpStatus());
    body.put("resent_after_restart", status.getResentAfterRestart());
    body.put("event_time", time(status.getEventTime()));
    body.put("received_at", time(status.getReceivedAt()));
    body.put("deadline_at", time(status.getDeadlineAt()));
    body.put("first_attempt_at", time(status.getFirstAttemptAt()));
    body.put("last_attempt_at", time(status.getLastAttemptAt()));
    body.put("completed_at", time(status.getCompletedAt()));
    body.put("updated_at", time(status.getUpdatedAt()));
    List<Map<String, Object>> history = new ArrayList<>();
    for (SwitchHistoryEntry e : status.getHistory()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("at", time(e.getAt()));
      entry.put("kind", e.getKind());
      entry.put("event_type", e.getEventType());
      entry.put("status", e.getState().name());
      entry.put("reason", e.getReason());
      entry.put("detail", e.getDetail());
      entry.put("source", e.getSourceTopic() + "-" + e.getSourcePartition() + "@" + e.getSourceOffset());
      history.add(entry);
    }
    body.put("history", history);
    body.put("history_dropped", status.getHistoryDropped());
    body.put("served_by", servedBy);
    return body;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
