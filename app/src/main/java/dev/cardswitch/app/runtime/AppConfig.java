package dev.cardswitch.app.runtime;

import dev.cardswitch.app.logging.LogFormat;
import dev.cardswitch.envelope.CardCryptoProvider;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.fido.CardinalApiKey;
import dev.cardswitch.fido.CardinalFidoConfig;
import dev.cardswitch.fido.FidoGateMode;
import dev.cardswitch.ingress.IngressConfig;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.sandbox.LifecycleWebhooks;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.vault.client.CardVaultClientConfig;
import dev.cardswitch.vault.client.CardVaultCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration of a card-switch process, read from {@link Settings}. A part that is not
 * configured (no {@code KAFKA_BOOTSTRAP_SERVERS}, no {@code SCHEMA_REGISTRY_URL}, no
 * {@code KNOT_BASE_URL}) is started embedded, each independently of the others. Immutable; built
 * once at start, failing with a message that names the setting and the fix.
 */
public final class AppConfig {

  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String SCHEMA_REGISTRY_URL = "SCHEMA_REGISTRY_URL";
  public static final String SCHEMA_REGISTRY_USER_INFO = "SCHEMA_REGISTRY_USER_INFO";
  public static final String APPLICATION_ID = "APPLICATION_ID";
  public static final String INSTANCE_ID = "INSTANCE_ID";
  public static final String LEAVE_GROUP_ON_CLOSE = "LEAVE_GROUP_ON_CLOSE";
  public static final String DATA_DIR = "DATA_DIR";
  public static final String STATE_DIR = "STATE_DIR";
  public static final String NUM_STREAM_THREADS = "NUM_STREAM_THREADS";
  /** Threads that open card envelopes, make Knot's JWEs and start the calls, off the stream threads. */
  public static final String CARD_CRYPTO_THREADS = "CARD_CRYPTO_THREADS";
  public static final String PROCESSING_GUARANTEE = "PROCESSING_GUARANTEE";
  public static final String COMMIT_INTERVAL = "COMMIT_INTERVAL";
  /** How often Kafka Streams checks whether warmed-up state lets tasks move to a new instance. */
  public static final String PROBING_REBALANCE_INTERVAL = "PROBING_REBALANCE_INTERVAL";
  public static final String WEBHOOK_TOPIC = "WEBHOOK_TOPIC";
  public static final String CARD_REFERENCE_TOPIC = "CARD_REFERENCE_TOPIC";
  public static final String OUTCOME_TOPIC = "OUTCOME_TOPIC";
  public static final String DEAD_LETTER_TOPIC = "DEAD_LETTER_TOPIC";
  public static final String SWITCH_WINDOW = "SWITCH_WINDOW";
  public static final String DEDUPLICATION_RETENTION = "DEDUPLICATION_RETENTION";
  public static final String MAX_EVENT_BYTES = "MAX_EVENT_BYTES";
  public static final String TOPIC_PARTITIONS = "TOPIC_PARTITIONS";
  public static final String TOPIC_REPLICATION_FACTOR = "TOPIC_REPLICATION_FACTOR";
  public static final String ADMIN_PORT = "ADMIN_PORT";
  public static final String ADMIN_BIND = "ADMIN_BIND";
  /**
   * The host other instances reach this one's admin endpoint at (Kafka Streams'
   * {@code application.server}): {@code GET /switches/{task_id}} on any instance forwards there
   * when this instance holds the task.
   */
  public static final String ADMIN_ADVERTISED_HOST = "ADMIN_ADVERTISED_HOST";
  /** Whether the switch-status store is kept ({@code GET /switches/{task_id}}, {@code card-switch status}). */
  public static final String SWITCH_STATUS = "SWITCH_STATUS";
  /** How long a task's status is kept after its last change. */
  public static final String SWITCH_STATUS_RETENTION = "SWITCH_STATUS_RETENTION";
  /** How long a switch waits for Knot's CARD_UPDATED or CARD_FAILED before it is closed as NO_CONFIRMATION. */
  public static final String LIFECYCLE_CONFIRMATION_TIMEOUT = "LIFECYCLE_CONFIRMATION_TIMEOUT";
  /**
   * Where cards come from: {@code envelope} (the default: card references carry the card in a JWE) or
   * {@code vault} (card-vault lookup mode: a reference with a {@code card_token} is looked up in the
   * card-management platform at {@code CARD_VAULT_BASE_URL}, or in the embedded stand-in when unset).
   * Per record, a reference with a token is always looked up; this setting says whether a vault exists.
   */
  public static final String CARD_SOURCE = "CARD_SOURCE";
  public static final String DEFAULT_CARD_SOURCE = "envelope";
  public static final String KAFKA_PORT = "KAFKA_PORT";
  public static final String SCHEMA_REGISTRY_PORT = "SCHEMA_REGISTRY_PORT";
  public static final String SANDBOX_PORT = "SANDBOX_PORT";
  /**
   * Whether the embedded sandbox sends Knot's lifecycle webhooks (CARD_UPDATING, then CARD_UPDATED
   * or CARD_FAILED) to the ingress after each accepted POST /card. Unset: on for {@code demo} and
   * {@code stack}, off for {@code run} (campaigns that count outcome records get no extra ones unasked).
   */
  public static final String SANDBOX_LIFECYCLE_WEBHOOKS = "SANDBOX_LIFECYCLE_WEBHOOKS";
  /** From the sandbox's accepted POST /card to its closing webhook. */
  public static final String SANDBOX_LIFECYCLE_DELAY = "SANDBOX_LIFECYCLE_DELAY";
  /** The share of sandbox switches closed with CARD_FAILED (a Knot reason drawn with the sandbox's seed). */
  public static final String SANDBOX_LIFECYCLE_FAILURE_SHARE = "SANDBOX_LIFECYCLE_FAILURE_SHARE";
  /**
   * For benchmarks only: every {@code POST /card} blocks the stream thread until Knot answers (the
   * naive design card-switch is measured against, see {@link BlockingKnotGateway}).
   */
  public static final String KNOT_BLOCKING_BASELINE = "KNOT_BLOCKING_BASELINE";
  /** Whether {@code run} receives Knot's webhooks itself (the webhook ingress, {@code POST /knot/webhooks}). */
  public static final String INGRESS_ENABLED = "INGRESS_ENABLED";
  public static final String INGRESS_PORT = "INGRESS_PORT";
  public static final String INGRESS_BIND = "INGRESS_BIND";
  public static final String INGRESS_MAX_BODY_BYTES = "INGRESS_MAX_BODY_BYTES";
  public static final String INGRESS_PRODUCE_TIMEOUT = "INGRESS_PRODUCE_TIMEOUT";
  /** The Cardinal FIDO gate: off (the default), audit or required (see {@link FidoGateMode}). */
  public static final String FIDO_GATE = "FIDO_GATE";
  /** The Cardinal API key identifier: the request JWT's iss. */
  public static final String CARDINAL_API_KEY_ID = "CARDINAL_API_KEY_ID";
  /** The Cardinal API key (secret): signs request JWTs and verifies Cardinal's response JWTs (HS256). */
  public static final String CARDINAL_API_KEY = "CARDINAL_API_KEY";
  /** A file holding the Cardinal API key, instead of CARDINAL_API_KEY (a mounted Secret). */
  public static final String CARDINAL_API_KEY_FILE = "CARDINAL_API_KEY_FILE";
  public static final String CARDINAL_ORG_UNIT_ID = "CARDINAL_ORG_UNIT_ID";
  public static final String CARDINAL_RETURN_URL = "CARDINAL_RETURN_URL";
  /** How log lines look on stderr: {@code text} for people, {@code json} (one object per line) for log collectors. */
  public static final String LOG_FORMAT = "LOG_FORMAT";

