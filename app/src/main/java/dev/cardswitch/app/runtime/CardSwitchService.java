package dev.cardswitch.app.runtime;

import dev.cardswitch.fido.FidoGate;
import dev.cardswitch.fido.FidoRequestMinter;
import dev.cardswitch.fido.FidoResponseVerifier;
import dev.cardswitch.fido.HmacIssuedJtis;
import dev.cardswitch.app.metrics.ServiceMetrics;
import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.ingress.IngressCounters;
import dev.cardswitch.ingress.WebhookIngress;
import dev.cardswitch.ingress.WebhookSignature;
import dev.cardswitch.knot.KnotGateway;
import dev.cardswitch.knot.client.KnotClient;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.registry.BasicCredentials;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.status.StreamsStatusLookup;
import dev.cardswitch.status.SwitchStatusEndpoint;
import dev.cardswitch.topology.SwitchCounters;
import dev.cardswitch.topology.CallDrain;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.SwitchTopology;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import dev.cardswitch.vault.CardVault;
import dev.cardswitch.vault.client.CardVaultClient;
import dev.cardswitch.vault.client.CardVaultClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running card-switch: the topology on Kafka Streams, wired to the Knot client, the key ring,
 * the schema registry and the system clock, with the admin endpoints beside it and, unless
 * {@code INGRESS_ENABLED=false}, the webhook ingress that puts Knot's webhooks on the webhook topic
 * ({@link WebhookIngress}). Starting it does not wait for the streams to be RUNNING (see {@link
 * #awaitRunning}); closing it stops the ingress (no new webhooks; Knot retries what it cannot
 * deliver), the admin server, then the streams (calls in flight finish or are re-driven after the
 * next start), then the client. Thread-safe.
 */
public final class CardSwitchService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CardSwitchService.class);
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** What the main consumer's fetches wait for (see {@link #streamsProperties}). */
  static final int MAIN_FETCH_MIN_BYTES = 64 * 1024;
  static final int MAIN_FETCH_MAX_WAIT_MS = 10;

  private final KafkaStreams streams;
  private final KnotClient knot;
  private final AdminServer admin;
  private final SwitchCounters counters;
  private final JwkSetKeyRing keyRing;
  private final SchemaRegistryClient registry;
  private volatile boolean leaveGroupOnClose = true;
  private final CallDrain drain;
  private final Duration drainTimeout;
  private final WebhookIngress ingress;
  /** The card vault client in card-vault lookup mode, else null; closed with the Knot client. */
  private volatile CardVaultClient vault;
  /** The card crypto threads (null for the blocking baseline, whose card work runs in place). */
  private volatile ExecutorService cardCrypto;
  private final ServiceMetrics metrics;

  private CardSwitchService(KafkaStreams streams, KnotClient knot, AdminServer admin, SwitchCounters counters,
      JwkSetKeyRing keyRing, SchemaRegistryClient registry, WebhookIngress ingress, CallDrain drain,
      Duration drainTimeout, ServiceMetrics metrics) {
    this.metrics = metrics;
    this.ingress = ingress;
    this.drain = drain;
    this.drainTimeout = drainTimeout;
    this.streams = streams;
    this.knot = knot;
    this.admin = admin;
    this.counters = counters;
    this.keyRing = keyRing;
    this.registry = registry;
  }

  /**
   * Creates the topics if absent and starts the service.
   *
   * @param bootstrapServers the Kafka cluster (embedded or real)
   * @param registryUrl the schema registry (embedded or real)
   * @param knotConfig Knot (the embedded sandbox or the real one)
   * @param embeddedKafka whether the cluster is the embedded single broker (replication factor 1)
   */
  public static CardSwitchService start(AppConfig config, String bootstrapServers, String registryUrl,
      KnotClientConfig knotConfig, JwkSetKeyRing keyRing, boolean embeddedKafka) {
    return start(config, bootstrapServers, registryUrl, knotConfig, null, keyRing, embeddedKafka);
  }

  /**
   * The same, in card-vault lookup mode when {@code vaultConfig} is not null (the card vault client is
   * the service's, closed with it); null: no vault ({@link CardVault#NONE}).
   */
  public static CardSwitchService start(AppConfig config, String bootstrapServers, String registryUrl,
      KnotClientConfig knotConfig, CardVaultClientConfig vaultConfig, JwkSetKeyRing keyRing, boolean embeddedKafka) {
    int replication = embeddedKafka ? 1 : config.topicReplicationFactor();
    Topics.ensure(bootstrapServers, config.topology(), config.topicPartitions(), replication);
    SchemaRegistryConfig.Builder registryConfig = SchemaRegistryConfig.builder(registryUrl);
    config.schemaRegistryUserInfo().ifPresent(u -> registryConfig.credentials(BasicCredentials.parseUserInfo(u)));
    SchemaRegistryClient registry = new HttpSchemaRegistryClient(registryConfig.build());
    TopologySerdes serdes = TopologySerdes.of(registry);
    SwitchCounters counters = new SwitchCounters();
    Clock clock = Clock.systemUTC();
    ServiceMetrics metrics = new ServiceMetrics(clock);
    KnotClient knot = KnotClient.builder(knotConfig).observer(metrics.knotCallObserver()).build();
    metrics.bindKnot(knot);
    metrics.bindEnvelopeKeys(keyRing.publicKeys());
    CardVaultClient vault = vaultConfig == null ? null : new CardVaultClient(vaultConfig);
    CallDrain drain = new CallDrain();
    KafkaStreams streams = null;
    AdminServer admin = null;
    WebhookIngress ingress = null;
    ExecutorService cardCrypto = null;
    IngressCounters ingressCounters = config.ingressEnabled() ? new IngressCounters() : null;
    try {
      // The benchmark's naive baseline: the same topology, every call blocking its stream thread
      // (so its card work runs there too, in place).
      KnotGateway gateway = config.knotBlockingBaseline() ? new BlockingKnotGateway(knot) : knot;
      cardCrypto = config.knotBlockingBaseline() ? null : CardCryptoPool.start(config.cardCryptoThreads());
      Topology topology = SwitchTopology.build(config.topology(),
          new SwitchPorts(gateway, keyRing, clock, metrics.switchMetrics(counters), drain,
              vault == null ? CardVault.NONE : vault).withFido(fidoGate(config, clock))
              .withCardWork(cardCrypto == null ? Runnable::run : cardCrypto), serdes);
      // The admin port is bound first: Kafka Streams advertises it (application.server) to the other
      // instances, which forward GET /switches/{task_id} to the instance holding the task.
      AtomicReference<KafkaStreams> started = new AtomicReference<>();
      admin = AdminServer.start(config.adminBind(), config.adminPort(), keyRing,
          () -> started.get() == null ? KafkaStreams.State.CREATED : started.get().state(),
          knot::authenticationFailing, knot::circuitState, counters, new ProcessStats(counters, clock),
          ingressCounters, metrics);
      HostInfo self = new HostInfo(config.adminAdvertisedHost(), admin.port());
      Properties props = streamsProperties(config, bootstrapServers, serdes, clock, replication);
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
      streams = new KafkaStreams(topology, props);
      started.set(streams);
      admin.handle(FidoJwtEndpoint.PATH, config.cardinal()
          .map(c -> FidoJwtEndpoint.minting(new FidoRequestMinter(c, new HmacIssuedJtis(c.apiKey()), clock)))
          .orElseGet(FidoJwtEndpoint::off));
      metrics.bindStreams(streams);
      admin.handle(SwitchStatusEndpoint.PATH, config.topology().switchStatus()
          ? new SwitchStatusEndpoint(new StreamsStatusLookup(streams, self), self.host() + ":" + self.port(),
              SwitchStatusEndpoint.DEFAULT_FORWARD_TIMEOUT)
          : SwitchStatusEndpoint.off(AppConfig.SWITCH_STATUS));
      // A failed stream thread is replaced rather than taking the instance down: its tasks restart
      // from the last commit, and pending calls are re-driven.
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("stream thread failed, replacing it: {}", e.toString());
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      streams.start();
      if (ingressCounters != null) {
        // Knot signs its webhooks with the API secret card-switch authenticates with (the embedded
        // sandbox's when Knot is embedded), so one secret serves both directions.
        ingress = WebhookIngress.start(config.ingress(),
            new WebhookSignature(knotConfig.knotCredentials().revealSecret()), config.topology().webhookTopic(),
            serdes.event().serializer(), bootstrapServers, Map.of(), ingressCounters, clock);
      }
      CardSwitchService service = new CardSwitchService(streams, knot, admin, counters, keyRing, registry, ingress,
          drain, drainTimeout(config), metrics);
      service.vault = vault;
      service.cardCrypto = cardCrypto;
      service.leaveGroupOnClose = leaveGroupOnClose(config);
      return service;
    } catch (RuntimeException e) {
      if (ingress != null) {
        ingress.close();
      }
      if (admin != null) {
        admin.close();
      }
      if (streams != null) {
        streams.close(CLOSE_TIMEOUT);
      }
      if (cardCrypto != null) {
        cardCrypto.shutdownNow();
      }
      knot.close();
      if (vault != null) {
        vault.close();
      }
      metrics.close();
      throw e;
    }
  }

  /** The Cardinal FIDO gate FIDO_GATE asks for (off: none). */
  static FidoGate fidoGate(AppConfig config, Clock clock) {
    return config.cardinal()
        .map(c -> FidoGate.of(config.fidoGate(),
            new FidoResponseVerifier(c.apiKey(), new HmacIssuedJtis(c.apiKey()), clock)))
        .orElse(FidoGate.off());
  }

  static Properties streamsProperties(AppConfig config, String bootstrapServers, TopologySerdes serdes, Clock clock,
      int replication) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, config.probingRebalanceInterval().toMillis());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Process what is buffered without first waiting to fetch every other input partition of the
    // task: the topology takes its inputs in any order (a request before its card reference parks
    // and is released, a closing webhook before its outcome is held), and the waiting costs a fetch
    // round and, in Kafka Streams 4.4, a formatted log text per task per loop, even with logging off.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // Fewer, fuller fetches: the broker answers a stream thread's fetch once 64 KiB are there or 10 ms
    // have passed, not at its first record. Each fetch answered costs the stream thread its handling
    // (about a fifth of its CPU at 1,000 switches/s with the defaults); 10 ms per hop is nothing
    // against Knot's window (docs/BENCHMARKS.md item 15). The restore consumer keeps the defaults.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), MAIN_FETCH_MIN_BYTES);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), MAIN_FETCH_MAX_WAIT_MS);
    // Static membership: an instance that restarts (a crash, a rolling update) takes its tasks back at
    // once instead of after the session time-out; Kafka Streams suffixes the id per stream thread.
    config.instanceId().ifPresent(id ->
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
    props.putAll(DeadLetterExceptionHandler.streamsConfig(config.topology().webhookTopic(),
        config.topology().cardReferenceTopic(), config.topology().deadLetterTopic(), serdes.deadLetter().serializer(),
        clock));
    return props;
  }

  /** Waits until the streams are RUNNING; false at the timeout or if they failed. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
      Thread.sleep(50); // Kafka Streams' state listener is taken by nothing else, but polling keeps this simple
    }
    return false;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public SwitchCounters counters() {
    return counters;
  }

  /** This process's metrics registry (what {@code GET /metrics} exports beside the counters). */
  public ServiceMetrics metrics() {
    return metrics;
  }

  public JwkSetKeyRing keyRing() {
    return keyRing;
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public int adminPort() {
    return admin.port();
  }

  /**
   * Whether closing leaves the consumer group. Always without a static {@code INSTANCE_ID} (a dynamic
   * member's tasks could not come back to it anyway); with one, unless {@code
   * LEAVE_GROUP_ON_CLOSE=false}: a static member that stays keeps its partitions unserved until the
   * session times out (45 s, three of Knot's 15-second windows) unless it restarts first.
   */
  static boolean leaveGroupOnClose(AppConfig config) {
    return config.instanceId().isEmpty() || config.leaveGroupOnClose();
  }

  /** The close options of {@link #close}: leave the group or stay, with {@link #CLOSE_TIMEOUT}. */
  static CloseOptions closeOptions(boolean leaveGroup) {
    return CloseOptions.groupMembershipOperation(leaveGroup
            ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
            : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
        .withTimeout(CLOSE_TIMEOUT);
  }

  /**
   * How long a clean stop waits for the calls to Knot in flight: a call never outlives its switch's
   * deadline, at most one window after the event arrived.
   */
  static Duration drainTimeout(AppConfig config) {
    return config.topology().window().plusSeconds(1);
  }

  /** The webhook ingress, when it runs. */
  public Optional<WebhookIngress> ingress() {
    return Optional.ofNullable(ingress);
  }

  /**
   * Starts no new call to Knot and waits for the answers of those in flight, so that closing the
   * streams commits their outcomes instead of leaving them to the task's next owner to send again.
   */
  private void drainCalls() {
    drain.start();
    int inFlight = drain.unsettled();
    if (inFlight == 0 || !streams.state().isRunningOrRebalancing()) {
      return;
    }
    LOG.info("stopping: waiting up to {} s for {} calls to Knot in flight", drainTimeout.toSeconds(), inFlight);
    try {
      if (!drain.awaitSettled(drainTimeout)) {
        LOG.warn("stopping with {} calls to Knot unanswered after {} s: their next owner sends them again,"
            + " marked resent_after_restart", drain.unsettled(), drainTimeout.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A final stop (SIGTERM, {@code run} ending); a crash never gets here, so static membership still serves restarts after one. */
  @Override
  public void close() {
    if (ingress != null) {
      ingress.close();
    }
    drainCalls();
    admin.close();
    streams.close(closeOptions(leaveGroupOnClose));
    if (cardCrypto != null) {
      // After the drain and the streams: no task is queued that a stream thread still waits for.
      cardCrypto.shutdownNow();
    }
    knot.close();
    if (vault != null) {
      vault.close();
    }
    metrics.close();
    LOG.info("card-switch stopped: {}", counters);
  }
}
