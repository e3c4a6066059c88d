package dev.cardswitch.registry.dev;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The registry's view of its store's log: records applied in log order, each conflict settled by
 * that order (see {@link #apply}). Two registries replaying the same log build the same index.
 * Thread-safe (every method synchronized; the index is small and calls are short).
 */
final class SchemaIndex {

  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<String, TreeMap<Integer, SchemaRecord>> versionsBySubject = new TreeMap<>();
  private final Map<String, Map<String, SchemaRecord>> recordsBySubjectAndSchema = new HashMap<>();
  private final Map<Integer, List<SchemaRecord>> usagesById = new HashMap<>();
  private int highestIdSeen;

  /**
   * Applies one record of the log. It is ignored (returns false) when an earlier record gave its
   * id to another schema, gave its schema another id, took its subject version, or already
   * registered its schema under its subject: the first claim wins. Applying a record already
   * applied is a no-op that returns true. Its id counts as used either way, so it is never handed
   * out again.
   */
  synchronized boolean apply(SchemaRecord record) {
    highestIdSeen = Math.max(highestIdSeen, record.id());
    TreeMap<Integer, SchemaRecord> versions = versionsBySubject.get(record.subject());
    SchemaRecord sameVersion = versions == null ? null : versions.get(record.version());
    if (sameVersion != null) {
      return sameVersion.equals(record);
    }
    String schemaOfId = schemasById.get(record.id());
    if (schemaOfId != null && !schemaOfId.equals(record.schema())) {
      return false;
    }
    Integer idOfSchema = idsBySchema.get(record.schema());
    if (idOfSchema != null && idOfSchema != record.id()) {
      return false;
    }
    Map<String, SchemaRecord> bySchema = recordsBySubjectAndSchema.get(record.subject());
    if (bySchema != null && bySchema.containsKey(record.schema())) {
      return false;
    }
    schemasById.put(record.id(), record.schema());
    idsBySchema.put(record.schema(), record.id());
    versionsBySubject.computeIfAbsent(record.subject(), s -> new TreeMap<>()).put(record.version(), record);
    recordsBySubjectAndSchema
        .computeIfAbsent(record.subject(), s -> new HashMap<>())
        .put(record.schema(), record);
    usagesById.computeIfAbsent(record.id(), i -> new ArrayList<>()).add(record);
    return true;
  }

  /** Whether {@code record} is in the index (it won, or was applied before). */
  synchronized boolean contains(SchemaRecord record) {
    TreeMap<Integer, SchemaRecord> versions = versionsBySubject.get(record.subject());
    return versions != null && record.equals(versions.get(record.version()));
  }

  synchronized Optional<String> schemaById(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  synchronized OptionalInt idOf(String schema) {
    Integer id = idsBySchema.get(schema);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** An id never used nor claimed by any record of the log. */
  synchronized int nextId() {
    return highestIdSeen + 1;
  }

  synchronized Optional<SchemaRecord> find(String subject, String schema) {
    Map<String, SchemaRecord> bySchema = recordsBySubjectAndSchema.get(subject);
    return Optional.ofNullable(bySchema == null ? null : bySchema.get(schema));
  }

  synchronized boolean hasSubject(String subject) {
    return versionsBySubject.containsKey(subject);
  }

  synchronized SortedSet<String> subjects() {
    return new TreeSet<>(versionsBySubject.keySet());
  }

  /** The subject's versions, ascending; empty when the subject is unknown. */
  synchronized List<SchemaRecord> versions(String subject) {
    TreeMap<Integer, SchemaRecord> versions = versionsBySubject.get(subject);
    return versions == null ? List.of() : List.copyOf(versions.values());
  }

  synchronized Optional<SchemaRecord> version(String subject, int version) {
    TreeMap<Integer, SchemaRecord> versions = versionsBySubject.get(subject);
    return Optional.ofNullable(versions == null ? null : versions.get(version));
  }

  synchronized Optional<SchemaRecord> latest(String subject) {
    TreeMap<Integer, SchemaRecord> versions = versionsBySubject.get(subject);
    return Optional.ofNullable(versions == null ? null : versions.lastEntry().getValue());
  }

  /** Every (subject, version) registered with this id. */
  synchronized List<SchemaRecord> usagesOf(int id) {
    return List.copyOf(usagesById.getOrDefault(id, List.of()));
  }
}
