package dev.cardswitch.topology.status;

import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.topology.SwitchMetrics;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The switch-status part of the topology: keeps, per task id, the task's state and history
 * ({@code SwitchHistory}) in the {@value #STORE}, which {@code GET /switches/{task_id}} queries.
 *
 * <pre>
 * knot-webhooks (the switch's own source) ─► status-webhook ──┐
 * switch-outcomes ─► outcomes-source (shared with the lifecycle) ─► status-outcome ─┼─► switch-status-store
 * switch-dead-letters ─► status-dead-letters-source ─► status-dead-letter ─┘
 * </pre>
 *
 * <p>Why it taps the switch's webhook stream rather than reading the topic itself: Kafka Streams lets
 * one topology read a topic through one source only. The tap sits after the source's deserializer,
 * so a webhook value that cannot be read is dead-lettered once, by the switch path, and that dead
 * letter then reaches this store through the dead-letter topic. The outcome and dead-letter topics
 * are read as bytes and decoded here: a value that cannot be read is skipped and counted, not
 * dead-lettered a second time. All three are keyed by task id and have the same partition count
 * (the topics are created together), so a task's records meet in one stream task and
 * {@code KafkaStreams.queryMetadataForKey(STORE, taskId)} names the instance holding it.
 *
 * <p>The outcome and dead-letter sources start at the topics' end when the application first reads
 * them (offset reset {@code latest}), not at their beginning: they share stream tasks with the
 * switch, which takes records oldest first, so a backlog of every past outcome would hold up new
 * webhooks for as long as it takes to read, and miss Knot's window. Tasks finished before the store
 * was turned on are therefore unknown to it.
 *
 * <p>A status is kept for {@link TopologyConfig#switchStatusRetention()} after its last change, then
 * purged ({@link StatusPurge}).
 *
 * <p>Cost on the switch path: one store write per webhook event; the outcome and dead-letter
 * records are processed by the same stream tasks, after the switch has published them.
 *
 * <p>Stateless; thread-safe.
 */
public final class SwitchStatusStreams {

  /** task_id (decimal string) → SwitchHistory. Names a changelog topic: renaming it is a migration. */
  public static final String STORE = "switch-status-store";

  private SwitchStatusStreams() {}

  /**
   * Adds the status store and its writers to {@code builder}, fed by {@code webhooks} (the switch's
   * webhook stream), {@code outcomes} (the outcome topic's values, undecoded; the topology's one
   * source of that topic) and the dead-letter topic; does nothing when
   * {@link TopologyConfig#switchStatus()} is off.
   */
  public static void addTo(StreamsBuilder builder, KStream<String, KnotWebhookEvent> webhooks,
      KStream<String, byte[]> outcomes, TopologyConfig config, TopologySerdes serdes, SwitchPorts ports) {
    if (!config.switchStatus()) {
      return;
    }
    SwitchMetrics metrics = ports.metrics();
    // The three recorders of a partition share one stream task; the webhook one also purges.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE), Serdes.String(), serdes.status()));
    webhooks.process(() -> new StatusRecorder<KnotWebhookEvent>((topic, event) -> event, SwitchHistories::onWebhook,
            metrics, ports.clock(), config.switchStatusRetention()), Named.as("status-webhook"), STORE);
    outcomes.process(() -> new StatusRecorder<byte[]>(serdes.outcome().deserializer()::deserialize,
            SwitchHistories::onOutcome, metrics, null, null), Named.as("status-outcome"), STORE);
    builder.stream(config.deadLetterTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withName("status-dead-letters-source").withOffsetResetPolicy(AutoOffsetReset.latest()))
        .process(() -> new StatusRecorder<byte[]>(serdes.deadLetter().deserializer()::deserialize,
            SwitchHistories::onDeadLetter, metrics, null, null), Named.as("status-dead-letter"), STORE);
  }
}
