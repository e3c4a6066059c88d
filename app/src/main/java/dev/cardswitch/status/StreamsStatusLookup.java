package dev.cardswitch.status;

import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.topology.status.SwitchStatusStreams;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link StatusLookup} on Kafka Streams' interactive queries: {@code queryMetadataForKey} names the
 * instance whose active task holds the task id's partition of the {@code switch-status-store}
 * (instances advertise their admin endpoint as {@code application.server}); if that is this one,
 * the partition's store is read, otherwise the owner is returned for the caller to ask. Only active
 * tasks answer (no standby reads), so an answer is never older than the owner's last commit.
 * Thread-safe (KafkaStreams' query methods are).
 */
public final class StreamsStatusLookup implements StatusLookup {

  private static final Serializer<String> KEYS = Serdes.String().serializer();

  private final KafkaStreams streams;
  private final HostInfo self;

  /** @param self this instance's {@code application.server} */
  public StreamsStatusLookup(KafkaStreams streams, HostInfo self) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.self = Objects.requireNonNull(self, "self");
  }

  @Override
  public Answer find(long taskId) {
    String key = Long.toString(taskId);
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(SwitchStatusStreams.STORE, key, KEYS);
    } catch (StreamsNotStartedException | IllegalStateException e) {
      return new Unavailable("card-switch is starting (streams " + streams.state() + ")");
    }
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
        || metadata.activeHost() == null || metadata.activeHost().port() < 0) {
      return new Unavailable("the instances are rebalancing (streams " + streams.state() + ")");
    }
    HostInfo owner = metadata.activeHost();
    if (!owner.equals(self)) {
      return new Elsewhere(owner.host(), owner.port());
    }
    try {
      ReadOnlyKeyValueStore<String, SwitchHistory> store = streams.store(StoreQueryParameters
          .fromNameAndType(SwitchStatusStreams.STORE, QueryableStoreTypes.<String, SwitchHistory>keyValueStore())
          .withPartition(metadata.partition()));
      SwitchHistory status = store.get(key);
      return status == null ? new Missing() : new Found(status);
    } catch (InvalidStateStoreException e) {
      return new Unavailable("the store partition holding this task is being restored or moved (streams "
          + streams.state() + ")");
    }
  }
}
