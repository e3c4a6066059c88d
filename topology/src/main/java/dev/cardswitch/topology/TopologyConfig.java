package dev.cardswitch.topology;

import dev.cardswitch.envelope.CardCryptoProvider;
import java.time.Duration;
import java.util.Objects;

/**
 * What the switch topology is built from, besides its ports: topic names, Knot's window, and the
 * bounds of the asynchronous dispatch. Immutable; validated when built, each error naming the
 * setting, the bad value and the fix. Thread-safe.
 */
public final class TopologyConfig {

  public static final String DEFAULT_WEBHOOK_TOPIC = "knot-webhooks";
  public static final String DEFAULT_CARD_REFERENCE_TOPIC = "card-references";
  public static final String DEFAULT_OUTCOME_TOPIC = "switch-outcomes";
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "switch-dead-letters";
  /** Knot's window: {@code POST /card} must be answered within 15 s of the AUTHENTICATED webhook. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(15);
  /** Calls to Knot in flight per application instance; beyond it the topology waits (back-pressure). */
  public static final int DEFAULT_MAX_IN_FLIGHT = 2048;
  /** How often finished calls are turned into outcomes: bounds the latency the dispatch adds. */
  public static final Duration DEFAULT_COMPLETION_INTERVAL = Duration.ofMillis(10);
  /** How often events waiting for their card reference are checked against their deadline. */
  public static final Duration DEFAULT_WAIT_SCAN_INTERVAL = Duration.ofMillis(250);
  /** How long a switched task is remembered, so a repeated event for it never reaches Knot again. */
  public static final Duration DEFAULT_DEDUPLICATION_RETENTION = Duration.ofDays(7);
  /**
   * The largest webhook value read: a Knot event is a few hundred bytes, so 64 KiB leaves room for
   * any growth of Knot's body while a larger value (a producer's mistake, or an attack) becomes a
   * {@code MALFORMED_EVENT} dead letter without being decoded.
   */
  public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
  /** Below this no real event fits (Knot's AUTHENTICATED body with its identifiers). */
  public static final int MIN_MAX_EVENT_BYTES = 1024;
  /** Whether the switch-status store (what {@code card-switch status} reads) is kept. */
  public static final boolean DEFAULT_SWITCH_STATUS = true;
  /**
   * How long a task's status is kept after its last change: long enough for a cardholder's
   * complaint to reach support, short enough that the store does not grow without end.
   */
  public static final Duration DEFAULT_SWITCH_STATUS_RETENTION = Duration.ofDays(30);
  /**
   * How long after a switch Knot's CARD_UPDATED or CARD_FAILED may come before the switch is closed
   * as NO_CONFIRMATION. Knot updates the card while the cardholder's merchant session is open, so
   * the closing webhook normally follows within a minute; ten minutes leaves room for slow merchants
   * and Knot's webhook retries. Longer only delays the NO_CONFIRMATION of a webhook that will never
   * come, and keeps each open switch in the lifecycle store that much longer.
   */
  public static final Duration DEFAULT_LIFECYCLE_CONFIRMATION_TIMEOUT = Duration.ofMinutes(10);

  private final String webhookTopic;
  private final String cardReferenceTopic;
  private final String outcomeTopic;
  private final String deadLetterTopic;
  private final Duration window;
  private final int maxInFlight;
  private final Duration completionInterval;
  private final Duration waitScanInterval;
  private final Duration deduplicationRetention;
  private final int maxEventBytes;
  private final boolean switchStatus;
  private final Duration switchStatusRetention;
  private final Duration lifecycleConfirmationTimeout;
  private final CardCryptoProvider cardCryptoProvider;

