package dev.cardswitch.topology.internal;

import dev.cardswitch.deadletter.DeadLetters;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.internal.SwitchRequest;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.lifecycle.LifecycleRecords;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First step of an event, on the webhook topic's own partition (keyed by task_id): decides what
 * needs no card. AUTHENTICATED with send_card=false becomes a SKIPPED outcome; an event already past
 * its deadline, or without send_card or card_id, a dead letter. Knot's lifecycle events
 * (CARD_UPDATING, CARD_UPDATED, CARD_FAILED) are left to {@code lifecycle/LifecycleStreams}; other
 * types (merchant-login events such as OTP_REQUIRED) are counted as ignored: the status history
 * records them, and they are not errors. The rest goes on as a {@link SwitchRequest} keyed by card_id, carrying the source
 * coordinates that the repartition hop would otherwise lose.
 */
final class EventRouter implements Processor<String, KnotWebhookEvent, String, Routed> {

  static final String AUTHENTICATED = "AUTHENTICATED";

  private final TopologyConfig config;
  private final SwitchPorts ports;
  private ProcessorContext<String, Routed> context;

  EventRouter(TopologyConfig config, SwitchPorts ports) {
    this.config = config;
    this.ports = ports;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, KnotWebhookEvent> record) {
    KnotWebhookEvent event = record.value();
    if (event == null) {
      return; // a tombstone on the webhook topic carries no event
    }
    ports.metrics().eventReceived(event.getEvent());
    if (!AUTHENTICATED.equals(event.getEvent())) {
      if (!LifecycleRecords.closes(event.getEvent()) && !LifecycleRecords.CARD_UPDATING.equals(event.getEvent())) {
        ports.metrics().eventIgnored(event.getEvent());
      }
      return;
    }
    RecordMetadata source = context.recordMetadata().orElseThrow();
    Instant now = ports.clock().instant();
    Instant deadline = deadlineOf(event, config);
    String taskKey = Long.toString(event.getTaskId());

    Boolean sendCard = event.getData().getSendCard();
    String cardId = event.getData().getCardId();
    if (sendCard == null) {
      malformed(record, event, source, deadline, now, "data.send_card",
          "an AUTHENTICATED event must say whether to send the card (data.send_card)");
      return;
    }
    if (!sendCard) {
      ports.metrics().outcome("SKIPPED");
      context.forward(record.withKey(taskKey).withValue(Routed.outcome(Outcomes.skipped(
          event, deadline, now, source.topic(), source.partition(), source.offset()))));
      return;
    }
    if (cardId == null || cardId.isBlank()) {
      malformed(record, event, source, deadline, now, "data.card_id",
          "an AUTHENTICATED event with send_card=true must name the card (data.card_id)");
      return;
    }
    if (!now.isBefore(deadline)) {
      ports.metrics().deadLetter(DeadLetterReason.DEADLINE_EXCEEDED.name());
      context.forward(record.withKey(taskKey).withValue(Routed.deadLetter(
          DeadLetters.draft(DeadLetterReason.DEADLINE_EXCEEDED,
                  "the event reached card-switch after its window closed (deadline " + deadline
                      + "); Knot was not called: a switch after the window is useless",
                  now)
              .event(event).deadline(deadline)
              .source(source.topic(), source.partition(), source.offset())
              .build())));
      return;
    }
    SwitchRequest request = SwitchRequest.newBuilder()
        .setEvent(event)
        .setDeadlineAt(deadline)
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .build();
    context.forward(record.withKey(cardId).withValue(Routed.request(request)));
  }

  private void malformed(Record<String, KnotWebhookEvent> record, KnotWebhookEvent event, RecordMetadata source,
      Instant deadline, Instant now, String field, String detail) {
    ports.metrics().deadLetter(DeadLetterReason.MALFORMED_EVENT.name());
    context.forward(record.withKey(Long.toString(event.getTaskId())).withValue(Routed.deadLetter(
        DeadLetters.draft(DeadLetterReason.MALFORMED_EVENT, detail + ": fix the producer of the webhook topic", now)
            .event(event).deadline(deadline)
            .source(source.topic(), source.partition(), source.offset())
            .invalidFields(List.of(field + ": required"))
            .build())));
  }

  /** Receipt time (or Knot's timestamp when receipt was not recorded) plus the window. */
  static Instant deadlineOf(KnotWebhookEvent event, TopologyConfig config) {
    Instant start = event.getReceivedAt() != null ? event.getReceivedAt() : event.getTimestamp();
    return start.plus(config.window());
  }
}