  public static final String DEFAULT_APPLICATION_ID = "card-switch";
  public static final String DEFAULT_DATA_DIR = ".card-switch";
  /**
   * An instance that stops (SIGTERM, {@code run} ending) leaves the consumer group, static member or
   * not: a stop that is not followed by a restart within the session time-out (scaling in, a
   * decommission, a restart slower than planned) would otherwise leave its partitions unserved for
   * {@code session.timeout.ms} (45 s, three of Knot's 15-second windows), and every card on them
   * would miss its window. Leaving costs a rebalance on a roll, seconds at most; a roll known to be
   * quick can keep the tasks with {@code LEAVE_GROUP_ON_CLOSE=false}. A crash never leaves: static
   * membership then brings the tasks back with the restart.
   */
  public static final boolean DEFAULT_LEAVE_GROUP_ON_CLOSE = true;
  /**
   * One: a stream thread does only the Kafka work (the card crypto has its own threads), and one
   * keeps up with more than 1,000 switches/s on 2 cores at less CPU per switch and a lower tail than
   * two (docs/BENCHMARKS.md, item 13). More pay off with more cores and partitions.
   */
  public static final int DEFAULT_NUM_STREAM_THREADS = 1;
  /** One per core: the crypto is CPU work, and nothing on these threads blocks. */
  public static final int DEFAULT_CARD_CRYPTO_THREADS = Runtime.getRuntime().availableProcessors();
  public static final String DEFAULT_PROCESSING_GUARANTEE = "exactly_once_v2";
  /**
   * A switch leaves only once its pending entry is committed, and its outcome is visible only once
   * committed: each event waits about two commit intervals. Shorter than Kafka Streams' 100 ms
   * default for exactly-once, long enough that a transaction carries many switches: at 300
   * switches/s here, 25 ms gave a p99 receipt → sent of 240 ms against 523 ms at 50 ms and 344 ms
   * at 100 ms (docs/BENCHMARKS.md).
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(25);
  /**
   * Every task is stateful (the pending store, the card references, the switch status), and Kafka
   * Streams gives a stateful task to a newly joined instance only after a warm-up copy of its state
   * has caught up there, at the next probing rebalance: 10 minutes by default, so an instance added
   * for a campaign would idle that long. One minute is the shortest Kafka Streams allows.
   */
  public static final Duration DEFAULT_PROBING_REBALANCE_INTERVAL = Duration.ofMinutes(1);
  public static final Duration MIN_PROBING_REBALANCE_INTERVAL = Duration.ofMinutes(1);
  public static final int DEFAULT_TOPIC_PARTITIONS = 6;
  /** -1: the broker's default replication factor. */
  public static final int DEFAULT_TOPIC_REPLICATION_FACTOR = -1;
  public static final int DEFAULT_ADMIN_PORT = 8080;
  public static final String DEFAULT_ADMIN_BIND = "0.0.0.0";
  /**
   * On the embedded broker every instance runs on this machine, so loopback; against a real
   * cluster the machine's host name (in Kubernetes, the pod's name: set ADMIN_ADVERTISED_HOST to the
   * pod IP, or to a name other pods resolve, through the downward API).
   */
  public static final String DEFAULT_EMBEDDED_ADMIN_ADVERTISED_HOST = "127.0.0.1";
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_SCHEMA_REGISTRY_PORT = 8081;
  public static final int DEFAULT_SANDBOX_PORT = 8765;
  public static final boolean DEFAULT_KNOT_BLOCKING_BASELINE = false;
  /**
   * On: a Knot secret is always configured (KNOT_SECRET, or the embedded sandbox's), and it is what
   * verifies the webhooks. Off only where webhooks reach the topic another way.
   */
  public static final boolean DEFAULT_INGRESS_ENABLED = true;
  public static final LogFormat DEFAULT_LOG_FORMAT = LogFormat.TEXT;
  /**
   * Against the embedded sandbox the Knot client's allowance is raised (Knot's real allowance is
   * the issuer's to set with KNOT_RATE_LIMIT_PER_SECOND), so a demo is limited by nothing but the
   * sandbox's latency.
   */
  public static final int SANDBOX_RATE_LIMIT_PER_SECOND = 20_000;
  /**
   * Enough for 2,500 switches/s at the sandbox's 200 ms; more only opens more connections at once
   * (HTTP/1.1 on loopback: one per call in flight), and a burst of thousands of new connections
   * overflows the listen backlog, whose retried SYNs then look like Knot time-outs.
   */
  public static final int SANDBOX_MAX_IN_FLIGHT = 512;
  /**
   * With FIDO on and Knot embedded (a laptop's demo), the Cardinal settings that are not given are
   * made up, as the sandbox's Knot credentials are: the demo plays Cardinal with the same key.
   */
  public static final String SANDBOX_CARDINAL_API_KEY_ID = "sandbox-cardinal-api-key";
  public static final String SANDBOX_CARDINAL_ORG_UNIT_ID = "sandbox-org-unit";
  public static final String SANDBOX_CARDINAL_RETURN_URL = "http://127.0.0.1/fido/return";

