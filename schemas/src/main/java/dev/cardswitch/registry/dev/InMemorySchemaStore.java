package dev.cardswitch.registry.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link SchemaStore} in memory: registrations live as long as the store object, so schema ids
 * survive a restart of the registry only if the same store is handed to the new one. The
 * default store of the development registry. Thread-safe.
 */
public final class InMemorySchemaStore implements SchemaStore {

  private final List<SchemaRecord> log = new ArrayList<>();
  private Consumer<SchemaRecord> sink;

  @Override
  public synchronized void start(Consumer<SchemaRecord> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    log.forEach(sink);
  }

  @Override
  public void refresh() {
    // Nobody else writes to this log.
  }

  @Override
  public synchronized void append(SchemaRecord record) {
    if (sink == null) {
      throw new IllegalStateException("append before start");
    }
    log.add(Objects.requireNonNull(record, "record"));
    sink.accept(record);
  }

  @Override
  public String describe() {
    return "in-memory";
  }

  @Override
  public synchronized void close() {
    sink = null;
  }
}
