package dev.cardswitch.demo;

import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import dev.cardswitch.topology.lifecycle.LifecycleRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the service's outcome and dead-letter topics back and accounts for every planned task
 * ({@link CollectedResults}): counts by status and reason, missing, duplicates, unexpected results,
 * latencies.
 *
 * <p>Use in two steps. {@link #prepare()}, <em>before</em> anything is produced, takes the end
 * offsets of both topics (the high watermarks, so that records of transactions still open then,
 * committed later, are left out too: results of this run can only come after) and starts there, so
 * results of earlier runs are never read and no result of this run can be missed. Then {@link
 * #collect} reads, {@code read_committed} (results of aborted transactions never count), until
 * every planned task has a result or the deadline passes: the last event's receipt + Knot's window
 * + a margin, known once producing ends (the {@code lastReceipt} stage). Having every result, it
 * still reads what is already committed, at most {@link #DEFAULT_DRAIN}, to catch duplicates
 * written alongside, then, if asked ({@link #awaitLifecycle}), the switched tasks' lifecycle
 * records. A lifecycle record is never a task's result: it is counted apart.
 *
 * <p>The consumer has no group and commits nothing: a demo run leaves no trace on the cluster.
 *
 * <p>Not thread-safe: {@code prepare} and {@code collect} may run on different threads, one after
 * the other, as the Kafka consumer allows.
 */
public final class ResultCollector implements AutoCloseable {

  /** Beyond the last event's window, how long to keep waiting for results. */
  public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(10);

  /** Once every task has a result, how long at most to read what was committed meanwhile. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(2);

  /**
   * Bound of one poll: how often the deadline is checked and the listener hears from the collector.
   */
  static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  /** Progress of a collection; called on the collecting thread. */
  public interface Listener {
    /** The first result of a planned task was read. */
    default void accounted(long taskId, TaskResult result) {}

    /** A poll returned (with or without records): a chance to redraw. */
    default void polled() {}

    /**
     * The first result of a planned task was read, with its times: for latency figures. Called
     * right after {@link #accounted}.
     */
    default void timed(long taskId, TaskResult result, ResultTimes times) {}

    /**
     * The first result of a planned task was this dead letter (its reason, detail and Knot's error,
     * which never hold card data): for reports that explain failures. Called after {@link #timed}.
     */
    default void deadLettered(long taskId, DeadLetter deadLetter) {}

    /**
     * Every readable result, first or not, of any task (planned or not): a {@link SwitchOutcome} or
     * a {@link DeadLetter}. Called before {@link #accounted}.
     */
    default void read(long taskId, org.apache.avro.specific.SpecificRecord result) {}
  }

  private final String bootstrapServers;
  private final TopologySerdes serdes;
  private final TopologyConfig topology;
  private final Duration margin;
  private final Clock clock;
  private final Map<String, Object> adminConfig;
  private final KafkaConsumer<String, byte[]> consumer;
  private Map<TopicPartition, Long> startOffsets;
  private Duration lifecycleWait = Duration.ZERO;

  /**
   * @param clientProperties extra client properties (security settings); the collector's own
   *     settings (isolation level, no commits) take precedence
   * @param margin how long after the last event's window to give up on missing results
   * @param clock decides the deadline
   */
  public ResultCollector(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      TopologySerdes serdes,
      TopologyConfig topology,
      Duration margin,
      Clock clock) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.serdes = Objects.requireNonNull(serdes, "serdes");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.margin = Objects.requireNonNull(margin, "margin");
    if (margin.isNegative()) {
      throw new IllegalArgumentException("margin must not be negative, was " + margin);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.adminConfig = new HashMap<>(clientProperties);
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "card-switch-demo-collector-admin");
    this.consumer =
        new KafkaConsumer<>(
            config(bootstrapServers, clientProperties),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  static Map<String, Object> config(String bootstrapServers, Map<String, Object> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "card-switch-demo-collector");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Looking up a missing result topic must report it, not create it with the broker's defaults.
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    return config;
  }

  /**
   * Once every task has its result, how long at most to keep reading for the lifecycle records of
   * the switched ones (Knot's CARD_UPDATED / CARD_FAILED webhooks come after the switch); zero, the
   * default, stops at the results. Call before {@link #collect}.
   */
  public ResultCollector awaitLifecycle(Duration wait) {
    if (Objects.requireNonNull(wait, "wait").isNegative()) {
      throw new IllegalArgumentException("the lifecycle wait must not be negative, was " + wait);
    }
    this.lifecycleWait = wait;
    return this;
  }

  /**
   * Assigns every partition of the outcome and dead-letter topics and positions the consumer at
   * their end offsets now (high watermarks). Call before producing.
   *
   * @return the start offsets
   * @throws DemoException {@link DemoException#RESULTS_UNREADABLE} when a topic does not exist or
   *     the cluster cannot be reached
   */
  public Map<TopicPartition, Long> prepare() {
    List<TopicPartition> partitions = new ArrayList<>();
    partitions.addAll(partitionsOf(topology.outcomeTopic()));
    partitions.addAll(partitionsOf(topology.deadLetterTopic()));
    try {
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = highWatermarks(partitions);
      ends.forEach(consumer::seek);
      startOffsets = Map.copyOf(ends);
      return startOffsets;
    } catch (KafkaException | ExecutionException | TimeoutException e) {
      throw new DemoException(
          DemoException.RESULTS_UNREADABLE,
          "cannot read the end offsets of "
              + topology.outcomeTopic()
              + " and "
              + topology.deadLetterTopic()
              + " on "
              + bootstrapServers
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The end offsets as a {@code read_uncommitted} reader sees them. The consumer's own {@code
   * endOffsets} would give the last stable offsets, which stay before a transaction committed just
   * now until its markers are written: the records of that transaction would then count.
   */
  private Map<TopicPartition, Long> highWatermarks(List<TopicPartition> partitions)
      throws ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    try (Admin admin = Admin.create(adminConfig)) {
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .all()
          .get(METADATA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> ends.put(partition, info.offset()));
      return ends;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException(
          DemoException.RESULTS_UNREADABLE, "interrupted while reading the end offsets", e);
    }
  }

  private List<TopicPartition> partitionsOf(String topic) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    } catch (KafkaException e) {
      throw new DemoException(
          DemoException.RESULTS_UNREADABLE,
          "cannot look up topic " + topic + " on " + bootstrapServers + ": " + e.getMessage(),
          e);
    }
    if (infos == null || infos.isEmpty()) {
      throw new DemoException(
          DemoException.RESULTS_UNREADABLE,
          "topic "
              + topic
              + " does not exist on "
              + bootstrapServers
              + ": start the service first (it creates its topics), or create the topic");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    return partitions;
  }

  /**
   * Reads results until every planned task has one, or the deadline passes, or producing failed
   * ({@code lastReceipt} completed exceptionally: the caller reports that failure).
   *
   * @param planned the expected result of every planned task
   * @param lastReceipt completes with the receipt stamp of the last event once all are produced
   * @throws IllegalStateException if {@link #prepare()} was not called
   */
  public CollectedResults collect(
      Map<Long, ExpectedResult> planned, CompletionStage<Instant> lastReceipt, Listener listener) {
    if (startOffsets == null) {
      throw new IllegalStateException(
          "prepare() must be called before producing, and before collect()");
    }
    Objects.requireNonNull(listener, "listener");
    CompletableFuture<Instant> receipt = lastReceipt.toCompletableFuture();
    ResultTally tally = new ResultTally(planned);
    Instant deadline = null;
    while (!tally.complete()) {
      if (deadline == null && receipt.isDone()) {
        if (receipt.isCompletedExceptionally() || receipt.isCancelled()) {
          return tally.results(false);
        }
        deadline = receipt.join().plus(topology.window()).plus(margin);
      }
      Duration timeout = POLL_TIMEOUT;
      if (deadline != null) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
          return tally.results(true);
        }
        timeout = left.compareTo(POLL_TIMEOUT) < 0 ? left : POLL_TIMEOUT;
      }
      pollOnce(timeout, tally, listener);
    }
    drainCommitted(tally, listener, deadline);
    Instant lifecycleDeadline = clock.instant().plus(lifecycleWait);
    while (tally.awaitingConfirmation() > 0 && clock.instant().isBefore(lifecycleDeadline)) {
      pollOnce(POLL_TIMEOUT, tally, listener);
    }
    return tally.results(false);
  }

  /** Reads up to the end offsets as they are now, to count duplicates already committed. */
  private void drainCommitted(ResultTally tally, Listener listener, Instant deadline) {
    Instant until = clock.instant().plus(DEFAULT_DRAIN);
    if (deadline != null && deadline.isBefore(until)) {
      until = deadline;
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), METADATA_TIMEOUT);
    while (clock.instant().isBefore(until) && behind(ends)) {
      pollOnce(POLL_TIMEOUT, tally, listener);
    }
  }

  private boolean behind(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey(), METADATA_TIMEOUT) < end.getValue()) {
        return true;
      }
    }
    return false;
  }

  private void pollOnce(Duration timeout, ResultTally tally, Listener listener) {
    var records = consumer.poll(timeout);
    Instant readAt = clock.instant();
    for (ConsumerRecord<String, byte[]> record : records) {
      account(record, tally, listener, readAt);
    }
    listener.polled();
  }

  private void account(
      ConsumerRecord<String, byte[]> record, ResultTally tally, Listener listener, Instant readAt) {
    Long taskId;
    TaskResult result;
    org.apache.avro.specific.SpecificRecord read;
    Long latency = null;
    ResultTimes times;
    DeadLetter deadLettered = null;
    try {
      if (record.topic().equals(topology.outcomeTopic())) {
        SwitchOutcome outcome =
            serdes.outcome().deserializer().deserialize(record.topic(), record.value());
        if (LifecycleRecords.isLifecycle(outcome.getStatus())) {
          listener.read(outcome.getTaskId(), outcome);
          tally.addLifecycle(outcome.getTaskId(), outcome.getStatus(), outcome.getFailureReason());
          return;
        }
        taskId = outcome.getTaskId();
        result = TaskResult.of(outcome.getStatus());
        read = outcome;
        if (outcome.getHttpStatus() != null && outcome.getReceivedAt() != null) {
          latency =
              outcome.getCompletedAt().toEpochMilli() - outcome.getReceivedAt().toEpochMilli();
        }
        times =
            new ResultTimes(
                outcome.getReceivedAt(),
                outcome.getLastAttemptAt(),
                outcome.getCompletedAt(),
                outcome.getHttpStatus(),
                readAt);
      } else {
        DeadLetter deadLetter =
            serdes.deadLetter().deserializer().deserialize(record.topic(), record.value());
        deadLettered = deadLetter;
        taskId = deadLetter.getTaskId();
        result = TaskResult.of(deadLetter.getReason());
        read = deadLetter;
        if (deadLetter.getHttpStatus() != null && deadLetter.getReceivedAt() != null) {
          latency =
              deadLetter.getCompletedAt().toEpochMilli()
                  - deadLetter.getReceivedAt().toEpochMilli();
        }
        times =
            new ResultTimes(
                deadLetter.getReceivedAt(),
                deadLetter.getLastAttemptAt(),
                deadLetter.getCompletedAt(),
                deadLetter.getHttpStatus(),
                readAt);
      }
    } catch (RuntimeException e) {
      // Not ours to judge: a record another writer put there. It cannot belong to a planned task.
      tally.unreadable();
      return;
    }
    if (taskId == null) {
      tally.unreadable();
      return;
    }
    listener.read(taskId, read);
    if (tally.add(taskId, result, latency)) {
      listener.accounted(taskId, result);
      listener.timed(taskId, result, times);
      if (deadLettered != null) {
        listener.deadLettered(taskId, deadLettered);
      }
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
