package dev.cardswitch.app.runtime;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces card references and AUTHENTICATED events as an issuer and Knot's webhooks would. For tests. */
final class EventFeed implements AutoCloseable {

  private final KafkaProducer<String, CardReference> references;
  private final KafkaProducer<String, KnotWebhookEvent> events;
  private final TopologyConfig topics;

  EventFeed(String bootstrapServers, SchemaRegistryClient registry, TopologyConfig topics) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    TopologySerdes serdes = TopologySerdes.of(registry);
    this.references = new KafkaProducer<>(props, new StringSerializer(), serdes.cardReference().serializer());
    this.events = new KafkaProducer<>(props, new StringSerializer(), serdes.event().serializer());
    this.topics = topics;
  }

  /** One valid card per card id, sealed to {@code serviceKey}. */
  void references(int count, ECKey serviceKey) {
    for (int i = 0; i < count; i++) {
      String cardId = "card-" + i;
      references.send(new ProducerRecord<>(topics.cardReferenceTopic(), cardId,
          TestCards.reference(cardId, TestCards.seedDocument(), serviceKey, Instant.now())));
    }
    references.flush();
  }

  /** Events for tasks {@code firstTask ..}, task i on card {@code card-(i mod cards)}; returns the task ids. */
  Set<Long> events(long firstTask, int count, int cards) {
    Set<Long> tasks = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      long task = firstTask + i;
      tasks.add(task);
      events.send(new ProducerRecord<>(topics.webhookTopic(), Long.toString(task),
          TestCards.authenticated(task, "card-" + (i % cards), true, Instant.now())));
    }
    events.flush();
    return tasks;
  }

  /** An event for {@code task} received an hour ago: its window closed, so it is dead-lettered DEADLINE_EXCEEDED. */
  long lateEvent(long task) {
    events.send(new ProducerRecord<>(topics.webhookTopic(), Long.toString(task),
        TestCards.authenticated(task, "card-0", true, Instant.now().minusSeconds(3600))));
    events.flush();
    return task;
  }

  @Override
  public void close() {
    references.close();
    events.close();
  }
}
