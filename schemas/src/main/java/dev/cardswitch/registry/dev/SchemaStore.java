package dev.cardswitch.registry.dev;

import java.util.function.Consumer;

/**
 * Where the development registry keeps its registrations: an ordered, durable log of {@link
 * SchemaRecord}s. The registry replays the log into its index and decides every conflict by log
 * order (the first record claiming an id or a subject version wins), so several registries
 * sharing one store agree on every id, and a restarted registry never hands out an id again.
 *
 * <p>The registry calls a store from one thread at a time (it serializes its calls); {@link
 * #close()} may come from any thread. Implementations say whether they are thread-safe beyond that.
 */
public interface SchemaStore extends AutoCloseable {

  /**
   * Opens the store and delivers every record it already holds to {@code sink}, in log order,
   * before returning. {@code sink} also receives, later, every record delivered by {@link
   * #refresh()} and {@link #append(SchemaRecord)}.
   *
   * @throws SchemaStoreException when the store cannot be opened
   */
  void start(Consumer<SchemaRecord> sink);

  /**
   * Delivers to the sink the records appended by others (other registries sharing the store)
   * since the last delivery, up to the end of the log as of this call.
   *
   * @throws SchemaStoreException when the store cannot be read in time
   */
  void refresh();

  /**
   * Stores {@code record} durably, then delivers it, and every record before it in the log, to
   * the sink before returning: when this returns, the registry's index shows whether {@code
   * record} won.
   *
   * @throws SchemaStoreException when the record could not be stored durably
   */
  void append(SchemaRecord record);

  /** What the store is, for log lines: e.g. {@code in-memory}. */
  String describe();

  @Override
  void close();
}
