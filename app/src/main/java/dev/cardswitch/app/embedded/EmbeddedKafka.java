package dev.cardswitch.app.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster in this JVM: one KRaft process that is both controller and broker,
 * plaintext on 127.0.0.1, replication factor 1 everywhere. For development runs and tests; not for
 * production. Topics are not auto-created: create them with {@link #createTopic}, which returns
 * only once every partition has a leader (producing earlier can fail with {@code
 * NOT_LEADER_OR_FOLLOWER}, then loop on {@code OUT_OF_ORDER_SEQUENCE_NUMBER} in an idempotent
 * producer).
 *
 * <p>With a data directory given, the cluster (its id, topics and records) survives a restart, and
 * a restart with port 0 binds the ports of the previous run when they are free, so clients that
 * were connected find the broker again. Without one, a temporary directory is used and deleted by
 * {@link #close()}.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
 *   kafka.createTopic("events", 3, Map.of());
 *   String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Several instances may run in one JVM, each with its own directory and ports.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** Bound for start-up and for each {@link #createTopic} call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** The only host the cluster listens on. */
  public static final String HOST = "127.0.0.1";

  static final String PORTS_FILE = "embedded-kafka-ports.properties";
  private static final String LOG_DIR = "kraft-combined-logs";
  private static final int NODE_ID = 1;
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dataDir;
  private final boolean temporary;
  private final int brokerPort;
  private final KafkaRaftServer server;
  private final Admin admin;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir, boolean temporary, int brokerPort, KafkaRaftServer server, Admin admin) {
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.brokerPort = brokerPort;
    this.server = server;
    this.admin = admin;
  }

  /**
   * Starts a cluster on ephemeral ports (or, with a data directory from an earlier run, on that
   * run's ports when they are free) and returns once the broker accepts clients.
   *
   * @param dataDir where logs and metadata live, kept by {@link #close()}; null for a temporary
   *     directory deleted by {@link #close()}
   */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * As {@link #start(Path)}, with the broker's client port fixed ({@code 0} for the default
   * choice).
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    long startedAt = System.nanoTime();
    boolean temporary = dataDir == null;
    Path dir;
    try {
      dir =
          temporary
              ? Files.createTempDirectory("embedded-kafka-")
              : Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the embedded Kafka data directory " + dataDir, e);
    }
    KafkaRaftServer server = null;
    Admin admin = null;
    try {
      Properties previous = readPorts(dir);
      int brokerPort = port != 0 ? port : reusableOrFree(previous.getProperty("broker.port"));
      int controllerPort = reusableOrFree(previous.getProperty("controller.port"), brokerPort);
      Path logDir = dir.resolve(LOG_DIR);
      KafkaConfig config =
          new KafkaConfig(brokerProperties(logDir, brokerPort, controllerPort), false);
      formatIfNew(logDir);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      writePorts(dir, brokerPort, controllerPort);
      admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort));
      EmbeddedKafka kafka = new EmbeddedKafka(dir, temporary, brokerPort, server, admin);
      kafka.awaitBroker();
      log.info(
          "Embedded Kafka ready on {} in {} ms (data: {})",
          kafka.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
          temporary ? "temporary" : dir);
      return kafka;
    } catch (RuntimeException e) {
      if (admin != null) {
        admin.close(Duration.ofSeconds(1));
      }
      if (server != null) {
        shutdownQuietly(server);
      }
      if (temporary) {
        deleteRecursively(dir);
      }
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  /** The data directory (a temporary one when none was given). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates a topic with replication factor 1, or accepts an existing one with as many partitions,
   * and returns once every partition has a leader.
   *
   * @param configs topic configs, e.g. {@code cleanup.policy=compact}
   * @throws IllegalStateException when the topic exists with another partition count
   * @throws EmbeddedKafkaException when Kafka refuses, or leaders are not elected in time
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
    long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
    try {
      admin
          .createTopics(List.of(topic))
          .all()
          .get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new EmbeddedKafkaException(
            "Cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new EmbeddedKafkaException(
          "Topic " + name + " not created within " + DEFAULT_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while creating topic " + name, e);
    }
    awaitLeaders(name, partitions, deadline);
  }

  /** Stops the cluster; deletes the data directory if it was temporary. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    shutdownQuietly(server);
    if (temporary) {
      deleteRecursively(dataDir);
    }
    log.info("Embedded Kafka on {} stopped", bootstrapServers());
  }

  private void awaitBroker() {
    long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
    while (true) {
      try {
        // describeCluster lists unfenced brokers only: ours can then lead partitions.
        if (!admin
            .describeCluster()
            .nodes()
            .get(POLL_INTERVAL.toMillis() * 20, TimeUnit.MILLISECONDS)
            .isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not ready yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("Interrupted while waiting for the embedded broker", e);
      }
      pause(deadline, "the embedded broker to accept clients");
    }
  }

  private void awaitLeaders(String name, int partitions, long deadline) {
    while (true) {
      try {
        TopicDescription description =
            admin
                .describeTopics(List.of(name))
                .allTopicNames()
                .get(POLL_INTERVAL.toMillis() * 20, TimeUnit.MILLISECONDS)
                .get(name);
        if (description.partitions().size() != partitions) {
          throw new IllegalStateException(
              "Topic "
                  + name
                  + " exists with "
                  + description.partitions().size()
                  + " partitions, not "
                  + partitions);
        }
        if (description.partitions().stream().allMatch(EmbeddedKafka::hasLeader)) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // metadata not propagated yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("Interrupted while waiting for the leaders of " + name, e);
      }
      pause(deadline, "a leader for every partition of " + name);
    }
  }

  private static boolean hasLeader(TopicPartitionInfo partition) {
    Node leader = partition.leader();
    return leader != null && leader.id() >= 0;
  }

  private static void pause(long deadline, String waitingFor) {
    if (System.nanoTime() > deadline) {
      throw new EmbeddedKafkaException(
          "Timed out after " + DEFAULT_TIMEOUT + " waiting for " + waitingFor);
    }
    try {
      // Polling Kafka's metadata: nothing to wait on but the next look.
      Thread.sleep(POLL_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while waiting for " + waitingFor, e);
    }
  }

  private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("offsets.topic.replication.factor", "1");
    // Internal topics with few partitions: created faster, and one node gains nothing from 50.
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "4");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner's default 128 MiB buffer per broker is wasted on development data.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    props.put("log.cleaner.threads", "1");
    return props;
  }

  private static void formatIfNew(Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new EmbeddedKafkaException(
          "Cannot format the embedded Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
  }

  private static Properties readPorts(Path dir) {
    Properties ports = new Properties();
    Path file = dir.resolve(PORTS_FILE);
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        ports.load(in);
      } catch (IOException e) {
        log.warn("Ignoring unreadable {}: {}", file, e.getMessage());
      }
    }
    return ports;
  }

  private static void writePorts(Path dir, int brokerPort, int controllerPort) {
    Properties ports = new Properties();
    ports.setProperty("broker.port", String.valueOf(brokerPort));
    ports.setProperty("controller.port", String.valueOf(controllerPort));
    try (OutputStream out = Files.newOutputStream(dir.resolve(PORTS_FILE))) {
      ports.store(out, "Ports of the last run, reused on restart when free");
    } catch (IOException e) {
      log.warn("Cannot remember the embedded Kafka ports in {}: {}", dir, e.getMessage());
    }
  }

  /** The remembered port if it can be bound now, else a free ephemeral port (not {@code avoid}). */
  private static int reusableOrFree(String remembered, int... avoid) {
    if (remembered != null) {
      try {
        int port = Integer.parseInt(remembered.trim());
        if (port > 0 && canBind(port)) {
          return port;
        }
        log.info(
            "Port {} of the previous run is taken: the embedded broker moves to a new port", port);
      } catch (NumberFormatException e) {
        // fall through to a fresh port
      }
    }
    while (true) {
      int port = freePort();
      boolean clash = false;
      for (int other : avoid) {
        clash |= other == port;
      }
      if (!clash) {
        return port;
      }
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on " + HOST, e);
    }
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Embedded Kafka did not shut down cleanly: {}", e.toString());
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                throws IOException {
              Files.delete(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("Cannot delete the embedded Kafka directory {}: {}", dir, e.getMessage());
    }
  }
}