  private TopologyConfig(Builder b) {
    this.webhookTopic = topic("webhookTopic (WEBHOOK_TOPIC)", b.webhookTopic);
    this.cardReferenceTopic = topic("cardReferenceTopic (CARD_REFERENCE_TOPIC)", b.cardReferenceTopic);
    this.outcomeTopic = topic("outcomeTopic (OUTCOME_TOPIC)", b.outcomeTopic);
    this.deadLetterTopic = topic("deadLetterTopic (DEAD_LETTER_TOPIC)", b.deadLetterTopic);
    this.window = positive("window (SWITCH_WINDOW)", b.window);
    if (b.maxInFlight < 1) {
      throw new IllegalArgumentException(
          "maxInFlight (MAX_IN_FLIGHT) must be at least 1, was " + b.maxInFlight + ": set a positive number of calls");
    }
    this.maxInFlight = b.maxInFlight;
    this.completionInterval = positive("completionInterval", b.completionInterval);
    this.waitScanInterval = positive("waitScanInterval", b.waitScanInterval);
    this.deduplicationRetention = positive("deduplicationRetention (DEDUPLICATION_RETENTION)", b.deduplicationRetention);
    if (b.maxEventBytes < MIN_MAX_EVENT_BYTES) {
      throw new IllegalArgumentException("maxEventBytes (MAX_EVENT_BYTES) must be at least " + MIN_MAX_EVENT_BYTES
          + " bytes, was " + b.maxEventBytes + ": a Knot event alone is a few hundred bytes; the default is "
          + DEFAULT_MAX_EVENT_BYTES);
    }
    this.maxEventBytes = b.maxEventBytes;
    this.switchStatus = b.switchStatus;
    this.switchStatusRetention = positive("switchStatusRetention (SWITCH_STATUS_RETENTION)", b.switchStatusRetention);
    this.lifecycleConfirmationTimeout = positive("lifecycleConfirmationTimeout (LIFECYCLE_CONFIRMATION_TIMEOUT)",
        b.lifecycleConfirmationTimeout);
    this.cardCryptoProvider = b.cardCryptoProvider != null ? b.cardCryptoProvider : CardCryptoProvider.preferred();
    if (deduplicationRetention.compareTo(window) < 0) {
      throw new IllegalArgumentException("deduplicationRetention (" + deduplicationRetention
          + ") must be at least the window (" + window + "): a repeated event inside the window must still be recognised");
    }
    if (java.util.Set.of(webhookTopic, cardReferenceTopic, outcomeTopic, deadLetterTopic).size() != 4) {
      throw new IllegalArgumentException("the webhook, card-reference, outcome and dead-letter topics must be four"
          + " different topics, were " + webhookTopic + ", " + cardReferenceTopic + ", " + outcomeTopic + ", " + deadLetterTopic);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All defaults. */
  public static TopologyConfig defaults() {
    return builder().build();
  }

  public String webhookTopic() { return webhookTopic; }
  public String cardReferenceTopic() { return cardReferenceTopic; }
  public String outcomeTopic() { return outcomeTopic; }
  public String deadLetterTopic() { return deadLetterTopic; }
  public Duration window() { return window; }
  public int maxInFlight() { return maxInFlight; }
  public Duration completionInterval() { return completionInterval; }
  public Duration waitScanInterval() { return waitScanInterval; }
  public Duration deduplicationRetention() { return deduplicationRetention; }
  /** The largest webhook value read; larger ones are dead-lettered undecoded. */
  public int maxEventBytes() { return maxEventBytes; }
  /** Whether the topology keeps the switch-status store (SWITCH_STATUS). */
  public boolean switchStatus() { return switchStatus; }
  /** How long a task's status is kept after its last change (SWITCH_STATUS_RETENTION). */
  public Duration switchStatusRetention() { return switchStatusRetention; }
  /** How long a switch waits for Knot's closing webhook before it is NO_CONFIRMATION (LIFECYCLE_CONFIRMATION_TIMEOUT). */
  public Duration lifecycleConfirmationTimeout() { return lifecycleConfirmationTimeout; }
  /** Who computes the card crypto's public-key operations (CARD_CRYPTO_PROVIDER): here, Knot's key wrap. */
  public CardCryptoProvider cardCryptoProvider() { return cardCryptoProvider; }

  public Builder toBuilder() {
    return builder().webhookTopic(webhookTopic).cardReferenceTopic(cardReferenceTopic).outcomeTopic(outcomeTopic)
        .deadLetterTopic(deadLetterTopic).window(window).maxInFlight(maxInFlight)
        .completionInterval(completionInterval).waitScanInterval(waitScanInterval)
        .deduplicationRetention(deduplicationRetention).maxEventBytes(maxEventBytes).switchStatus(switchStatus)
        .switchStatusRetention(switchStatusRetention).lifecycleConfirmationTimeout(lifecycleConfirmationTimeout)
        .cardCryptoProvider(cardCryptoProvider);
  }

  @Override
  public String toString() {
    return "TopologyConfig[webhookTopic=" + webhookTopic + ", cardReferenceTopic=" + cardReferenceTopic
        + ", outcomeTopic=" + outcomeTopic + ", deadLetterTopic=" + deadLetterTopic + ", window=" + window
        + ", maxInFlight=" + maxInFlight + ", completionInterval=" + completionInterval
        + ", waitScanInterval=" + waitScanInterval + ", deduplicationRetention=" + deduplicationRetention + ", maxEventBytes=" + maxEventBytes + ", switchStatus=" + switchStatus
        + ", switchStatusRetention=" + switchStatusRetention
        + ", lifecycleConfirmationTimeout=" + lifecycleConfirmationTimeout + ", cardCryptoProvider=" + cardCryptoProvider + "]";
  }

  private static String topic(String setting, String value) {
    if (value == null || value.isBlank() || !value.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(setting + " must be a Kafka topic name (letters, digits, '.', '_', '-'), was '"
          + value + "'");
    }
    return value;
  }

  private static Duration positive(String setting, Duration value) {
    Objects.requireNonNull(value, setting);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive, was " + value);
    }
    return value;
  }

  /** Builder with every field at its default. Not thread-safe. */
  public static final class Builder {
    private String webhookTopic = DEFAULT_WEBHOOK_TOPIC;
    private String cardReferenceTopic = DEFAULT_CARD_REFERENCE_TOPIC;
    private String outcomeTopic = DEFAULT_OUTCOME_TOPIC;
    private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
    private Duration window = DEFAULT_WINDOW;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration completionInterval = DEFAULT_COMPLETION_INTERVAL;
    private Duration waitScanInterval = DEFAULT_WAIT_SCAN_INTERVAL;
    private Duration deduplicationRetention = DEFAULT_DEDUPLICATION_RETENTION;
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
    private boolean switchStatus = DEFAULT_SWITCH_STATUS;
    private Duration switchStatusRetention = DEFAULT_SWITCH_STATUS_RETENTION;
    private Duration lifecycleConfirmationTimeout = DEFAULT_LIFECYCLE_CONFIRMATION_TIMEOUT;
    /** Null: {@link CardCryptoProvider#preferred()}, decided when built. */
    private CardCryptoProvider cardCryptoProvider;

    private Builder() {}

    public Builder webhookTopic(String v) { this.webhookTopic = v; return this; }
    public Builder cardReferenceTopic(String v) { this.cardReferenceTopic = v; return this; }
    public Builder outcomeTopic(String v) { this.outcomeTopic = v; return this; }
    public Builder deadLetterTopic(String v) { this.deadLetterTopic = v; return this; }
    public Builder window(Duration v) { this.window = v; return this; }
    public Builder maxInFlight(int v) { this.maxInFlight = v; return this; }
    public Builder completionInterval(Duration v) { this.completionInterval = v; return this; }
    public Builder waitScanInterval(Duration v) { this.waitScanInterval = v; return this; }
    public Builder deduplicationRetention(Duration v) { this.deduplicationRetention = v; return this; }
    public Builder maxEventBytes(int v) { this.maxEventBytes = v; return this; }
    public Builder switchStatus(boolean v) { this.switchStatus = v; return this; }
    public Builder switchStatusRetention(Duration v) { this.switchStatusRetention = v; return this; }
    public Builder lifecycleConfirmationTimeout(Duration v) { this.lifecycleConfirmationTimeout = v; return this; }
    public Builder cardCryptoProvider(CardCryptoProvider v) { this.cardCryptoProvider = v; return this; }

    public TopologyConfig build() {
      return new TopologyConfig(this);
    }
  }
}
