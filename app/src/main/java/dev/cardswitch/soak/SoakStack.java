package dev.cardswitch.soak;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.topology.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a fault run runs against, in this JVM: a KRaft broker with its data on disk (so it can be
 * stopped and started again on the same port), the development schema registry, the Knot sandbox
 * (seeded) and card-switch's envelope key; and card-switch itself as named instances in separate
 * JVMs ({@link ServiceProcess}), each with its own data and state folders and output file, so that
 * an instance can be killed, restarted, or joined by a second one.
 *
 * <p>Every instance gets the same settings (the broker, the registry, the sandbox and its
 * credentials, the key as {@code CARD_KEYS}, the run's extra settings), plus its own {@code
 * INSTANCE_ID}, {@code DATA_DIR} and {@code ADMIN_PORT=0}. Thread-safe; closing kills the instances
 * still running and stops the rest.
 */
public final class SoakStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SoakStack.class);

  /** How long an instance may take to reach RUNNING (a cold JVM on a busy 2-core machine). */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  public static final List<String> JVM_OPTIONS = List.of("-Xmx512m");

  private final Path workDir;
  private final Map<String, String> settings;
  private final DevSchemaRegistry registryServer;
  private final SchemaRegistryClient registry;
  private final KnotSandbox sandbox;
  private final ECKey serviceKey;
  private final JwkSetKeyRing keyRing;
  private final TopologyConfig topology;
  private final Map<String, ServiceProcess> instances = new LinkedHashMap<>();
  private final List<Path> outputs = new ArrayList<>();
  private EmbeddedKafka kafka;
  private long nextTaskId;

  private SoakStack(Path workDir, Map<String, String> settings, long seed, EmbeddedKafka kafka,
      DevSchemaRegistry registryServer, KnotSandbox sandbox) {
    this.workDir = workDir.toAbsolutePath();
    this.kafka = kafka;
    this.registryServer = registryServer;
    this.registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registryServer.url()).build());
    this.sandbox = sandbox;
    this.serviceKey = JwkSetKeyRing.generate("soak-" + UUID.randomUUID().toString().substring(0, 8));
    this.keyRing = JwkSetKeyRing.of(List.of(serviceKey), JwkSetKeyRing.Options.DEFAULT);
    this.settings = Map.copyOf(settings);
    this.topology = Launch.configure(instanceEnv("check"), List.of()).topology();
  }

  /**
   * Starts the broker, registry and sandbox; no instance yet.
   *
   * @param settings card-switch settings every instance gets (e.g. {@code SWITCH_WINDOW})
   */
  public static SoakStack start(Path workDir, Map<String, String> settings, long seed) {
    EmbeddedKafka kafka = EmbeddedKafka.start(workDir.toAbsolutePath().resolve("kafka"));
    DevSchemaRegistry registry = null;
    KnotSandbox sandbox = null;
    try {
      registry = DevSchemaRegistry.builder().build().start();
      sandbox = KnotSandbox.builder().seed(seed).start();
      return new SoakStack(workDir, settings, seed, kafka, registry, sandbox);
    } catch (RuntimeException e) {
      for (AutoCloseable c : new AutoCloseable[] {sandbox, registry, kafka}) {
        try {
          if (c != null) {
            c.close();
          }
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  public synchronized String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public KnotSandbox sandbox() {
    return sandbox;
  }

  /** The public half of the service's envelope key: what card references are sealed to. */
  public ECKey servicePublicKey() {
    return serviceKey.toPublicJWK();
  }

  /** The service's key ring, for checks that open envelopes to learn what must not leak. */
  public KeyRing keyRing() {
    return keyRing;
  }

  /** The service's topics and window, as the instances are configured. */
  public TopologyConfig topology() {
    return topology;
  }

  public Path workDir() {
    return workDir;
  }

  /** Secrets handed to the instances, which their output must never show. */
  public List<String> secretSettings() {
    return List.of(sandbox.credentials().revealSecret(), serviceKey.getD().toString());
  }

  /** The first of {@code count} task ids no earlier run on this broker used. */
  public synchronized long reserveTaskIds(int count) {
    long first = Math.max(nextTaskId, System.currentTimeMillis() * 1000);
    nextTaskId = first + count;
    return first;
  }

  /** The settings of instance {@code name}. */
  public synchronized Map<String, String> instanceEnv(String name) {
    Map<String, String> env = new HashMap<>();
    env.put(AppConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    env.put(AppConfig.SCHEMA_REGISTRY_URL, registryServer.url());
    env.put(KnotClientConfig.KNOT_BASE_URL, sandbox.baseUrl().toString());
    env.put(KnotClientConfig.KNOT_CLIENT_ID, sandbox.credentials().clientId());
    env.put(KnotClientConfig.KNOT_SECRET, sandbox.credentials().revealSecret());
    env.put(KnotClientConfig.KNOT_RATE_LIMIT_PER_SECOND, "10000");
    env.put(KnotClientConfig.KNOT_MAX_IN_FLIGHT, Integer.toString(AppConfig.SANDBOX_MAX_IN_FLIGHT));
    env.put(JwkSetKeyRing.CARD_KEYS, new JWKSet(serviceKey).toString(false));
    env.put(AppConfig.DATA_DIR, workDir.resolve(name).toString());
    env.put(AppConfig.ADMIN_PORT, "0");
    env.put(AppConfig.INGRESS_PORT, "0"); // several instances run at once: no fixed port
    env.put(AppConfig.INSTANCE_ID, name);
    env.putAll(settings);
    return env;
  }

  /** Starts instance {@code name} and returns once it runs. */
  public ServiceProcess start(String name) {
    return startAsync(name).awaitRunning(START_TIMEOUT);
  }

  /** Starts instance {@code name} and returns at once. */
  public synchronized ServiceProcess startAsync(String name) {
    ServiceProcess running = instances.get(name);
    if (running != null && running.isAlive()) {
      throw new IllegalStateException("instance " + name + " already runs: stop or kill it first");
    }
    Path output = workDir.resolve(name + ".log");
    if (!outputs.contains(output)) {
      outputs.add(output);
    }
    ServiceProcess process = ServiceProcess.start(name, output, instanceEnv(name), JVM_OPTIONS);
    instances.put(name, process);
    LOG.info("started card-switch instance {} (pid {})", name, process.pid());
    return process;
  }

  /** Instance {@code name}, started (and awaited) unless it already runs. */
  public ServiceProcess ensureRunning(String name) {
    Optional<ServiceProcess> running = instance(name);
    return running.isPresent() ? running.get() : start(name);
  }

  /** The running process of instance {@code name}, if it runs. */
  public synchronized Optional<ServiceProcess> instance(String name) {
    ServiceProcess p = instances.get(name);
    return p != null && p.isAlive() ? Optional.of(p) : Optional.empty();
  }

  /** SIGKILL to instance {@code name}; returns when it is gone. */
  public Instant kill(String name) {
    ServiceProcess p = instance(name).orElseThrow(() -> new IllegalStateException("instance " + name + " is not running"));
    p.kill();
    LOG.info("killed card-switch instance {} (pid {})", name, p.pid());
    return Instant.now();
  }

  /** SIGTERM to instance {@code name}; returns when it has stopped gracefully. */
  public Instant stop(String name) {
    ServiceProcess p = instance(name).orElseThrow(() -> new IllegalStateException("instance " + name + " is not running"));
    int status = p.stop(STOP_TIMEOUT);
    LOG.info("stopped card-switch instance {} (exit status {})", name, status);
    return Instant.now();
  }

  /**
   * Stops the broker and starts it again on the same port with the same data, as a broker restart
   * in a cluster looks to its clients.
   *
   * @return how long the broker was down
   */
  public synchronized Duration restartBroker() {
    String bootstrap = kafka.bootstrapServers();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    Instant down = Instant.now();
    kafka.close();
    RuntimeException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        kafka = EmbeddedKafka.start(workDir.resolve("kafka"), port);
        Duration downtime = Duration.between(down, Instant.now());
        LOG.info("broker restarted on {} after {} ms", kafka.bootstrapServers(), downtime.toMillis());
        return downtime;
      } catch (RuntimeException e) {
        last = e; // the port may still be held by the old socket for a moment
        LOG.warn("broker restart attempt {} failed: {}", attempt + 1, e.toString());
      }
    }
    throw new SoakException(SoakException.BROKER, "the broker did not start again on port " + port
        + " after 5 attempts: " + last, last);
  }

  /** Every instance's output file, in the order the instances were first started. */
  public synchronized List<Path> outputs() {
    return List.copyOf(outputs);
  }

  /** The processes of the instances ever started (the latest run of each name). */
  public synchronized List<ServiceProcess> processes() {
    return List.copyOf(instances.values());
  }

  @Override
  public synchronized void close() {
    for (ServiceProcess p : instances.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("closing instance {} failed: {}", p.name(), e.toString());
      }
    }
    for (AutoCloseable c : new AutoCloseable[] {sandbox, registryServer, kafka}) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
