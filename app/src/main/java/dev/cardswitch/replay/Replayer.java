package dev.cardswitch.replay;

import dev.cardswitch.app.console.ProgressBar;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.schemas.ReplayOrigin;
import dev.cardswitch.topology.TopologySerdes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SREs' dead-letter replay: reads the dead-letter topic, the outcome topic and the replay ledger
 * (all {@code read_committed}), decides with a {@link ReplayPlan} what to re-submit, and in an
 * executed run produces each chosen dead letter's original event back to the webhook topic (keyed
 * by task id, as card-switch reads it) with a fresh {@code received_at} (now: the topology's
 * deadline rule gives the new attempt now + SWITCH_WINDOW) and a {@code replay_of} link to the dead
 * letter, so its new outcome or dead letter traces back to it.
 *
 * <p>Exactly once: each replayed event and its ledger entry are written in one Kafka transaction,
 * so the ledger names exactly what was re-submitted, and a later run skips it. The transactional id
 * is fixed per dead-letter topic, so a second run started meanwhile fences the first; the ledger is
 * read only after this run's producer is initialised, when no other run can still commit. A
 * transaction is committed before every pacing wait and at least every {@link #MAX_BATCH} events
 * or {@link #MAX_TRANSACTION_AGE}, so a replayed event becomes visible at most that long after its
 * receipt time.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class Replayer {

  private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);

  /** Most events in one transaction. */
  public static final int MAX_BATCH = 100;
  /** Longest a replayed event waits in an open transaction (its window started at received_at). */
  public static final Duration MAX_TRANSACTION_AGE = Duration.ofMillis(100);
  /** How long a send may wait for metadata or buffer space. */
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(30);
  /** Suffix of the ledger topic's name: {@code <DEAD_LETTER_TOPIC>-replays}. */
  public static final String LEDGER_SUFFIX = "-replays";

  /**
   * Where the replay reads and writes.
   *
   * @param clientProperties extra Kafka client properties (security settings)
   * @param window SWITCH_WINDOW: Knot's window, to tell which replays come after it
   * @param partitions partitions of the ledger topic when it has to be created
   * @param replicationFactor its replication factor; -1 for the broker's default
   */
  public record Targets(String bootstrapServers, Map<String, Object> clientProperties, SchemaRegistryClient registry,
      String webhookTopic, String outcomeTopic, String deadLetterTopic, String ledgerTopic, Duration window,
      int partitions, int replicationFactor) {
    public Targets {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      clientProperties = Map.copyOf(clientProperties);
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(webhookTopic, "webhookTopic");
      Objects.requireNonNull(outcomeTopic, "outcomeTopic");
      Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
      Objects.requireNonNull(ledgerTopic, "ledgerTopic");
      Objects.requireNonNull(window, "window");
    }

    /** The ledger topic's default name for {@code deadLetterTopic}. */
    public static String ledgerTopicFor(String deadLetterTopic) {
      return deadLetterTopic + LEDGER_SUFFIX;
    }
  }

  private final Targets targets;
  private final Clock clock;

  public Replayer(Targets targets, Clock clock) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Runs the replay.
   *
   * @param progress where the progress bar draws (standard error for the command)
   * @param terminal whether {@code progress} is a terminal (the bar redraws in place)
   * @throws ReplayException when the stack cannot be used or a transaction fails; what was committed
   *     before stays replayed and the ledger says so, so running the same command again goes on
   */
  public ReplayReport run(ReplayOptions options, PrintStream progress, boolean terminal) {
    long started = System.nanoTime();
    TopologySerdes serdes = TopologySerdes.of(targets.registry());
    requireRegistry();
    KafkaProducer<String, byte[]> producer = null;
    try {
      if (options.execute()) {
        ensureLedgerTopic();
        producer = producer();
        producer.initTransactions(); // fences an earlier run still going; then its commits are all visible
      }
      ReplayLedger ledger = ReplayLedger.read(targets.bootstrapServers(), targets.clientProperties(),
          targets.ledgerTopic());
      progress.println("replay: " + ledger.size() + " dead letters replayed before (" + targets.ledgerTopic() + ")");
      AtomicLong unreadable = new AtomicLong();
      List<ReplayCandidate> deadLetters = readDeadLetters(serdes, unreadable);
      progress.println("replay: " + (deadLetters.size() + unreadable.get()) + " dead letters read ("
          + targets.deadLetterTopic() + ")");
      Set<Long> switchedTasks = tasksWithOutcome();
      progress.println("replay: " + switchedTasks.size() + " tasks with an outcome (" + targets.outcomeTopic() + ")");
      Instant now = clock.instant();
      ReplayPlan plan = ReplayPlan.of(deadLetters, options.filter(), options.force(), ledger, switchedTasks, now,
          targets.window());
      long replayed = 0;
      if (options.execute() && !plan.toReplay().isEmpty()) {
        replayed = replay(producer, serdes, plan.toReplay(), options, progress, terminal);
      }
      LOG.info("replay {}: {} dead letters read, {} selected, {} replayed, skipped {}",
          options.execute() ? "executed" : "dry run", deadLetters.size(), plan.selected(), replayed,
          plan.skippedByReason());
      return new ReplayReport(!options.execute(), options.filter().describe() + (options.force() ? " (forced)" : ""),
          deadLetters.size() + unreadable.get(), unreadable.get(), plan, replayed, now, targets.window(),
          Duration.ofNanos(System.nanoTime() - started), options.rate());
    } catch (ProducerFencedException e) {
      throw new ReplayException(ReplayException.FENCED, "another replay of " + targets.deadLetterTopic()
          + " started meanwhile and took over: let it finish (it skips what this run replayed)", e);
    } catch (KafkaException e) {
      throw new ReplayException(ReplayException.UNREACHABLE, "the Kafka broker at " + targets.bootstrapServers()
          + " failed the replay (" + e.getClass().getSimpleName() + "): check the broker, then run the same command"
          + " again (what was replayed is skipped)", e);
    } finally {
      if (producer != null) {
        producer.close(Duration.ofSeconds(10));
      }
    }
  }

  private long replay(KafkaProducer<String, byte[]> producer, TopologySerdes serdes, List<PlannedReplay> replays,
      ReplayOptions options, PrintStream progress, boolean terminal) {
    RateLimit rate = RateLimit.perSecond(options.rate());
    long committed = 0;
    try (ProgressBar bar = ProgressBar.builder("replay", replays.size()).out(progress).terminal(terminal).build()) {
      List<PlannedReplay> batch = new ArrayList<>();
      long batchStarted = 0;
      for (PlannedReplay planned : replays) {
        if (!batch.isEmpty() && (rate.waitNanos() > 0 || batch.size() >= MAX_BATCH
            || System.nanoTime() - batchStarted >= MAX_TRANSACTION_AGE.toNanos())) {
          committed += commit(producer, batch, committed);
          bar.advance(batch.size());
          batch.clear();
        }
        rate.acquire();
        if (batch.isEmpty()) {
          producer.beginTransaction();
          batchStarted = System.nanoTime();
        }
        send(producer, serdes, planned, options.force());
        batch.add(planned);
      }
      if (!batch.isEmpty()) {
        committed += commit(producer, batch, committed);
        bar.advance(batch.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      producer.abortTransaction();
      throw new ReplayException(ReplayException.TRANSACTION_FAILED, "interrupted after " + committed
          + " replays; the open transaction was aborted: run the same command again to replay the rest", e);
    }
    return committed;
  }

  private void send(KafkaProducer<String, byte[]> producer, TopologySerdes serdes, PlannedReplay planned,
      boolean force) {
    DeadLetter deadLetter = planned.candidate().deadLetter();
    DeadLetterAddress address = planned.candidate().address();
    Instant now = clock.instant();
    ReplayOrigin origin = ReplayOrigin.newBuilder()
        .setDeadLetterTopic(address.topic())
        .setDeadLetterPartition(address.partition())
        .setDeadLetterOffset(address.offset())
        .setReason(deadLetter.getReason().name())
        .setReplayedAt(now)
        .setForced(force && !deadLetter.getReplayable())
        .build();
    // A fresh receipt time: the topology measures the new attempt's window from it.
    KnotWebhookEvent event = KnotWebhookEvent.newBuilder(deadLetter.getEvent())
        .setReceivedAt(now)
        .setReplayOf(origin)
        .build();
    String taskKey = Long.toString(event.getTaskId());
    producer.send(new ProducerRecord<>(targets.webhookTopic(), taskKey,
        serdes.event().serializer().serialize(targets.webhookTopic(), event)));
    ReplayLedger.Entry entry = new ReplayLedger.Entry(address, event.getTaskId(), deadLetter.getReason().name(), now,
        origin.getForced());
    producer.send(new ProducerRecord<>(targets.ledgerTopic(), address.ledgerKey(), ReplayLedger.encode(entry)));
  }

  private int commit(KafkaProducer<String, byte[]> producer, List<PlannedReplay> batch, long before) {
    try {
      producer.commitTransaction();
      return batch.size();
    } catch (ProducerFencedException e) {
      throw e;
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // the transaction is aborted by the broker's time-out if not by us; nothing of it is visible
      }
      throw new ReplayException(ReplayException.TRANSACTION_FAILED, "a replay transaction of " + batch.size()
          + " events failed after " + before + " were replayed (" + e.getClass().getSimpleName() + "): nothing of it"
          + " is visible; check the broker, then run the same command again (replayed dead letters are skipped)", e);
    }
  }

  private List<ReplayCandidate> readDeadLetters(TopologySerdes serdes, AtomicLong unreadable) {
    List<ReplayCandidate> all = new ArrayList<>();
    var deserializer = serdes.deadLetter().deserializer();
    TopicScan.read(targets.bootstrapServers(), targets.clientProperties(), targets.deadLetterTopic(), false, r -> {
      if (r.value() == null) {
        return;
      }
      try {
        DeadLetter d = deserializer.deserialize(r.topic(), r.value());
        all.add(new ReplayCandidate(new DeadLetterAddress(r.topic(), r.partition(), r.offset()), d));
      } catch (RuntimeException e) {
        unreadable.incrementAndGet();
        LOG.warn("dead letter {}/{}/{} cannot be read ({}): not selected", r.topic(), r.partition(), r.offset(),
            e.getClass().getSimpleName());
      }
    });
    return all;
  }

  /** Outcomes are keyed by task id: the keys are all the replay needs. */
  private Set<Long> tasksWithOutcome() {
    Set<Long> tasks = new HashSet<>();
    TopicScan.read(targets.bootstrapServers(), targets.clientProperties(), targets.outcomeTopic(), false, r -> {
      if (r.key() != null && r.value() != null) {
        try {
          tasks.add(Long.parseLong(r.key()));
        } catch (NumberFormatException e) {
          LOG.warn("outcome {}/{}/{} has a key that is not a task id: ignored", r.topic(), r.partition(), r.offset());
        }
      }
    });
    return tasks;
  }

  private KafkaProducer<String, byte[]> producer() {
    Map<String, Object> config = new HashMap<>(targets.clientProperties());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, targets.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "card-switch-replay");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "card-switch-replay-" + targets.deadLetterTopic());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEFAULT_MAX_BLOCK.toMillis());
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private void ensureLedgerTopic() {
    Properties props = new Properties();
    props.putAll(targets.clientProperties());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, targets.bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000); // at least the request time-out (30 s)
    Optional<Short> rf = targets.replicationFactor() < 0 ? Optional.empty()
        : Optional.of((short) targets.replicationFactor());
    try (Admin admin = Admin.create(props)) {
      if (admin.listTopics().names().get().contains(targets.ledgerTopic())) {
        return;
      }
      admin.createTopics(List.of(new NewTopic(targets.ledgerTopic(), Optional.of(targets.partitions()), rf)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ReplayException(ReplayException.UNREACHABLE, "cannot create the replay ledger topic "
            + targets.ledgerTopic() + " on " + targets.bootstrapServers() + " (" + e.getCause().getClass().getSimpleName()
            + "): create it yourself (compacted: cleanup.policy=compact) or give card-switch the right to", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException(ReplayException.UNREACHABLE, "interrupted while creating " + targets.ledgerTopic(), e);
    } catch (KafkaException e) {
      throw TopicScan.unreachable(targets.bootstrapServers(), targets.ledgerTopic(), e);
    }
  }

  private void requireRegistry() {
    try {
      targets.registry().subjects();
    } catch (RuntimeException e) {
      throw new ReplayException(ReplayException.UNREACHABLE, "cannot reach the schema registry at "
          + targets.registry().url() + " (" + e.getClass().getSimpleName() + "): start the stack first"
          + " (./card-switch stack, or ./card-switch run), or set SCHEMA_REGISTRY_URL to the running registry", e);
    }
  }
}
