package dev.cardswitch.topology.internal;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds nothing and counts the commits of its task: when Kafka Streams prepares
 * a commit it flushes the caches of the task's stores ({@link CachedStateStore#flushCache()}; older
 * versions call {@link #flush()}), then commits the transaction on the same thread before it
 * processes or punctuates again (a failed commit closes the task instead). So once a punctuator
 * sees the count move past the value it noted when it wrote a pending switch, that write is
 * committed.
 *
 * <p>{@code CachedStateStore} is an internal interface of Kafka Streams; the pinned Kafka version
 * calls it on every commit (checked by the integration tests: without it no card is ever sent).
 *
 * <p>Why it is needed: the pending switch must be durable before {@code POST /card} is sent, or a
 * crash between the call and the commit would re-send the card without the restart knowing it was
 * sent (the event is simply processed again). Confined to its stream thread.
 */
final class CommitMarker implements StateStore, CachedStateStore<Object, Object> {

  private final String name;
  private long flushes;
  private boolean open;

  CommitMarker(String name) {
    this.name = name;
  }

  /** How many commits of this task have been prepared since it started here. */
  long commits() {
    return flushes;
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void flushCache() {
    flushes++;
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    flushes++;
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public void clearCache() {}

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> { }); // nothing to restore: it holds no data
    open = true;
  }

  @Override
  public void close() {
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Builds one marker per task. */
  static final class Builder implements StoreBuilder<CommitMarker> {
    private final String name;

    Builder(String name) {
      this.name = name;
    }

    @Override public StoreBuilder<CommitMarker> withCachingEnabled() { return this; }
    @Override public StoreBuilder<CommitMarker> withCachingDisabled() { return this; }
    @Override public StoreBuilder<CommitMarker> withLoggingEnabled(Map<String, String> config) { return this; }
    @Override public StoreBuilder<CommitMarker> withLoggingDisabled() { return this; }
    @Override public CommitMarker build() { return new CommitMarker(name); }
    @Override public Map<String, String> logConfig() { return Map.of(); }
    @Override public boolean loggingEnabled() { return false; }
    @Override public String name() { return name; }
  }
}
