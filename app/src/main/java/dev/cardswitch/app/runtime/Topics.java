package dev.cardswitch.app.runtime;

import dev.cardswitch.topology.TopologyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics card-switch reads and writes, if they are absent: the webhook, outcome and
 * dead-letter topics, and the compacted card-reference topic. Existing topics are left as they are.
 */
public final class Topics {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Topics() {}

  /** Creates the absent topics and returns once every partition of each has a leader. */
  public static void ensure(String bootstrapServers, TopologyConfig topology, int partitions, int replicationFactor) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    Optional<Short> rf = replicationFactor < 0 ? Optional.empty() : Optional.of((short) replicationFactor);
    List<NewTopic> wanted = List.of(
        new NewTopic(topology.webhookTopic(), Optional.of(partitions), rf),
        new NewTopic(topology.cardReferenceTopic(), Optional.of(partitions), rf)
            .configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(topology.outcomeTopic(), Optional.of(partitions), rf),
        new NewTopic(topology.deadLetterTopic(), Optional.of(partitions), rf));
    try (Admin admin = Admin.create(props)) {
      createMissing(admin, wanted);
      awaitLeaders(admin, wanted.stream().map(NewTopic::name).toList());
    } catch (ExecutionException e) {
      throw new SettingException(AppConfig.KAFKA_BOOTSTRAP_SERVERS, "could not create card-switch's topics on "
          + bootstrapServers + ": " + e.getCause().getMessage()
          + ": create them yourself (see the README's topic table) or give card-switch the right to");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  private static void createMissing(Admin admin, List<NewTopic> wanted) throws ExecutionException, InterruptedException {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (true) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get();
        return;
      } catch (ExecutionException e) {
        boolean again = e.getCause() instanceof TopicExistsException // another instance was quicker
            || e.getCause() instanceof org.apache.kafka.common.errors.RetriableException; // a busy or new cluster
        if (!again || Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  // Producing before every partition has a leader can fail, then loop in the idempotent producer.
  private static void awaitLeaders(Admin admin, List<String> names) throws ExecutionException, InterruptedException {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (true) {
      boolean ready;
      try {
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        ready = described.values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      } catch (ExecutionException e) {
        // Just created: the metadata may not have reached the broker that answered yet.
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
          throw e;
        }
        ready = false;
      }
      if (ready) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("topics " + names + " have partitions without a leader after " + TIMEOUT
            + ": check the brokers");
      }
      Thread.sleep(50); // polling the cluster's metadata; there is no notification to wait on
    }
  }
}
