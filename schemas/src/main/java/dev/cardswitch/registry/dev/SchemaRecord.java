package dev.cardswitch.registry.dev;

import java.util.Objects;

/**
 * One registration as the development registry stores it: version {@code version} of {@code
 * subject} is the schema with global id {@code id}. The schema is in Avro's normalized JSON form
 * ({@code Schema.toString()}), which is also what makes two registrations "the same schema".
 * Immutable; thread-safe.
 */
public record SchemaRecord(String subject, int version, int id, String schema) {

  public SchemaRecord {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    if (subject.isEmpty()) {
      throw new IllegalArgumentException("subject must be non-empty");
    }
    if (version < 1 || id < 1) {
      throw new IllegalArgumentException(
          "version and id must be positive, got version " + version + " and id " + id);
    }
  }

  @Override
  public String toString() {
    return "SchemaRecord[subject=" + subject + ", version=" + version + ", id=" + id + "]";
  }
}
