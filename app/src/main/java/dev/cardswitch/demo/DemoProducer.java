package dev.cardswitch.demo;

import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a {@link DemoPlan} as an issuer and Knot would: first every
 * card reference to the card-reference topic (keyed by {@code card_id}), waiting until all are
 * acknowledged, so the service knows the cards before their events arrive; then the events to the
 * webhook topic (keyed by task id), as fast as possible or paced at a given rate, each stamped with
 * {@code received_at} = the moment it is produced (Knot's window starts there) and Knot's {@code
 * timestamp} a little earlier. Or, given card-switch's webhook ingress, the events are POSTed to it
 * as Knot's signed webhooks ({@link IngressPoster}), and the ingress stamps and produces them.
 *
 * <p>Idempotent producer with {@code acks=all}: a retried send never duplicates an event, which
 * would show up as a {@code DUPLICATE_EVENT} dead letter. Values are Avro in the Confluent wire
 * format, serialised here with the topology's serdes.
 *
 * <p>Not thread-safe: one {@link #produce} at a time. The listener is called on the Kafka
 * producer's I/O thread.
 */
public final class DemoProducer implements AutoCloseable {

  /** How long a send may wait for metadata, e.g. for a topic that does not exist. */
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(30);

  /** Called once per record the broker acknowledged. */
  public interface Listener {
    default void referenceAcknowledged() {}

    default void eventAcknowledged() {}
  }

  /**
   * What was produced.
   *
   * @param firstReceivedAt receipt stamp of the first event
   * @param lastReceivedAt receipt stamp of the last event: the window of the last event starts here
   * @param ingress how long the webhook ingress took to answer each POST; null when the events went
   *     straight to the webhook topic
   */
  public record Produced(
      int references, int events, Instant firstReceivedAt, Instant lastReceivedAt, IngressRoundTrips ingress) {

    /** Produced straight to the webhook topic: no ingress round trips. */
    public Produced(int references, int events, Instant firstReceivedAt, Instant lastReceivedAt) {
      this(references, events, firstReceivedAt, lastReceivedAt, null);
    }
  }

  private final String bootstrapServers;
  private final TopologySerdes serdes;
  private final TopologyConfig topics;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;
  private final IngressPoster ingress; // null: events go straight to the webhook topic

  /**
   * @param clientProperties extra client properties (security settings); the demo's own settings
   *     (idempotence, acks, serialisers) take precedence
   */
  public DemoProducer(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      TopologySerdes serdes,
      TopologyConfig topics,
      Clock clock) {
    this(bootstrapServers, clientProperties, serdes, topics, clock, null);
  }

  /**
   * The same, but the events are POSTed, signed as Knot signs them, to card-switch's webhook
   * ingress at {@code ingress} (which stamps their receipt and produces them); the card references
   * still go to Kafka, as an issuer loads them.
   *
   * @param ingress {@code POST /knot/webhooks} of card-switch; null to produce the events to Kafka
   * @param secret the Knot secret the ingress verifies signatures with; unused without ingress
   */
  public DemoProducer(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      TopologySerdes serdes,
      TopologyConfig topics,
      Clock clock,
      java.net.URI ingress,
      String secret) {
    this(bootstrapServers, clientProperties, serdes, topics, clock,
        ingress == null ? null : new IngressPoster(ingress, secret, clock));
  }

  private DemoProducer(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      TopologySerdes serdes,
      TopologyConfig topics,
      Clock clock,
      IngressPoster ingress) {
    this.ingress = ingress;
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.serdes = Objects.requireNonNull(serdes, "serdes");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.producer =
        new KafkaProducer<>(
            config(bootstrapServers, clientProperties),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  static Map<String, Object> config(String bootstrapServers, Map<String, Object> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "card-switch-demo-producer");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // A few milliseconds of batching: thousands of small records a second in few requests.
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEFAULT_MAX_BLOCK.toMillis());
    return config;
  }

  /**
   * Produces the plan's references, then its events, and returns once every record is acknowledged.
   *
   * @param eventsPerSecond pace of the events; 0 for as fast as possible
   * @throws DemoException {@link DemoException#PRODUCE_FAILED} when a topic is missing or a record
   *     is refused
   */
  public Produced produce(DemoPlan plan, double eventsPerSecond, Listener listener) {
    Objects.requireNonNull(plan, "plan");
    return produce(plan.references(), plan.events(), eventsPerSecond, listener);
  }

  /**
   * Produces {@code references}, then {@code events}, and returns once every record is
   * acknowledged: the same as {@link #produce(DemoPlan, double, Listener)} for a load made
   * elsewhere (the benchmark's). Either list may be empty; with no events, the receipt stamps of
   * the result are null.
   *
   * @throws DemoException {@link DemoException#PRODUCE_FAILED} when a topic is missing or a record
   *     is refused
   */
  public Produced produce(
      List<CardReference> references,
      List<PlannedEvent> events,
      double eventsPerSecond,
      Listener listener) {
    Objects.requireNonNull(references, "references");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(listener, "listener");
    if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException(
          "eventsPerSecond must be 0 or positive, was " + eventsPerSecond);
    }
    requireTopic(topics.cardReferenceTopic());
    requireTopic(topics.webhookTopic());
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicInteger failed = new AtomicInteger();

    String referenceTopic = topics.cardReferenceTopic();
    for (CardReference reference : references) {
      throwIfFailed(failure, failed, "card reference", referenceTopic);
      byte[] value = serdes.cardReference().serializer().serialize(referenceTopic, reference);
      send(
          new ProducerRecord<>(referenceTopic, reference.getCardId(), value),
          failure,
          failed,
          listener::referenceAcknowledged);
    }
    flush(referenceTopic);
    throwIfFailed(failure, failed, "card reference", referenceTopic);

    if (ingress != null) {
      return post(references.size(), events, eventsPerSecond, listener);
    }
    String webhookTopic = topics.webhookTopic();
    double nanosPerEvent = eventsPerSecond > 0 ? 1e9 / eventsPerSecond : 0;
    long start = System.nanoTime();
    Instant first = null;
    Instant last = null;
    for (int i = 0; i < events.size(); i++) {
      if (nanosPerEvent > 0) {
        awaitSlot(start + (long) (i * nanosPerEvent));
      }
      throwIfFailed(failure, failed, "event", webhookTopic);
      PlannedEvent planned = events.get(i);
      Instant receivedAt = clock.instant();
      KnotWebhookEvent event = planned.toEvent(receivedAt);
      byte[] value = serdes.event().serializer().serialize(webhookTopic, event);
      send(
          new ProducerRecord<>(webhookTopic, planned.key(), value),
          failure,
          failed,
          listener::eventAcknowledged);
      if (first == null) {
        first = receivedAt;
      }
      last = receivedAt;
    }
    flush(webhookTopic);
    throwIfFailed(failure, failed, "event", webhookTopic);
    return new Produced(references.size(), events.size(), first, last);
  }

  /** The events through the webhook ingress; returns once every one was answered 200. */
  private Produced post(int references, List<PlannedEvent> events, double eventsPerSecond, Listener listener) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger failed = new AtomicInteger();
    java.util.concurrent.atomic.AtomicLong lastAnswer = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    List<java.util.concurrent.CompletableFuture<Instant>> answers = new java.util.ArrayList<>(events.size());
    double nanosPerEvent = eventsPerSecond > 0 ? 1e9 / eventsPerSecond : 0;
    long start = System.nanoTime();
    Instant first = null;
    for (int i = 0; i < events.size() && failure.get() == null; i++) {
      if (nanosPerEvent > 0) {
        awaitSlot(start + (long) (i * nanosPerEvent));
      }
      if (first == null) {
        first = clock.instant();
      }
      answers.add(ingress.post(events.get(i)).whenComplete((at, error) -> {
        if (error == null) {
          lastAnswer.accumulateAndGet(at.toEpochMilli(), Math::max);
          listener.eventAcknowledged();
        } else {
          failed.incrementAndGet();
          failure.compareAndSet(null, error instanceof java.util.concurrent.CompletionException && error.getCause() != null
              ? error.getCause() : error);
        }
      }));
    }
    for (java.util.concurrent.CompletableFuture<Instant> answer : answers) {
      answer.exceptionally(e -> null).join();
    }
    Throwable e = failure.get();
    if (e != null) {
      throw new DemoException(DemoException.PRODUCE_FAILED, failed.get() + " event(s) were refused by the webhook"
          + " ingress " + ingress.ingress() + ": " + (e instanceof DemoException ? e.getMessage()
              : e.getClass().getSimpleName() + ": " + e.getMessage()), e);
    }
    // The ingress stamped each receipt before it answered: the last answer bounds the last receipt.
    Instant last = events.isEmpty() ? null : Instant.ofEpochMilli(lastAnswer.get());
    return new Produced(references, events.size(), first, last, ingress.roundTrips());
  }

  private void send(
      ProducerRecord<String, byte[]> record,
      AtomicReference<Exception> failure,
      AtomicInteger failed,
      Runnable acknowledged) {
    Callback callback =
        (metadata, exception) -> {
          if (exception == null) {
            acknowledged.run();
          } else {
            failed.incrementAndGet();
            failure.compareAndSet(null, exception);
          }
        };
    try {
      producer.send(record, callback);
    } catch (KafkaException e) {
      throw new DemoException(
          DemoException.PRODUCE_FAILED,
          "cannot produce to " + record.topic() + " on " + bootstrapServers + ": " + e.getMessage(),
          e);
    }
  }

  private void flush(String topic) {
    try {
      producer.flush();
    } catch (KafkaException e) {
      throw new DemoException(
          DemoException.PRODUCE_FAILED,
          "cannot flush the records to " + topic + ": " + e.getMessage(),
          e);
    }
  }

  private void throwIfFailed(
      AtomicReference<Exception> failure, AtomicInteger failed, String what, String topic) {
    Exception e = failure.get();
    if (e != null) {
      throw new DemoException(
          DemoException.PRODUCE_FAILED,
          failed.get()
              + " "
              + what
              + " record(s) were refused by "
              + topic
              + " on "
              + bootstrapServers
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Fails early, with the fix, when a topic the demo writes to does not exist. */
  private void requireTopic(String topic) {
    List<PartitionInfo> partitions;
    try {
      partitions = producer.partitionsFor(topic);
    } catch (KafkaException e) {
      partitions = List.of();
    }
    if (partitions == null || partitions.isEmpty()) {
      throw new DemoException(
          DemoException.PRODUCE_FAILED,
          "topic "
              + topic
              + " is not available on "
              + bootstrapServers
              + ": start the service first (it creates its topics), or create the topic");
    }
  }

  /** Pacing, not synchronisation: parks until the event's slot in the requested rate. */
  private static void awaitSlot(long dueNanos) {
    long wait;
    while ((wait = dueNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.currentThread().isInterrupted()) {
        throw new DemoException(DemoException.PRODUCE_FAILED, "interrupted while producing events");
      }
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
