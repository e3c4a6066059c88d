package dev.cardswitch.vault.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the card-vault client: where the card-management platform is, the credentials it
 * takes, and how long one lookup attempt may take. The circuit breaker and back-off are constants:
 * they follow the Knot client's, and no operator has needed to tune them yet. Validated at
 * construction (the message names the setting and the fix); immutable and thread-safe;
 * {@link #toString()} masks the secret.
 */
public final class CardVaultClientConfig {

  public static final String CARD_VAULT_BASE_URL = "CARD_VAULT_BASE_URL";
  public static final String CARD_VAULT_CLIENT_ID = "CARD_VAULT_CLIENT_ID";
  public static final String CARD_VAULT_SECRET = "CARD_VAULT_SECRET";
  public static final String CARD_VAULT_CALL_TIMEOUT = "CARD_VAULT_CALL_TIMEOUT";
  public static final String CARD_VAULT_MAX_ATTEMPTS = "CARD_VAULT_MAX_ATTEMPTS";

  /**
   * One lookup attempt: short against Knot's 15 s, because the card still has to reach Knot after it;
   * a platform answering a card read in more than 2 s is better retried once than waited for.
   */
  public static final Duration DEFAULT_CARD_VAULT_CALL_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_CARD_VAULT_MAX_ATTEMPTS = 3;
  public static final Duration BACKOFF_BASE = Duration.ofMillis(100);
  public static final Duration BACKOFF_CAP = Duration.ofSeconds(1);
  public static final float CIRCUIT_FAILURE_RATE = 50f;
  public static final int CIRCUIT_WINDOW = 20;
  public static final int CIRCUIT_MINIMUM_CALLS = 10;
  public static final Duration CIRCUIT_OPEN_WAIT = Duration.ofSeconds(5);

  private final URI baseUrl;
  private final CardVaultCredentials credentials;
  private final Duration callTimeout;
  private final int maxAttempts;

  private CardVaultClientConfig(Builder b) {
    if (b.baseUrl == null || b.baseUrl.getScheme() == null || b.baseUrl.getHost() == null
        || !(b.baseUrl.getScheme().equals("https") || b.baseUrl.getScheme().equals("http"))) {
      throw new CardVaultConfigException(CARD_VAULT_BASE_URL, CARD_VAULT_BASE_URL + " is \"" + b.baseUrl
          + "\": set the card-management platform's address, e.g. https://cards.example.com, or unset it to use"
          + " the embedded stand-in");
    }
    if (b.credentials == null) {
      throw new CardVaultConfigException(CARD_VAULT_CLIENT_ID, CARD_VAULT_CLIENT_ID + " and " + CARD_VAULT_SECRET
          + " are not set: export them (the card-management platform's API credentials), or unset "
          + CARD_VAULT_BASE_URL + " to use the embedded stand-in");
    }
    if (b.callTimeout == null || b.callTimeout.isNegative() || b.callTimeout.isZero()
        || b.callTimeout.compareTo(Duration.ofSeconds(15)) > 0) {
      throw new CardVaultConfigException(CARD_VAULT_CALL_TIMEOUT, CARD_VAULT_CALL_TIMEOUT + " is " + b.callTimeout
          + ": set a duration above 0 and at most Knot's 15 s window, e.g. 2s");
    }
    if (b.maxAttempts < 1 || b.maxAttempts > 10) {
      throw new CardVaultConfigException(CARD_VAULT_MAX_ATTEMPTS, CARD_VAULT_MAX_ATTEMPTS + " is " + b.maxAttempts
          + ": set a whole number from 1 to 10");
    }
    String path = b.baseUrl.getPath() == null ? "" : b.baseUrl.getPath();
    this.baseUrl = URI.create(b.baseUrl.getScheme() + "://" + b.baseUrl.getRawAuthority()
        + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    this.credentials = b.credentials;
    this.callTimeout = b.callTimeout;
    this.maxAttempts = b.maxAttempts;
  }

  public static Builder builder(URI baseUrl, CardVaultCredentials credentials) {
    return new Builder(baseUrl, credentials);
  }

  public URI baseUrl() { return baseUrl; }
  public CardVaultCredentials credentials() { return credentials; }
  public Duration callTimeout() { return callTimeout; }
  public int maxAttempts() { return maxAttempts; }

  /** The address of one of the platform's endpoints (a path of {@link VaultProtocol}). */
  URI endpoint(String path) {
    return URI.create(baseUrl + path);
  }

  @Override
  public String toString() {
    return "CardVaultClientConfig[baseUrl=" + baseUrl + ", credentials=" + credentials + ", callTimeout=" + callTimeout
        + ", maxAttempts=" + maxAttempts + "]";
  }

  /** Builds a {@link CardVaultClientConfig}. Not thread-safe. */
  public static final class Builder {
    private final URI baseUrl;
    private final CardVaultCredentials credentials;
    private Duration callTimeout = DEFAULT_CARD_VAULT_CALL_TIMEOUT;
    private int maxAttempts = DEFAULT_CARD_VAULT_MAX_ATTEMPTS;

    private Builder(URI baseUrl, CardVaultCredentials credentials) {
      this.baseUrl = baseUrl;
      this.credentials = credentials;
    }

    public Builder callTimeout(Duration v) { this.callTimeout = Objects.requireNonNull(v); return this; }
    public Builder maxAttempts(int v) { this.maxAttempts = v; return this; }

    public CardVaultClientConfig build() {
      return new CardVaultClientConfig(this);
    }
  }
}
