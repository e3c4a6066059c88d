package dev.cardswitch.topology.internal;

import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.internal.SwitchRequest;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import dev.cardswitch.topology.lifecycle.LifecycleStreams;
import dev.cardswitch.topology.status.SwitchStatusStreams;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The wiring of the switch topology.
 *
 * <pre>
 * knot-webhooks ─► route-event ─┬─► SKIPPED / malformed / too late ──────────────► outcomes, dead letters
 *   (by task_id)                └─► switch-requests (repartition by card_id) ─► join-card-reference ─┐
 * card-references ─► card-references-store ─► release-waiting ───────────────────────────────────────┴─► switch ─► outcomes, dead letters
 * knot-webhooks (CARD_UPDATED, CARD_FAILED) + switch-outcomes (SWITCHED) ─► lifecycle ─► outcomes (one lifecycle record per switch)
 * </pre>
 *
 * The outcome topic is read back (offset reset {@code latest}; see {@code status/SwitchStatusStreams})
 * by the status view and the lifecycle ({@code lifecycle/LifecycleStreams}) through one source, as
 * Kafka Streams reads a topic through one source only.
 *
 * Why a repartition hop and not a global table: an issuer's card references can run to millions of
 * records; a global table makes every instance hold and restore all of them, while a co-partitioned
 * table splits them across instances. The hop costs a commit interval of latency under
 * exactly-once (Kafka Streams' default is 100 ms; the service sets 25 ms, its COMMIT_INTERVAL), small
 * against Knot's 15-second window. It also puts a late card reference and the requests waiting for
 * it in the same task, where the reference can release them.
 */
public final class SwitchStreams {

  private SwitchStreams() {}

  public static Topology build(TopologyConfig config, SwitchPorts ports, TopologySerdes serdes) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> keys = Serdes.String();
    InFlightLimit limit = new InFlightLimit(config.maxInFlight());

    KTable<String, CardReference> references = builder.table(config.cardReferenceTopic(),
        Consumed.with(keys, serdes.cardReference()).withName("card-references-source"),
        Materialized.<String, CardReference, KeyValueStore<Bytes, byte[]>>as(StoreNames.CARD_REFERENCES)
            .withKeySerde(keys).withValueSerde(serdes.cardReference()));

    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.WAITING), keys, serdes.waiting()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.PENDING), keys, serdes.pending()));
    builder.addStateStore(new CommitMarker.Builder(StoreNames.COMMIT_MARKER));
    Duration retention = config.deduplicationRetention().plus(config.window());
    builder.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(StoreNames.SWITCHED, retention, Duration.ofMillis(1), false),
        keys, Serdes.Long()));
    // Always there, whatever FIDO_GATE says, so that turning the gate on changes no topology.
    builder.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(StoreNames.FIDO_USED_JTI, FidoJtiStore.RETENTION, Duration.ofMillis(1), false),
        keys, Serdes.String()));

    KStream<String, KnotWebhookEvent> events = builder.stream(config.webhookTopic(),
        Consumed.with(keys, serdes.event()).withName("webhooks-source"));
    // Read as bytes, decoded by each reader: an unreadable outcome is skipped there, never dead-lettered.
    KStream<String, byte[]> outcomeRecords = builder.stream(config.outcomeTopic(),
        Consumed.with(keys, Serdes.ByteArray()).withName("outcomes-source")
            .withOffsetResetPolicy(AutoOffsetReset.latest()));
    SwitchStatusStreams.addTo(builder, events, outcomeRecords, config, serdes, ports); // off the switch path: status/
    LifecycleStreams.addTo(builder, events, outcomeRecords, config, serdes, ports); // after it: lifecycle/
    Map<String, KStream<String, Routed>> routed = events
        .process(() -> new EventRouter(config, ports), Named.as("route-event"))
        .split(Named.as("routed-"))
        .branch((k, v) -> v.outcome() != null, Branched.as("outcome"))
        .branch((k, v) -> v.deadLetter() != null, Branched.as("dead-letter"))
        .defaultBranch(Branched.as("request"));
    routed.get("routed-outcome")
        .mapValues(Routed::outcome, Named.as("routed-outcome-value"))
        .to(config.outcomeTopic(), Produced.with(keys, serdes.outcome()).withName("routed-outcome-sink"));
    routed.get("routed-dead-letter")
        .mapValues(Routed::deadLetter, Named.as("routed-dead-letter-value"))
        .to(config.deadLetterTopic(), Produced.with(keys, serdes.deadLetter()).withName("routed-dead-letter-sink"));

    KStream<String, SwitchRequest> requests = routed.get("routed-request")
        .mapValues(Routed::request, Named.as("routed-request-value"))
        .repartition(Repartitioned.<String, SwitchRequest>as(StoreNames.SWITCH_REQUESTS)
            .withKeySerde(keys).withValueSerde(serdes.request()));
    KStream<String, Candidate> joined = requests.leftJoin(references,
        (request, reference) -> new Candidate(request, reference, false),
        Joined.<String, SwitchRequest, CardReference>as("join-card-reference")
            .withKeySerde(keys).withValueSerde(serdes.request()).withOtherValueSerde(serdes.cardReference()));
    KStream<String, Candidate> released = references
        .toStream(Named.as("card-reference-updates"))
        .process(ReleaseProcessor::new, Named.as("release-waiting"), StoreNames.WAITING);

    KStream<String, Result> results = joined
        .merge(released, Named.as("switch-candidates"))
        .process(() -> new SwitchProcessor(config, ports, limit), Named.as("switch"),
            StoreNames.WAITING, StoreNames.PENDING, StoreNames.SWITCHED, StoreNames.CARD_REFERENCES,
            StoreNames.COMMIT_MARKER, StoreNames.FIDO_USED_JTI);
    results.split(Named.as("result-"))
        .branch((k, v) -> v.outcome() != null, Branched.withConsumer(s -> s
            .mapValues(Result::outcome, Named.as("result-outcome-value"))
            .to(config.outcomeTopic(), Produced.with(keys, serdes.outcome()).withName("result-outcome-sink")),
            "outcome"))
        .defaultBranch(Branched.withConsumer(s -> s
            .mapValues(Result::deadLetter, Named.as("result-dead-letter-value"))
            .to(config.deadLetterTopic(), Produced.with(keys, serdes.deadLetter()).withName("result-dead-letter-sink")),
            "dead-letter"));
    return builder.build();
  }
}
