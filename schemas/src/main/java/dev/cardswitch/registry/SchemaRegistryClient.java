package dev.cardswitch.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * A client of a Confluent-compatible schema registry, for Avro schemas. Implementations cache
 * what never changes in a registry (the id of a schema under a subject; the schema behind an id),
 * so that a serde asks the registry once per schema. Implementations are thread-safe.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry answers with an error
 * or cannot be reached.
 */
public interface SchemaRegistryClient {

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions})
   * and returns its global id; registering a schema again returns the same id.
   */
  int register(String subject, Schema schema);

  /**
   * The id of {@code schema} if it is registered under {@code subject} ({@code POST
   * /subjects/{subject}}), without registering it.
   */
  int idOf(String subject, Schema schema);

  /** The schema with this global id ({@code GET /schemas/ids/{id}}). */
  Schema schemaById(int id);

  /** Every subject ({@code GET /subjects}). Not cached. */
  List<String> subjects();

  /** The versions of a subject, ascending ({@code GET /subjects/{subject}/versions}). Not cached. */
  List<Integer> versions(String subject);

  /** The latest version of a subject ({@code GET /subjects/{subject}/versions/latest}). Not cached. */
  RegisteredSchema latest(String subject);

  /** One version of a subject ({@code GET /subjects/{subject}/versions/{version}}). */
  RegisteredSchema version(String subject, int version);

  /**
   * Whether {@code schema} could be registered under {@code subject} given its latest version and
   * the subject's compatibility rule ({@code POST /compatibility/subjects/{subject}/versions/latest
   * ?verbose=true}). Not cached.
   */
  CompatibilityCheck checkCompatibility(String subject, Schema schema);

  /** The registry's base URL, without credentials: for messages. */
  String url();
}
