package dev.cardswitch.serde;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A map from schema id to a value, read on every record without locking or boxing: readers
 * binary-search an immutable snapshot; the rare writers (the first record of each schema) copy it.
 * Thread-safe.
 */
final class SchemaIdTable<V> {

  private static final Snapshot EMPTY = new Snapshot(new int[0], new Object[0]);

  private volatile Snapshot snapshot = EMPTY;

  /** The value for {@code id}, or null. */
  @SuppressWarnings("unchecked")
  V get(int id) {
    Snapshot current = snapshot;
    int index = Arrays.binarySearch(current.ids, id);
    return index >= 0 ? (V) current.values[index] : null;
  }

  /**
   * The value for {@code id}, computed once under the table's lock when absent. The computation
   * may do I/O; other ids wait for it, which happens only while a consumer meets new schemas.
   */
  @SuppressWarnings("unchecked")
  synchronized V computeIfAbsent(int id, IntFunction<V> compute) {
    Snapshot current = snapshot;
    int index = Arrays.binarySearch(current.ids, id);
    if (index >= 0) {
      return (V) current.values[index];
    }
    V value = compute.apply(id);
    int insertAt = -index - 1;
    int size = current.ids.length;
    int[] ids = new int[size + 1];
    Object[] values = new Object[size + 1];
    System.arraycopy(current.ids, 0, ids, 0, insertAt);
    System.arraycopy(current.values, 0, values, 0, insertAt);
    ids[insertAt] = id;
    values[insertAt] = value;
    System.arraycopy(current.ids, insertAt, ids, insertAt + 1, size - insertAt);
    System.arraycopy(current.values, insertAt, values, insertAt + 1, size - insertAt);
    snapshot = new Snapshot(ids, values);
    return value;
  }

  synchronized void clear() {
    snapshot = EMPTY;
  }

  private record Snapshot(int[] ids, Object[] values) {}
}
