package dev.cardswitch.topology.lifecycle;

import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The switch-lifecycle part of the topology: Knot's CARD_UPDATED and CARD_FAILED webhooks, or the
 * lack of them, close each SWITCHED task with one lifecycle record on the outcome topic.
 *
 * <pre>
 * knot-webhooks (the switch's own source) ─► lifecycle-webhooks (CARD_UPDATED, CARD_FAILED only) ─┐
 * switch-outcomes (outcomes-source, shared with the status view) ─► lifecycle-outcome-input ──────┴─► lifecycle ─► switch-outcomes
 *                                                                            switch-lifecycle-store ┘
 * </pre>
 *
 * <p>The webhook and outcome topics are both keyed by task id with the same partition count, so a
 * task's webhooks and outcomes meet in one stream task, the one that reads its AUTHENTICATED event.
 * The SWITCHED outcome is read back from the outcome topic rather than handed over inside the
 * topology because the switch itself runs on the card_id partition (after the repartition hop).
 *
 * <p>Records per SWITCHED task: exactly one lifecycle record (CARD_UPDATED, CARD_FAILED or
 * NO_CONFIRMATION). CARD_UPDATING is a progress event and publishes nothing (it is in the task's
 * status history); a single closing record is what downstream teams count. A closing webhook of a
 * task card-switch did not switch (skipped, dead-lettered, or never seen) publishes nothing either:
 * it is recorded in the history and counted ({@code SwitchMetrics#lifecycleUnmatched}).
 *
 * <p>Cost on the AUTHENTICATED path: a string comparison per webhook (the filter); no store access.
 * Per switch: the outcome topic is read once more (already read when SWITCH_STATUS is on), one store
 * write when its SWITCHED outcome is read and one delete when it closes (two changelog records), and
 * one store read per closing webhook. Memory: one small entry per open switch in the due-time index.
 *
 * <p>Stateless; thread-safe.
 */
public final class LifecycleStreams {

  /** task_id (decimal string) → SwitchLifecycle. Names a changelog topic: renaming it is a migration. */
  public static final String STORE = "switch-lifecycle-store";
  /** How often open switches are checked for their confirmation timeout: the precision of NO_CONFIRMATION. */
  static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);

  private LifecycleStreams() {}

  /**
   * Adds the lifecycle store and processor to {@code builder}, fed by {@code webhooks} (the switch's
   * webhook stream) and {@code outcomes} (the outcome topic's values, undecoded), writing lifecycle
   * records to the outcome topic.
   */
  public static void addTo(StreamsBuilder builder, KStream<String, KnotWebhookEvent> webhooks,
      KStream<String, byte[]> outcomes, TopologyConfig config, TopologySerdes serdes, SwitchPorts ports) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE), Serdes.String(), serdes.lifecycle()));
    KStream<String, LifecycleInput> closing = webhooks
        .filter((k, event) -> event != null && LifecycleRecords.closes(event.getEvent()), Named.as("lifecycle-webhooks"))
        .mapValues(LifecycleInput::webhook, Named.as("lifecycle-webhook-input"));
    KStream<String, LifecycleInput> switched = outcomes
        .mapValues(LifecycleInput::outcome, Named.as("lifecycle-outcome-input"));
    closing.merge(switched, Named.as("lifecycle-inputs"))
        .process(() -> new LifecycleProcessor(config.lifecycleConfirmationTimeout(), config.window(), ports.clock(),
            ports.metrics(), serdes.outcome().deserializer()), Named.as("lifecycle"), STORE)
        .to(config.outcomeTopic(), Produced.with(Serdes.String(), serdes.outcome()).withName("lifecycle-outcome-sink"));
  }
}
