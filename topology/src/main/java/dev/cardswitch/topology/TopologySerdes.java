package dev.cardswitch.topology;

import dev.cardswitch.deadletter.SizeLimitedSerde;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.internal.PendingSwitch;
import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.schemas.internal.SwitchLifecycle;
import dev.cardswitch.schemas.internal.SwitchRequest;
import dev.cardswitch.schemas.internal.WaitingSwitches;
import dev.cardswitch.serde.AvroSerde;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes of every topic and store of the topology (keys are UTF-8 strings), all Avro in
 * the Confluent wire format through one registry client. Built once per topology; no static serdes.
 */
public record TopologySerdes(
    Serde<KnotWebhookEvent> event,
    Serde<CardReference> cardReference,
    Serde<SwitchOutcome> outcome,
    Serde<DeadLetter> deadLetter,
    Serde<SwitchRequest> request,
    Serde<WaitingSwitches> waiting,
    Serde<PendingSwitch> pending,
    Serde<SwitchHistory> status,
    Serde<SwitchLifecycle> lifecycle) {

  public TopologySerdes {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(cardReference, "cardReference");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(deadLetter, "deadLetter");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(waiting, "waiting");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lifecycle, "lifecycle");
  }

  /**
   * The same serdes, but the webhook events' deserializer refuses values above {@code maxBytes}
   * before decoding them ({@link SizeLimitedSerde}); their dead letter is a {@code MALFORMED_EVENT}.
   */
  public TopologySerdes withMaxEventBytes(int maxBytes) {
    return new TopologySerdes(SizeLimitedSerde.wrap(event, maxBytes, "MAX_EVENT_BYTES"), cardReference, outcome,
        deadLetter, request, waiting, pending, status, lifecycle);
  }

  /** Serdes that register and fetch schemas through {@code registry}. */
  public static TopologySerdes of(SchemaRegistryClient registry) {
    return new TopologySerdes(
        AvroSerde.specific(KnotWebhookEvent.class, registry, false),
        AvroSerde.specific(CardReference.class, registry, false),
        AvroSerde.specific(SwitchOutcome.class, registry, false),
        AvroSerde.specific(DeadLetter.class, registry, false),
        AvroSerde.specific(SwitchRequest.class, registry, false),
        AvroSerde.specific(WaitingSwitches.class, registry, false),
        AvroSerde.specific(PendingSwitch.class, registry, false),
        AvroSerde.specific(SwitchHistory.class, registry, false),
        AvroSerde.specific(SwitchLifecycle.class, registry, false));
  }
}
