package dev.cardswitch.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The record of what was replayed: a compacted topic keyed by the dead letter's address ({@code
 * topic/partition/offset}), one small JSON value per replayed dead letter ({@code task_id}, {@code
 * reason}, {@code replayed_at}, {@code forced}). Each entry is written in the same Kafka transaction
 * as its replayed event, so the ledger says exactly what was re-submitted. A later run skips a dead
 * letter that the ledger covers: itself, or an earlier dead letter of a task whose later dead letter
 * was replayed (a task's dead letters share a partition, so offsets order them without clocks). JSON
 * rather than Avro: only this tool reads it, and it holds nothing but coordinates and a reason.
 * Immutable; thread-safe.
 */
public final class ReplayLedger {

  /** One replayed dead letter. */
  public record Entry(DeadLetterAddress address, long taskId, String reason, Instant replayedAt, boolean forced) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<String> keys;
  private final Map<Long, List<DeadLetterAddress>> byTask;

  private ReplayLedger(Collection<Entry> entries) {
    Set<String> k = new HashSet<>();
    Map<Long, List<DeadLetterAddress>> t = new HashMap<>();
    for (Entry e : entries) {
      k.add(e.address().ledgerKey());
      t.computeIfAbsent(e.taskId(), id -> new ArrayList<>()).add(e.address());
    }
    this.keys = Collections.unmodifiableSet(k);
    this.byTask = Collections.unmodifiableMap(t);
  }

  public static ReplayLedger empty() {
    return new ReplayLedger(List.of());
  }

  public static ReplayLedger of(Collection<Entry> entries) {
    return new ReplayLedger(entries);
  }

  /**
   * Reads the ledger topic; an absent topic is an empty ledger (no replay has run yet).
   *
   * @throws ReplayException when the broker is unreachable
   */
  public static ReplayLedger read(String bootstrapServers, Map<String, Object> clientProperties, String topic) {
    Map<String, Entry> latest = new HashMap<>();
    TopicScan.read(bootstrapServers, clientProperties, topic, true, r -> {
      if (r.key() == null) {
        return;
      }
      if (r.value() == null) {
        latest.remove(r.key());
        return;
      }
      Entry entry = decode(r.key(), r.value());
      if (entry != null) {
        latest.put(r.key(), entry);
      }
    });
    return new ReplayLedger(latest.values());
  }

  /** Whether {@code address}, or a later dead letter of {@code taskId} on the same partition, was replayed. */
  public boolean covers(DeadLetterAddress address, long taskId) {
    if (keys.contains(address.ledgerKey())) {
      return true;
    }
    for (DeadLetterAddress replayed : byTask.getOrDefault(taskId, List.of())) {
      if (replayed.topic().equals(address.topic()) && replayed.partition() == address.partition()
          && replayed.offset() >= address.offset()) {
        return true;
      }
    }
    return false;
  }

  public int size() {
    return keys.size();
  }

  /** The ledger value of {@code entry} (the key is its address's {@link DeadLetterAddress#ledgerKey()}). */
  static byte[] encode(Entry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("task_id", entry.taskId());
    node.put("reason", entry.reason());
    node.put("replayed_at", entry.replayedAt().toString());
    node.put("forced", entry.forced());
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The entry of a ledger record; null for a record this version cannot read (it is then not covered). */
  static Entry decode(String key, byte[] value) {
    String[] parts = key.split("/");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(value);
      DeadLetterAddress address = new DeadLetterAddress(parts[0], Integer.parseInt(parts[1]),
          Long.parseLong(parts[2]));
      return new Entry(address, node.path("task_id").asLong(), node.path("reason").asText(),
          Instant.parse(node.path("replayed_at").asText()), node.path("forced").asBoolean(false));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
