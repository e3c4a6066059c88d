package dev.cardswitch.deadletter;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.registry.SchemaRegistryException;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.internal.SwitchRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization and processing exception handler for card-switch: turns an
 * unreadable record or an unexpected failure into one of the project's own {@link DeadLetter}
 * records (KIP-1034 {@code handleError}) with the source coordinates, and lets the stream go on.
 *
 * <p>Kafka Streams' built-in dead-letter records copy the raw value, the headers and the stack trace;
 * a webhook record is not card data, but a misrouted record could be anything, so here only the
 * value's SHA-256 and size are kept, and the detail is written by card-switch, never an exception
 * message of a library that may quote its input.
 *
 * <p>Kafka Streams builds it by class name; {@link #streamsConfig} puts what it needs into the
 * Streams configuration (topic names, the dead-letter serializer and the clock as objects).
 * Thread-safe after {@link #configure}.
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

  static final String WEBHOOK_TOPIC = "card.switch.webhook.topic";
  static final String CARD_REFERENCE_TOPIC = "card.switch.card.reference.topic";
  static final String DEAD_LETTER_TOPIC = "card.switch.dead.letter.topic";
  static final String DEAD_LETTER_SERIALIZER = "card.switch.dead.letter.serializer";
  static final String CLOCK = "card.switch.clock";

  private String webhookTopic;
  private String cardReferenceTopic;
  private String deadLetterTopic;
  private Serializer<DeadLetter> serializer;
  private Clock clock;

  /** The Streams settings that install this handler for both kinds of error. */
  public static Map<String, Object> streamsConfig(String webhookTopic, String cardReferenceTopic,
      String deadLetterTopic, Serializer<DeadLetter> deadLetterSerializer, Clock clock) {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    config.put(WEBHOOK_TOPIC, webhookTopic);
    config.put(CARD_REFERENCE_TOPIC, cardReferenceTopic);
    config.put(DEAD_LETTER_TOPIC, deadLetterTopic);
    config.put(DEAD_LETTER_SERIALIZER, deadLetterSerializer);
    config.put(CLOCK, clock);
    return config;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs) {
    this.webhookTopic = required(configs, WEBHOOK_TOPIC, String.class);
    this.cardReferenceTopic = required(configs, CARD_REFERENCE_TOPIC, String.class);
    this.deadLetterTopic = required(configs, DEAD_LETTER_TOPIC, String.class);
    this.serializer = required(configs, DEAD_LETTER_SERIALIZER, Serializer.class);
    this.clock = required(configs, CLOCK, Clock.class);
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    SchemaRegistryException registry = registryFailure(exception);
    if (registry != null && (registry.isUnreachable() || registry.httpStatus() >= 500)) {
      // Not the record's fault: the registry is down. Dead-lettering would lose a good event for good
      // (MALFORMED_EVENT is not replayable); failing stops the stream thread, which the service
      // replaces, and the record is read again from the last commit.
      LOG.error("the schema registry at {} cannot be reached ({}): the record at {}-{}@{} will be read again"
          + " once it answers", registry.url(), registry.isUnreachable() ? "no answer" : "HTTP " + registry.httpStatus(),
          record.topic(), record.partition(), record.offset());
      return DeserializationExceptionHandler.Response.fail();
    }
    Instant now = clock.instant();
    DeadLetterReason reason;
    String what;
    if (record.topic().equals(webhookTopic)) {
      reason = DeadLetterReason.MALFORMED_EVENT;
      what = "is not a readable KnotWebhookEvent";
    } else if (record.topic().equals(cardReferenceTopic)) {
      reason = DeadLetterReason.MALFORMED_CARD_REFERENCE;
      what = "is not a readable CardReference";
    } else {
      reason = DeadLetterReason.INTERNAL_ERROR;
      what = "of an internal topic could not be read";
    }
    String detail = "the record at " + record.topic() + "-" + record.partition() + "@" + record.offset() + " " + what
        + " (" + describe(exception) + "): fix its producer; the record was skipped";
    LOG.warn("dead letter {}: {}", reason, detail);
    DeadLetter deadLetter = DeadLetters.draft(reason, detail, now)
        .source(record.topic(), record.partition(), record.offset())
        .unreadableValue(record.value())
        .build();
    return DeserializationExceptionHandler.Response.resume(List.of(toProducerRecord(deadLetter, record.key())));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    Instant now = clock.instant();
    String detail = "unexpected failure in processor " + context.processorNodeId() + " (" + describe(exception)
        + "): the record was skipped; report it with this dead letter";
    LOG.error("dead letter INTERNAL_ERROR at {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), detail);
    DeadLetters draft = DeadLetters.draft(DeadLetterReason.INTERNAL_ERROR, detail, now)
        .source(context.topic() == null ? "" : context.topic(), context.partition(), context.offset());
    Object value = record == null ? null : record.value();
    if (value instanceof KnotWebhookEvent event) {
      draft.event(event);
    } else if (value instanceof SwitchRequest request) {
      draft.request(request);
    } else if (value instanceof CardReference reference) {
      draft.cardLastFour(reference.getLastFour());
    } else if (value instanceof RequestCarrier carrier && carrier.switchRequest() != null) {
      draft.request(carrier.switchRequest());
    }
    return ProcessingExceptionHandler.Response.resume(List.of(toProducerRecord(draft.build(), context.sourceRawKey())));
  }

  private ProducerRecord<byte[], byte[]> toProducerRecord(DeadLetter deadLetter, byte[] sourceKey) {
    byte[] key = deadLetter.getTaskId() != null
        ? Long.toString(deadLetter.getTaskId()).getBytes(StandardCharsets.UTF_8)
        : sourceKey;
    // Stamped with its completion time, as the topology's own sinks stamp theirs: a record without a
    // timestamp breaks readers of the dead-letter topic that order by time (the switch-status store).
    return new ProducerRecord<>(deadLetterTopic, null, deadLetter.getCompletedAt().toEpochMilli(), key,
        serializer.serialize(deadLetterTopic, deadLetter));
  }

  /** The registry failure behind {@code error}, if any. */
  private static SchemaRegistryException registryFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SchemaRegistryException e) {
        return e;
      }
    }
    return null;
  }

  /** Our own exceptions carry safe messages; a Kafka SerializationException from our serde too; others by class. */
  static String describe(Throwable error) {
    if (error instanceof CardSwitchException cs) {
      return cs.reason() + ": " + cs.getMessage();
    }
    if (error instanceof org.apache.kafka.common.errors.SerializationException && error.getMessage() != null
        && error.getStackTrace().length > 0 && error.getStackTrace()[0].getClassName().startsWith("dev.cardswitch.")) {
      return error.getMessage();
    }
    return error.getClass().getName();
  }

  private static <T> T required(Map<String, ?> configs, String key, Class<T> type) {
    Object value = configs.get(key);
    if (!type.isInstance(value)) {
      throw new IllegalStateException(key + " must be set to a " + type.getSimpleName()
          + " in the Streams configuration: build it with DeadLetterExceptionHandler.streamsConfig(...)");
    }
    return type.cast(value);
  }

  /** A value that carries a switch request (the topology's internal records), for the dead letter's identifiers. */
  public interface RequestCarrier {
    SwitchRequest switchRequest();
  }
}
