package dev.cardswitch.registry.dev;

import dev.cardswitch.registry.SchemaRegistryProtocol;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development registry's rules over its store: registration (idempotent, one global id per
 * schema, BACKWARD-checked), lookups, versions, compatibility tests. Failures are {@link
 * RegistryError}s carrying Confluent's status, error code and message; a failing store surfaces as
 * {@link SchemaStoreException}.
 *
 * <p>Thread-safe: writes and store reads are serialized on one lock; reads of the index are
 * concurrent.
 */
final class SchemaCatalog {

  /** Registration retries after losing a race to another registry on the same store. */
  static final int MAX_REGISTRATION_ATTEMPTS = 5;

  private static final Logger log = LoggerFactory.getLogger(SchemaCatalog.class);

  private final SchemaStore store;
  private final SchemaIndex index = new SchemaIndex();
  private final Object storeLock = new Object();

  SchemaCatalog(SchemaStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  void start() {
    synchronized (storeLock) {
      store.start(index::apply);
    }
  }

  String describeStore() {
    return store.describe();
  }

  void close() {
    store.close();
  }

  /** Registers {@code schemaText} under {@code subject}; returns its global id. */
  int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    synchronized (storeLock) {
      for (int attempt = 1; attempt <= MAX_REGISTRATION_ATTEMPTS; attempt++) {
        store.refresh();
        Optional<SchemaRecord> existing = index.find(subject, canonical);
        if (existing.isPresent()) {
          return existing.get().id();
        }
        Optional<SchemaRecord> latest = index.latest(subject);
        if (latest.isPresent()) {
          List<String> problems =
              BackwardCompatibility.problems(schema, latest.get(), parse(latest.get().schema()));
          if (!problems.isEmpty()) {
            throw new RegistryError(
                409,
                SchemaRegistryProtocol.INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject
                    + "\", details: "
                    + problems);
          }
        }
        OptionalInt known = index.idOf(canonical);
        int id = known.isPresent() ? known.getAsInt() : index.nextId();
        int version = latest.map(r -> r.version() + 1).orElse(1);
        SchemaRecord record = new SchemaRecord(subject, version, id, canonical);
        store.append(record);
        if (index.contains(record)) {
          log.info("Registered schema id {} as version {} of subject {}", id, version, subject);
          return id;
        }
        log.info(
            "Another registry on {} registered under subject {} first; retrying ({} of {})",
            store.describe(),
            subject,
            attempt,
            MAX_REGISTRATION_ATTEMPTS);
      }
    }
    throw new RegistryError(
        500,
        SchemaRegistryProtocol.STORE_ERROR,
        "Error in the backend data store: could not register under subject "
            + subject
            + " in "
            + MAX_REGISTRATION_ATTEMPTS
            + " attempts, other registries sharing "
            + store.describe()
            + " kept registering first");
  }

  /** The registration of {@code schemaText} under {@code subject}. */
  SchemaRecord lookup(String subject, String schemaText) {
    requireSubject(subject);
    String canonical = parse(schemaText).toString();
    return index
        .find(subject, canonical)
        .orElseThrow(
            () -> new RegistryError(404, SchemaRegistryProtocol.SCHEMA_NOT_FOUND, "Schema not found"));
  }

  String schemaById(int id) {
    Optional<String> schema = index.schemaById(id);
    if (schema.isEmpty()) {
      refresh();
      schema = index.schemaById(id);
    }
    return schema.orElseThrow(
        () ->
            new RegistryError(
                404, SchemaRegistryProtocol.SCHEMA_NOT_FOUND, "Schema " + id + " not found"));
  }

  List<SchemaRecord> usagesOf(int id) {
    schemaById(id);
    return index.usagesOf(id);
  }

  SortedSet<String> subjects() {
    refresh();
    return index.subjects();
  }

  List<SchemaRecord> versions(String subject) {
    requireSubject(subject);
    return index.versions(subject);
  }

  /** Version {@code versionText} ({@code latest} or a number) of {@code subject}. */
  SchemaRecord version(String subject, String versionText) {
    int version = parseVersion(versionText);
    requireSubject(subject);
    Optional<SchemaRecord> found =
        version == LATEST ? index.latest(subject) : index.version(subject, version);
    return found.orElseThrow(
        () ->
            new RegistryError(
                404,
                SchemaRegistryProtocol.VERSION_NOT_FOUND,
                "Version " + versionText + " not found."));
  }

  /**
   * Why {@code schemaText} could not be registered after version {@code versionText} of {@code
   * subject}: empty when it could. As Confluent does, an unknown subject tested against {@code
   * latest} is compatible, and an unparsable schema is reported as a message when {@code verbose}.
   */
  List<String> compatibilityProblems(
      String subject, String versionText, String schemaText, boolean verbose) {
    int version = parseVersion(versionText);
    refresh();
    Optional<SchemaRecord> against =
        version == LATEST ? index.latest(subject) : index.version(subject, version);
    if (against.isEmpty() && version != LATEST) {
      throw new RegistryError(
          404, SchemaRegistryProtocol.VERSION_NOT_FOUND, "Version " + versionText + " not found.");
    }
    Schema candidate;
    try {
      candidate = parse(schemaText);
    } catch (RegistryError e) {
      if (verbose) {
        return List.of(e.getMessage());
      }
      throw e;
    }
    if (against.isEmpty()) {
      return List.of();
    }
    return BackwardCompatibility.problems(candidate, against.get(), parse(against.get().schema()));
  }

  private static final int LATEST = -1;

  private static int parseVersion(String text) {
    if (text.equals("latest")) {
      return LATEST;
    }
    try {
      int version = Integer.parseInt(text);
      if (version >= 1) {
        return version;
      }
      // Confluent also accepts -1 for latest.
      if (version == -1) {
        return LATEST;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new RegistryError(
        422,
        SchemaRegistryProtocol.INVALID_VERSION,
        "The specified version '"
            + text
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  private void requireSubject(String subject) {
    if (!index.hasSubject(subject)) {
      refresh();
      if (!index.hasSubject(subject)) {
        throw new RegistryError(
            404,
            SchemaRegistryProtocol.SUBJECT_NOT_FOUND,
            "Subject '" + subject + "' not found.");
      }
    }
  }

  private void refresh() {
    synchronized (storeLock) {
      store.refresh();
    }
  }

  static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw new RegistryError(422, SchemaRegistryProtocol.INVALID_SCHEMA, "Empty schema");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (AvroRuntimeException e) {
      // SchemaParseException, and AvroTypeException for a default that does not match its type.
      throw new RegistryError(
          422, SchemaRegistryProtocol.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
    }
  }
}
