package dev.cardswitch.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds transactions left open on a partition long after any producer could still complete them
 * ("hanging" transactions): the partition's last stable offset stays before their first record, so
 * a {@code read_committed} consumer sees nothing of the partition beyond it. A broker restart in
 * the middle of a transaction has been seen to leave one. Read-only (it reports; {@code
 * kafka-transactions.sh abort} ends one). Stateless.
 */
public final class HangingTransactions {

  /** Far beyond card-switch's transaction time-out (Kafka Streams' 10 s under exactly-once). */
  public static final Duration OPEN_FOR_AT_LEAST = Duration.ofSeconds(60);

  /** One open transaction on one partition. */
  public record Open(TopicPartition partition, long startOffset, long producerId, int producerEpoch,
      Instant lastWrite) {
    @Override
    public String toString() {
      return partition + " from offset " + startOffset + " (producer " + producerId + ", epoch " + producerEpoch
          + ", last write " + lastWrite + ")";
    }
  }

  private HangingTransactions() {}

  /** Transactions open on {@code topics} whose last write is older than {@code openFor}. */
  public static List<Open> find(String bootstrap, List<String> topics, Duration openFor) {
    List<Open> hanging = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
        d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
      }
      Instant before = Instant.now().minus(openFor);
      admin.describeProducers(partitions).all().get().forEach((partition, state) -> {
        for (ProducerState producer : state.activeProducers()) {
          Instant last = Instant.ofEpochMilli(producer.lastTimestamp());
          if (producer.currentTransactionStartOffset().isPresent() && last.isBefore(before)) {
            hanging.add(new Open(partition, producer.currentTransactionStartOffset().getAsLong(),
                producer.producerId(), producer.producerEpoch(), last));
          }
        }
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while describing producers", e);
    } catch (ExecutionException e) {
      throw new SoakException(SoakException.BROKER, "cannot describe the producers of " + topics + " on " + bootstrap
          + ": " + e.getCause(), e.getCause());
    }
    return hanging;
  }
}
