package dev.cardswitch.app.runtime;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.knot.client.KnotCredentials;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.registry.dev.KafkaSchemaStore;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.vault.standin.CardVaultStandIn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The embedded parts a configuration leaves to card-switch: the KRaft broker (data kept in the data
 * folder across restarts), the development schema registry (schemas kept in the broker's
 * {@code _schemas} topic, so ids survive a restart), the Knot sandbox, and in card-vault lookup mode
 * ({@code CARD_SOURCE=vault} without {@code CARD_VAULT_BASE_URL}) the card vault stand-in. Each starts only if its real
 * counterpart is not configured. Closing stops what it started, in reverse order. Thread-safe.
 */
public final class EmbeddedStack implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final DevSchemaRegistry registry;
  private final KnotSandbox sandbox;
  private final String bootstrapServers;
  private final String registryUrl;
  private final CardVaultStandIn vaultStandIn;

  private EmbeddedStack(EmbeddedKafka kafka, DevSchemaRegistry registry, KnotSandbox sandbox, String bootstrapServers,
      String registryUrl, CardVaultStandIn vaultStandIn) {
    this.vaultStandIn = vaultStandIn;
    this.kafka = kafka;
    this.registry = registry;
    this.sandbox = sandbox;
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
  }

  /** Starts the parts {@code config} does not configure. */
  public static EmbeddedStack start(AppConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /**
   * The same, the embedded Knot sandbox (if one is started) built with {@code sandboxOptions}
   * applied to its builder, e.g. the share of JWEs it verifies for a benchmark.
   */
  public static EmbeddedStack start(AppConfig config, UnaryOperator<KnotSandbox.Builder> sandboxOptions) {
    EmbeddedKafka kafka = null;
    DevSchemaRegistry registry = null;
    KnotSandbox sandbox = null;
    CardVaultStandIn vaultStandIn = null;
    try {
      String bootstrap;
      if (config.kafkaBootstrapServers().isPresent()) {
        bootstrap = config.kafkaBootstrapServers().get();
      } else {
        kafka = EmbeddedKafka.start(config.dataDir().resolve("kafka"), config.kafkaPort());
        bootstrap = kafka.bootstrapServers();
      }
      String url;
      if (config.schemaRegistryUrl().isPresent()) {
        url = config.schemaRegistryUrl().get();
      } else {
        registry = DevSchemaRegistry.builder()
            .port(config.schemaRegistryPort())
            .store(KafkaSchemaStore.builder(bootstrap).build())
            .build()
            .start();
        url = registry.url();
      }
      if (!config.knotConfigured()) {
        KnotSandbox.Builder b = KnotSandbox.builder().port(config.sandboxPort());
        Optional<String> id = config.settings().get(KnotClientConfig.KNOT_CLIENT_ID);
        Optional<String> secret = config.settings().get(KnotClientConfig.KNOT_SECRET);
        if (id.isPresent() && secret.isPresent()) {
          b.credentials(new KnotCredentials(id.get(), secret.get()));
        }
        sandbox = sandboxOptions.apply(b).start();
      }
      if (config.cardVault() && !config.cardVaultConfigured()) {
        vaultStandIn = CardVaultStandIn.start(); // generated credentials, handed to the client directly
      }
      return new EmbeddedStack(kafka, registry, sandbox, bootstrap, url, vaultStandIn);
    } catch (RuntimeException e) {
      closeQuietly(vaultStandIn);
      closeQuietly(sandbox);
      closeQuietly(registry);
      closeQuietly(kafka);
      throw e;
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String registryUrl() {
    return registryUrl;
  }

  public Optional<EmbeddedKafka> kafka() {
    return Optional.ofNullable(kafka);
  }

  public Optional<KnotSandbox> sandbox() {
    return Optional.ofNullable(sandbox);
  }

  /** The embedded sandbox's address and credentials, when the sandbox is embedded. */
  public Optional<AppConfig.SandboxEndpoint> sandboxEndpoint() {
    return sandbox().map(s -> new AppConfig.SandboxEndpoint(
        s.baseUrl().toString(), s.credentials().clientId(), s.credentials().revealSecret()));
  }

  /** The embedded card vault stand-in, when card-vault lookup mode runs without a real platform. */
  public Optional<CardVaultStandIn> vaultStandIn() {
    return Optional.ofNullable(vaultStandIn);
  }

  /** The embedded stand-in's address and credentials, when it is embedded. */
  public Optional<AppConfig.CardVaultCredentialsAt> vaultStandInEndpoint() {
    return vaultStandIn().map(v -> new AppConfig.CardVaultCredentialsAt(v.baseUrl(), v.credentials()));
  }

  /** What was started, one line each, for the start-up banner and the {@code stack} command. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (kafka != null) {
      lines.add("embedded Kafka broker (KRaft): " + bootstrapServers + ", data in " + kafka.dataDir());
    }
    if (registry != null) {
      lines.add("embedded schema registry:      " + registryUrl + " (schemas in the broker's _schemas topic)");
    }
    if (sandbox != null) {
      lines.add("embedded Knot sandbox:         " + sandbox.baseUrl() + " (client id " + sandbox.credentials().clientId()
          + ")");
    }
    if (vaultStandIn != null) {
      lines.add("embedded card vault stand-in:  " + vaultStandIn.baseUrl() + " (client id "
          + vaultStandIn.credentials().clientId() + ")");
    }
    return lines;
  }

  @Override
  public void close() {
    closeQuietly(vaultStandIn);
    closeQuietly(sandbox);
    closeQuietly(registry);
    closeQuietly(kafka);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(EmbeddedStack.class).warn("closing {} failed: {}", c.getClass().getSimpleName(),
          e.toString());
    }
  }
}