  /** Every setting card-switch reads, with the Knot client's and the key ring's. */
  public static final Set<String> SETTINGS = knownSettings();

  private final Settings settings;
  private final Optional<String> kafkaBootstrapServers;
  private final Optional<String> schemaRegistryUrl;
  private final boolean knotConfigured;
  private final String applicationId;
  private final Path dataDir;
  private final Path stateDir;
  private final int numStreamThreads;
  private final int cardCryptoThreads;
  private final String processingGuarantee;
  private final Duration commitInterval;
  private final Duration probingRebalanceInterval;
  private final TopologyConfig topology;
  private final int topicPartitions;
  private final int topicReplicationFactor;
  private final int adminPort;
  private final String adminBind;
  private final String adminAdvertisedHost;
  private final int kafkaPort;
  private final int schemaRegistryPort;
  private final int sandboxPort;
  private final Optional<Boolean> sandboxLifecycleWebhooks;
  private final Duration sandboxLifecycleDelay;
  private final double sandboxLifecycleFailureShare;
  private final boolean knotBlockingBaseline;
  private final boolean leaveGroupOnClose;
  private final boolean ingressEnabled;
  private final IngressConfig ingress;
  private final FidoGateMode fidoGate;
  /** Present unless FIDO_GATE is off. */
  private final Optional<CardinalFidoConfig> cardinal;
  /** Whether the Cardinal settings were made up for the embedded sandbox. */
  private final boolean cardinalGenerated;
  private final LogFormat logFormat;

  private AppConfig(Settings s) {
    this.settings = s;
    this.cardVault = readCardSource(s);
    this.kafkaBootstrapServers = s.get(KAFKA_BOOTSTRAP_SERVERS);
    this.schemaRegistryUrl = s.get(SCHEMA_REGISTRY_URL);
    this.knotConfigured = s.get(KnotClientConfig.KNOT_BASE_URL).isPresent();
    this.applicationId = s.get(APPLICATION_ID, DEFAULT_APPLICATION_ID);
    if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
      throw new SettingException(APPLICATION_ID, APPLICATION_ID + " is \"" + applicationId
          + "\": use letters, digits, '.', '_' and '-' (it prefixes internal topic names)");
    }
    this.dataDir = Path.of(s.get(DATA_DIR, DEFAULT_DATA_DIR)).toAbsolutePath().normalize();
    this.stateDir = s.get(STATE_DIR).map(Path::of).orElse(dataDir.resolve("state")).toAbsolutePath().normalize();
    this.numStreamThreads = s.intValue(NUM_STREAM_THREADS, DEFAULT_NUM_STREAM_THREADS, 1);
    this.cardCryptoThreads = s.intValue(CARD_CRYPTO_THREADS, DEFAULT_CARD_CRYPTO_THREADS, 1);
    this.processingGuarantee = s.get(PROCESSING_GUARANTEE, DEFAULT_PROCESSING_GUARANTEE).toLowerCase(Locale.ROOT);
    if (!Set.of("exactly_once_v2", "at_least_once").contains(processingGuarantee)) {
      throw new SettingException(PROCESSING_GUARANTEE, PROCESSING_GUARANTEE + " is \"" + processingGuarantee
          + "\": use exactly_once_v2 (the default) or at_least_once");
    }
    this.commitInterval = s.duration(COMMIT_INTERVAL, DEFAULT_COMMIT_INTERVAL);
    if (commitInterval.isZero() || commitInterval.isNegative()) {
      throw new SettingException(COMMIT_INTERVAL, COMMIT_INTERVAL + " is " + KnotClientConfig.formatDuration(commitInterval)
          + ": give a positive duration such as 50ms");
    }
    this.probingRebalanceInterval = s.duration(PROBING_REBALANCE_INTERVAL, DEFAULT_PROBING_REBALANCE_INTERVAL);
    if (probingRebalanceInterval.compareTo(MIN_PROBING_REBALANCE_INTERVAL) < 0) {
      throw new SettingException(PROBING_REBALANCE_INTERVAL, PROBING_REBALANCE_INTERVAL + " is "
          + s.get(PROBING_REBALANCE_INTERVAL).orElse("") + ": Kafka Streams allows 1m or more; set 1m (the default) or longer");
    }
    CardCryptoProvider cardCryptoProvider;
    try {
      cardCryptoProvider = CardCryptoProvider.fromSetting(JwkSetKeyRing.CARD_CRYPTO_PROVIDER,
          s.get(JwkSetKeyRing.CARD_CRYPTO_PROVIDER).orElse(null));
    } catch (IllegalArgumentException e) {
      throw new SettingException(JwkSetKeyRing.CARD_CRYPTO_PROVIDER, e.getMessage());
    }
    try {
      TopologyConfig.Builder t = TopologyConfig.builder()
          .cardCryptoProvider(cardCryptoProvider)
          .webhookTopic(s.get(WEBHOOK_TOPIC, TopologyConfig.DEFAULT_WEBHOOK_TOPIC))
          .cardReferenceTopic(s.get(CARD_REFERENCE_TOPIC, TopologyConfig.DEFAULT_CARD_REFERENCE_TOPIC))
          .outcomeTopic(s.get(OUTCOME_TOPIC, TopologyConfig.DEFAULT_OUTCOME_TOPIC))
          .deadLetterTopic(s.get(DEAD_LETTER_TOPIC, TopologyConfig.DEFAULT_DEAD_LETTER_TOPIC))
          .window(s.duration(SWITCH_WINDOW, TopologyConfig.DEFAULT_WINDOW))
          .deduplicationRetention(s.duration(DEDUPLICATION_RETENTION, TopologyConfig.DEFAULT_DEDUPLICATION_RETENTION))
          .maxEventBytes(s.intValue(MAX_EVENT_BYTES, TopologyConfig.DEFAULT_MAX_EVENT_BYTES,
              TopologyConfig.MIN_MAX_EVENT_BYTES))
          .maxInFlight(knotMaxInFlight(s))
          .switchStatus(s.bool(SWITCH_STATUS, TopologyConfig.DEFAULT_SWITCH_STATUS))
          .switchStatusRetention(s.duration(SWITCH_STATUS_RETENTION, TopologyConfig.DEFAULT_SWITCH_STATUS_RETENTION))
          .lifecycleConfirmationTimeout(s.duration(LIFECYCLE_CONFIRMATION_TIMEOUT,
              TopologyConfig.DEFAULT_LIFECYCLE_CONFIRMATION_TIMEOUT));
      this.topology = t.build();
    } catch (IllegalArgumentException e) {
      throw new SettingException("topology", e.getMessage());
    }
    this.topicPartitions = s.intValue(TOPIC_PARTITIONS, DEFAULT_TOPIC_PARTITIONS, 1);
    this.topicReplicationFactor = s.intValue(TOPIC_REPLICATION_FACTOR, DEFAULT_TOPIC_REPLICATION_FACTOR, -1);
    this.adminPort = s.intValue(ADMIN_PORT, DEFAULT_ADMIN_PORT, 0);
    this.adminBind = s.get(ADMIN_BIND, DEFAULT_ADMIN_BIND);
    this.adminAdvertisedHost = s.get(ADMIN_ADVERTISED_HOST)
        .orElseGet(() -> kafkaBootstrapServers.isPresent() ? localHostName() : DEFAULT_EMBEDDED_ADMIN_ADVERTISED_HOST);
    if (!adminAdvertisedHost.matches("[a-zA-Z0-9._:\\[\\]-]+")) {
      throw new SettingException(ADMIN_ADVERTISED_HOST, ADMIN_ADVERTISED_HOST + " is \"" + adminAdvertisedHost
          + "\": give the host name or IP address other instances reach this one's admin port at");
    }
    this.kafkaPort = s.intValue(KAFKA_PORT, DEFAULT_KAFKA_PORT, 0);
    this.schemaRegistryPort = s.intValue(SCHEMA_REGISTRY_PORT, DEFAULT_SCHEMA_REGISTRY_PORT, 0);
    this.sandboxPort = s.intValue(SANDBOX_PORT, DEFAULT_SANDBOX_PORT, 0);
    this.sandboxLifecycleWebhooks = s.get(SANDBOX_LIFECYCLE_WEBHOOKS).isPresent()
        ? Optional.of(s.bool(SANDBOX_LIFECYCLE_WEBHOOKS, false)) : Optional.empty();
    this.sandboxLifecycleDelay = s.duration(SANDBOX_LIFECYCLE_DELAY, LifecycleWebhooks.Settings.DEFAULT_DELAY);
    this.sandboxLifecycleFailureShare = share(s, SANDBOX_LIFECYCLE_FAILURE_SHARE,
        LifecycleWebhooks.Settings.DEFAULT_FAILURE_SHARE);
    this.knotBlockingBaseline = s.bool(KNOT_BLOCKING_BASELINE, DEFAULT_KNOT_BLOCKING_BASELINE);
    this.leaveGroupOnClose = s.bool(LEAVE_GROUP_ON_CLOSE, DEFAULT_LEAVE_GROUP_ON_CLOSE);
    this.ingressEnabled = s.bool(INGRESS_ENABLED, DEFAULT_INGRESS_ENABLED);
    String logFormatValue = s.get(LOG_FORMAT, DEFAULT_LOG_FORMAT.label());
    this.logFormat = LogFormat.parse(logFormatValue);
    if (logFormat == null) {
      throw new SettingException(LOG_FORMAT, LOG_FORMAT + " is \"" + logFormatValue
          + "\": use text (the default, for people) or json (one JSON object per line, for log collectors)");
    }
    int ingressPort = s.intValue(INGRESS_PORT, IngressConfig.DEFAULT_PORT, 0);
    try {
      this.ingress = IngressConfig.builder()
          .port(ingressPort)
          .bind(s.get(INGRESS_BIND, IngressConfig.DEFAULT_BIND))
          .maxBodyBytes(s.intValue(INGRESS_MAX_BODY_BYTES, IngressConfig.DEFAULT_MAX_BODY_BYTES,
              IngressConfig.MIN_MAX_BODY_BYTES))
          .produceTimeout(s.duration(INGRESS_PRODUCE_TIMEOUT, IngressConfig.DEFAULT_PRODUCE_TIMEOUT))
          .build();
    } catch (IllegalArgumentException e) {
      throw new SettingException("ingress", e.getMessage());
    }
    try {
      this.fidoGate = FidoGateMode.parse(s.get(FIDO_GATE).orElse(null));
    } catch (IllegalArgumentException e) {
      throw new SettingException(FIDO_GATE, e.getMessage());
    }
    boolean generate = fidoGate != FidoGateMode.OFF && !knotConfigured
        && s.get(CARDINAL_API_KEY).isEmpty() && s.get(CARDINAL_API_KEY_FILE).isEmpty();
    this.cardinalGenerated = generate;
    this.cardinal = fidoGate == FidoGateMode.OFF ? Optional.empty() : Optional.of(cardinal(s, generate));
  }

  /** The Cardinal settings, or (Knot embedded, no key given) the sandbox's made-up ones. */
  private static CardinalFidoConfig cardinal(Settings s, boolean generate) {
    String key;
    if (generate) {
      byte[] random = new byte[32];
      new java.security.SecureRandom().nextBytes(random);
      key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    } else if (s.get(CARDINAL_API_KEY_FILE).isPresent()) {
      Path file = Path.of(s.get(CARDINAL_API_KEY_FILE).orElseThrow());
      try {
        key = java.nio.file.Files.readString(file).trim();
      } catch (java.io.IOException e) {
        throw new SettingException(CARDINAL_API_KEY_FILE, CARDINAL_API_KEY_FILE + " is " + file + ", which cannot be read ("
            + e.getClass().getSimpleName() + "): point it at the file holding the Cardinal API key");
      }
    } else {
      key = s.get(CARDINAL_API_KEY).orElse(null);
    }
    String keyId = s.get(CARDINAL_API_KEY_ID).orElse(generate ? SANDBOX_CARDINAL_API_KEY_ID : null);
    String orgUnit = s.get(CARDINAL_ORG_UNIT_ID).orElse(generate ? SANDBOX_CARDINAL_ORG_UNIT_ID : null);
    String returnUrl = s.get(CARDINAL_RETURN_URL).orElse(generate ? SANDBOX_CARDINAL_RETURN_URL : null);
    String setting = keyId == null || keyId.isBlank() ? CARDINAL_API_KEY_ID
        : key == null || key.isBlank() ? CARDINAL_API_KEY
        : orgUnit == null ? CARDINAL_ORG_UNIT_ID : CARDINAL_RETURN_URL;
    try {
      return new CardinalFidoConfig(new CardinalApiKey(keyId, key), orgUnit, returnUrl);
    } catch (IllegalArgumentException e) {
      throw new SettingException(setting, e.getMessage() + " (FIDO_GATE=" + s.get(FIDO_GATE).orElse("") + ")");
    }
  }

  /** @throws dev.cardswitch.CardSwitchException naming the setting and the fix */
  public static AppConfig from(Settings settings) {
    AppConfig config = new AppConfig(settings);
    config.knotClientConfig(null); // validates the Knot settings now, not at the first call
    config.cardVaultClientConfig(null); // and the card vault's
    return config;
  }

  // ---- card-vault lookup mode (issue 10) ----

  private final boolean cardVault;

  private static boolean readCardSource(Settings s) {
    String source = s.get(CARD_SOURCE, DEFAULT_CARD_SOURCE).toLowerCase(Locale.ROOT);
    if (!Set.of("envelope", "vault").contains(source)) {
      throw new SettingException(CARD_SOURCE, CARD_SOURCE + " is \"" + source
          + "\": use envelope (cards in card_envelope, the default) or vault (cards looked up by card_token)");
    }
    if (source.equals("envelope") && s.get(CardVaultClientConfig.CARD_VAULT_BASE_URL).isPresent()) {
      throw new SettingException(CARD_SOURCE, CardVaultClientConfig.CARD_VAULT_BASE_URL + " is set but " + CARD_SOURCE
          + " is envelope: set " + CARD_SOURCE + "=vault to look cards up there, or unset "
          + CardVaultClientConfig.CARD_VAULT_BASE_URL);
    }
    return source.equals("vault");
  }

  /** Whether card-vault lookup mode is on ({@code CARD_SOURCE=vault}). */
  public boolean cardVault() { return cardVault; }

  /** Whether a real card-management platform is configured ({@code CARD_VAULT_BASE_URL}); else the stand-in is embedded. */
  public boolean cardVaultConfigured() {
    return settings.get(CardVaultClientConfig.CARD_VAULT_BASE_URL).isPresent();
  }

  /**
   * The card-vault client's configuration, or null when {@code CARD_SOURCE=envelope}: from the settings
   * when the platform is configured; else pointing at the embedded stand-in ({@code standIn}; null to
   * validate only).
   */
  public CardVaultClientConfig cardVaultClientConfig(CardVaultCredentialsAt standIn) {
    if (!cardVault) {
      return null;
    }
    Duration timeout = settings.duration(CardVaultClientConfig.CARD_VAULT_CALL_TIMEOUT,
        CardVaultClientConfig.DEFAULT_CARD_VAULT_CALL_TIMEOUT);
    int attempts = settings.intValue(CardVaultClientConfig.CARD_VAULT_MAX_ATTEMPTS,
        CardVaultClientConfig.DEFAULT_CARD_VAULT_MAX_ATTEMPTS, 1);
    java.net.URI url;
    CardVaultCredentials credentials;
    if (cardVaultConfigured()) {
      String raw = settings.get(CardVaultClientConfig.CARD_VAULT_BASE_URL).orElseThrow();
      try {
        url = java.net.URI.create(raw);
      } catch (IllegalArgumentException e) {
        throw new SettingException(CardVaultClientConfig.CARD_VAULT_BASE_URL, CardVaultClientConfig.CARD_VAULT_BASE_URL
            + " is \"" + raw + "\": give the card-management platform's address, e.g. https://cards.example.com");
      }
      Optional<String> id = settings.get(CardVaultClientConfig.CARD_VAULT_CLIENT_ID);
      Optional<String> secret = settings.get(CardVaultClientConfig.CARD_VAULT_SECRET);
      if (id.isEmpty() || secret.isEmpty()) {
        String missing = id.isEmpty() ? CardVaultClientConfig.CARD_VAULT_CLIENT_ID : CardVaultClientConfig.CARD_VAULT_SECRET;
        throw new SettingException(missing, missing + " is not set: export it (the card-management platform's API"
            + " credentials), or unset " + CardVaultClientConfig.CARD_VAULT_BASE_URL + " to use the embedded stand-in");
      }
      try {
        credentials = new CardVaultCredentials(id.get(), secret.get());
      } catch (IllegalArgumentException e) {
        throw new SettingException(CardVaultClientConfig.CARD_VAULT_CLIENT_ID, e.getMessage()
            + ": fix CARD_VAULT_CLIENT_ID / CARD_VAULT_SECRET");
      }
    } else if (standIn == null) { // validation only
      url = java.net.URI.create("http://127.0.0.1:1");
      credentials = new CardVaultCredentials("stand-in", "stand-in");
    } else {
      url = java.net.URI.create(standIn.baseUrl());
      credentials = standIn.credentials();
    }
    return CardVaultClientConfig.builder(url, credentials).callTimeout(timeout).maxAttempts(attempts).build();
  }

  /** Where a card vault listens and the credentials it takes (the embedded stand-in's). */
  public record CardVaultCredentialsAt(String baseUrl, CardVaultCredentials credentials) {}

  /**
   * The Knot client's configuration: from the settings when Knot is configured; else pointing at
   * the embedded sandbox, with its credentials and the sandbox's raised allowance (unless set).
   */
  public KnotClientConfig knotClientConfig(SandboxEndpoint sandbox) {
    if (knotConfigured) {
      return KnotClientConfig.fromEnvironment(settings.asMap());
    }
    java.util.Map<String, String> values = new java.util.HashMap<>(settings.asMap());
    values.putIfAbsent(KnotClientConfig.KNOT_RATE_LIMIT_PER_SECOND, Integer.toString(SANDBOX_RATE_LIMIT_PER_SECOND));
    values.putIfAbsent(KnotClientConfig.KNOT_MAX_IN_FLIGHT, Integer.toString(SANDBOX_MAX_IN_FLIGHT));
    if (sandbox == null) { // validation only: stand-in values for what the sandbox will give
      values.put(KnotClientConfig.KNOT_BASE_URL, "http://127.0.0.1:" + (sandboxPort == 0 ? 1 : sandboxPort));
      values.putIfAbsent(KnotClientConfig.KNOT_CLIENT_ID, "sandbox");
      values.putIfAbsent(KnotClientConfig.KNOT_SECRET, "sandbox");
    } else {
      values.put(KnotClientConfig.KNOT_BASE_URL, sandbox.baseUrl());
      values.put(KnotClientConfig.KNOT_CLIENT_ID, sandbox.clientId());
      values.put(KnotClientConfig.KNOT_SECRET, sandbox.secret());
    }
    return KnotClientConfig.fromEnvironment(values);
  }

  /** Where the embedded sandbox listens and the credentials it takes. */
  public record SandboxEndpoint(String baseUrl, String clientId, String secret) {
    @Override
    public String toString() {
      return "SandboxEndpoint[" + baseUrl + ", clientId=" + clientId + ", secret=****]";
    }
  }

  private static int knotMaxInFlight(Settings s) {
    // The topology's bound on calls in flight is the Knot client's bulkhead: one setting, so the
    // topology waits (back-pressure) exactly where the client would refuse.
    int fallback = s.get(KnotClientConfig.KNOT_BASE_URL).isPresent()
        ? KnotClientConfig.DEFAULT_KNOT_MAX_IN_FLIGHT : SANDBOX_MAX_IN_FLIGHT;
    return s.intValue(KnotClientConfig.KNOT_MAX_IN_FLIGHT, fallback, 1);
  }

  public Settings settings() { return settings; }
  public Optional<String> kafkaBootstrapServers() { return kafkaBootstrapServers; }
  public Optional<String> schemaRegistryUrl() { return schemaRegistryUrl; }
  public Optional<String> schemaRegistryUserInfo() { return settings.get(SCHEMA_REGISTRY_USER_INFO); }
  public boolean knotConfigured() { return knotConfigured; }
  public String applicationId() { return applicationId; }
  /** A stable id of this instance (e.g. the pod name): static group membership, so a restart rejoins at once. */
  public Optional<String> instanceId() { return settings.get(INSTANCE_ID); }
  /**
   * Whether a stop leaves the consumer group, so the partitions move at once (see {@link
   * #DEFAULT_LEAVE_GROUP_ON_CLOSE}); false keeps a static member's tasks for its restart.
   */
  public boolean leaveGroupOnClose() { return leaveGroupOnClose; }
  public Path dataDir() { return dataDir; }
  public Path stateDir() { return stateDir; }
  public int numStreamThreads() { return numStreamThreads; }
  public int cardCryptoThreads() { return cardCryptoThreads; }
  public Duration commitInterval() { return commitInterval; }
  public Duration probingRebalanceInterval() { return probingRebalanceInterval; }
  public String processingGuarantee() { return processingGuarantee; }
  public TopologyConfig topology() { return topology; }
  public int topicPartitions() { return topicPartitions; }
  public int topicReplicationFactor() { return topicReplicationFactor; }
  public int adminPort() { return adminPort; }
  public String adminBind() { return adminBind; }
  /** The host other instances reach this one's admin endpoint at (with the admin port: application.server). */
  public String adminAdvertisedHost() { return adminAdvertisedHost; }
  public int kafkaPort() { return kafkaPort; }
  public int schemaRegistryPort() { return schemaRegistryPort; }
  public int sandboxPort() { return sandboxPort; }
  /** Whether the embedded sandbox sends lifecycle webhooks; {@code commandDefault} when the setting is unset. */
  public boolean sandboxLifecycleWebhooks(boolean commandDefault) {
    return sandboxLifecycleWebhooks.orElse(commandDefault);
  }
  public Duration sandboxLifecycleDelay() { return sandboxLifecycleDelay; }
  public double sandboxLifecycleFailureShare() { return sandboxLifecycleFailureShare; }
  /**
   * Whether calls to Knot block the stream thread ({@link BlockingKnotGateway}): the benchmark's
   * naive baseline, never for production.
   */
  public boolean knotBlockingBaseline() { return knotBlockingBaseline; }
  /** Whether the webhook ingress runs ({@code INGRESS_ENABLED}). */
  public boolean ingressEnabled() { return ingressEnabled; }
  public LogFormat logFormat() { return logFormat; }
  /** Where and how the webhook ingress listens (whether or not it is enabled). */
  public IngressConfig ingress() { return ingress; }
  /** The Cardinal FIDO gate's mode (FIDO_GATE). */
  public FidoGateMode fidoGate() { return fidoGate; }
  /** The Cardinal settings; present unless FIDO_GATE is off. */
  public Optional<CardinalFidoConfig> cardinal() { return cardinal; }

  /** Whether card-switch's own envelope keys are configured (else a development key is generated). */
  public boolean cardKeysConfigured() {
    return settings.get(JwkSetKeyRing.CARD_KEYS).isPresent() || settings.get(JwkSetKeyRing.CARD_KEYS_FILE).isPresent();
  }

  /** The configuration in force, one line per setting, secrets masked: printed at start. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("kafka:           " + kafkaBootstrapServers.orElse("embedded broker on 127.0.0.1:" + kafkaPort
        + " (data in " + dataDir.resolve("kafka") + ")"));
    lines.add("schema registry: " + schemaRegistryUrl.orElse("embedded development registry on 127.0.0.1:"
        + schemaRegistryPort) + settings.get(SCHEMA_REGISTRY_USER_INFO).map(u -> " (basic auth user "
            + u.substring(0, Math.max(0, u.indexOf(':'))) + ", password ****)").orElse(""));
    lines.add("knot:            " + (knotConfigured
        ? settings.get(KnotClientConfig.KNOT_BASE_URL).orElseThrow() + " (client id "
            + settings.get(KnotClientConfig.KNOT_CLIENT_ID).orElse("?") + ", secret ****)"
        : "embedded Knot sandbox on 127.0.0.1:" + sandboxPort)
        + (knotBlockingBaseline ? " (" + KNOT_BLOCKING_BASELINE + ": every call blocks a stream thread, for benchmarks only)" : ""));
    if (cardVault) {
      lines.add("card vault:      " + (cardVaultConfigured()
          ? settings.get(CardVaultClientConfig.CARD_VAULT_BASE_URL).orElseThrow() + " (client id "
              + settings.get(CardVaultClientConfig.CARD_VAULT_CLIENT_ID).orElse("?") + ", secret ****)"
          : "embedded card vault stand-in on 127.0.0.1") + " (CARD_SOURCE=vault: references with a card_token are looked up)");
    }
    lines.add("card keys:       " + (settings.get(JwkSetKeyRing.CARD_KEYS_FILE).map(f -> "JWK set file " + f)
        .or(() -> settings.get(JwkSetKeyRing.CARD_KEYS).map(k -> "JWK set from CARD_KEYS (****)"))
        .orElse("development key in " + dataDir.resolve("dev-card-keys.json") + " (set CARD_KEYS_FILE in production)")));
    lines.add("application id:  " + applicationId + instanceId().map(i -> " (instance " + i + ")").orElse("") + ", " + numStreamThreads + " stream thread(s), "
        + cardCryptoThreads + " card crypto thread(s), "
        + processingGuarantee + ", state in " + stateDir
        + (instanceId().isPresent() && !leaveGroupOnClose ? ", stays in the group on stop (" + LEAVE_GROUP_ON_CLOSE + "=false)" : ""));
    lines.add("topics:          " + topology.webhookTopic() + " + " + topology.cardReferenceTopic() + " -> "
        + topology.outcomeTopic() + ", " + topology.deadLetterTopic() + " (window " + topology.window()
        + ", " + topology.maxInFlight() + " calls in flight at most)");
    lines.add("admin:           http://" + adminBind + ":" + adminPort + " (GET /keys, /health, /ready, /metrics"
        + (topology.switchStatus() ? ", /switches/{task_id}; advertised as " + adminAdvertisedHost : "; "
            + SWITCH_STATUS + "=off") + ")");
    lines.add("webhook ingress: " + (ingressEnabled
        ? "http://" + ingress.bind() + ":" + ingress.port() + IngressConfig.PATH + " (Knot-Signature verified with "
            + (knotConfigured ? "KNOT_SECRET" : "the sandbox's secret") + ", bodies up to " + ingress.maxBodyBytes()
            + " bytes, 503 after " + ingress.produceTimeout() + " without the broker's acknowledgement)"
        : "off (" + INGRESS_ENABLED + "=false): Knot's webhooks must reach " + topology.webhookTopic() + " another way"));
    lines.add("fido gate:       " + fidoGate.settingValue() + cardinal.map(c -> " (Cardinal API key id "
        + c.apiKey().keyId() + ", key ****" + (cardinalGenerated ? " generated for the sandbox" : "")
        + ", OrgUnitId " + c.orgUnitId() + ", ReturnUrl " + c.returnUrl() + "; POST /fido/jwt on the admin port)")
        .orElse(""));
    return lines;
  }

  /** This machine's host name; loopback if it has none that resolves (then only one machine can serve). */
  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return DEFAULT_EMBEDDED_ADMIN_ADVERTISED_HOST;
    }
  }

  private static double share(Settings s, String name, double defaultValue) {
    Optional<String> raw = s.get(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(raw.get().trim());
      if (value >= 0 && value <= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new SettingException(name, name + " is \"" + raw.get() + "\": give a share between 0 and 1, e.g. 0.1");
  }

  private static Set<String> knownSettings() {
    Set<String> names = new LinkedHashSet<>(List.of(
        KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_USER_INFO, APPLICATION_ID, INSTANCE_ID, LEAVE_GROUP_ON_CLOSE, DATA_DIR, STATE_DIR,
        NUM_STREAM_THREADS, CARD_CRYPTO_THREADS, PROCESSING_GUARANTEE, COMMIT_INTERVAL, PROBING_REBALANCE_INTERVAL, WEBHOOK_TOPIC, CARD_REFERENCE_TOPIC, OUTCOME_TOPIC,
        DEAD_LETTER_TOPIC, SWITCH_WINDOW, DEDUPLICATION_RETENTION, MAX_EVENT_BYTES, TOPIC_PARTITIONS,
        TOPIC_REPLICATION_FACTOR, ADMIN_PORT, ADMIN_BIND, ADMIN_ADVERTISED_HOST, SWITCH_STATUS, SWITCH_STATUS_RETENTION, LIFECYCLE_CONFIRMATION_TIMEOUT, KAFKA_PORT, SCHEMA_REGISTRY_PORT, SANDBOX_PORT,
        SANDBOX_LIFECYCLE_WEBHOOKS, SANDBOX_LIFECYCLE_DELAY, SANDBOX_LIFECYCLE_FAILURE_SHARE,
        KNOT_BLOCKING_BASELINE, CARD_SOURCE, CardVaultClientConfig.CARD_VAULT_BASE_URL,
        CardVaultClientConfig.CARD_VAULT_CLIENT_ID, CardVaultClientConfig.CARD_VAULT_SECRET,
        CardVaultClientConfig.CARD_VAULT_CALL_TIMEOUT, CardVaultClientConfig.CARD_VAULT_MAX_ATTEMPTS, INGRESS_ENABLED, INGRESS_PORT, INGRESS_BIND, INGRESS_MAX_BODY_BYTES,
        INGRESS_PRODUCE_TIMEOUT,
        FIDO_GATE, CARDINAL_API_KEY_ID, CARDINAL_API_KEY, CARDINAL_API_KEY_FILE, CARDINAL_ORG_UNIT_ID, CARDINAL_RETURN_URL, LOG_FORMAT,
        JwkSetKeyRing.CARD_KEYS, JwkSetKeyRing.CARD_KEYS_FILE, JwkSetKeyRing.CARD_KEYS_CURRENT_KID,
        JwkSetKeyRing.CARD_CRYPTO_PROVIDER));
    for (java.lang.reflect.Field f : KnotClientConfig.class.getFields()) {
      if (f.getType() == String.class && f.getName().startsWith("KNOT_") && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return java.util.Collections.unmodifiableSet(names);
  }

}
