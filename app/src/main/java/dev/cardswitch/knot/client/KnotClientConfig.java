package dev.cardswitch.knot.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of the Knot client, validated at construction. Each setting has one name across
 * layers: environment variable {@code KNOT_CALL_TIMEOUT} ↔ flag {@code --knot-call-timeout} ↔ field
 * {@code knotCallTimeout}. Durations are written {@code 250ms}, {@code 4s}, {@code 15m}, {@code 1h}
 * or ISO-8601 ({@code PT4S}). Immutable and thread-safe; {@link #toString()} masks the secret.
 */
public final class KnotClientConfig {

  public static final String KNOT_BASE_URL = "KNOT_BASE_URL";
  public static final String KNOT_CLIENT_ID = "KNOT_CLIENT_ID";
  public static final String KNOT_SECRET = "KNOT_SECRET";
  public static final String KNOT_CALL_TIMEOUT = "KNOT_CALL_TIMEOUT";
  public static final String KNOT_MAX_ATTEMPTS = "KNOT_MAX_ATTEMPTS";
  public static final String KNOT_BACKOFF_BASE = "KNOT_BACKOFF_BASE";
  public static final String KNOT_BACKOFF_CAP = "KNOT_BACKOFF_CAP";
  public static final String KNOT_CIRCUIT_FAILURE_RATE = "KNOT_CIRCUIT_FAILURE_RATE";
  public static final String KNOT_CIRCUIT_WINDOW = "KNOT_CIRCUIT_WINDOW";
  public static final String KNOT_CIRCUIT_MINIMUM_CALLS = "KNOT_CIRCUIT_MINIMUM_CALLS";
  public static final String KNOT_CIRCUIT_OPEN_WAIT = "KNOT_CIRCUIT_OPEN_WAIT";
  public static final String KNOT_CIRCUIT_HALF_OPEN_CALLS = "KNOT_CIRCUIT_HALF_OPEN_CALLS";
  public static final String KNOT_RATE_LIMIT_PER_SECOND = "KNOT_RATE_LIMIT_PER_SECOND";
  public static final String KNOT_RATE_LIMIT_MAX_WAIT = "KNOT_RATE_LIMIT_MAX_WAIT";
  public static final String KNOT_MAX_IN_FLIGHT = "KNOT_MAX_IN_FLIGHT";
  public static final String KNOT_KEY_TTL = "KNOT_KEY_TTL";
  public static final String KNOT_MAX_REDIRECTS = "KNOT_MAX_REDIRECTS";

  /** Knot's development environment (seed 000), used by {@code knot-check} when no URL is given. */
  public static final URI DEFAULT_KNOT_BASE_URL = URI.create("https://development.knotapi.com");
  /** Knot's window after AUTHENTICATED: no single call may be longer. */
  public static final Duration KNOT_WINDOW = Duration.ofSeconds(15);
  /** Long enough for Knot's usual sub-second answer plus a slow TLS handshake; three fit in the window. */
  public static final Duration DEFAULT_KNOT_CALL_TIMEOUT = Duration.ofSeconds(4);
  public static final int DEFAULT_KNOT_MAX_ATTEMPTS = 4;
  public static final Duration DEFAULT_KNOT_BACKOFF_BASE = Duration.ofMillis(250);
  /** Capped at 2 s so that several retries still fit in the 15-second window. */
  public static final Duration DEFAULT_KNOT_BACKOFF_CAP = Duration.ofSeconds(2);
  public static final float DEFAULT_KNOT_CIRCUIT_FAILURE_RATE = 50f;
  public static final int DEFAULT_KNOT_CIRCUIT_WINDOW = 20;
  public static final int DEFAULT_KNOT_CIRCUIT_MINIMUM_CALLS = 10;
  public static final Duration DEFAULT_KNOT_CIRCUIT_OPEN_WAIT = Duration.ofSeconds(5);
  public static final int DEFAULT_KNOT_CIRCUIT_HALF_OPEN_CALLS = 3;
  /** Knot publishes no rate limit for /card; a conservative guess, to be set to the account's allowance. */
  public static final int DEFAULT_KNOT_RATE_LIMIT_PER_SECOND = 100;
  public static final Duration DEFAULT_KNOT_RATE_LIMIT_MAX_WAIT = Duration.ofSeconds(1);
  public static final int DEFAULT_KNOT_MAX_IN_FLIGHT = 256;
  /** A rotated key is also caught at once by INVALID_JWE; the TTL only bounds how stale a key may get. */
  public static final Duration DEFAULT_KNOT_KEY_TTL = Duration.ofMinutes(15);
  public static final int DEFAULT_KNOT_MAX_REDIRECTS = 3;

  private final URI knotBaseUrl;
  private final KnotCredentials knotCredentials;
  private final Duration knotCallTimeout;
  private final int knotMaxAttempts;
  private final Duration knotBackoffBase;
  private final Duration knotBackoffCap;
  private final float knotCircuitFailureRate;
  private final int knotCircuitWindow;
  private final int knotCircuitMinimumCalls;
  private final Duration knotCircuitOpenWait;
  private final int knotCircuitHalfOpenCalls;
  private final int knotRateLimitPerSecond;
  private final Duration knotRateLimitMaxWait;
  private final int knotMaxInFlight;
  private final Duration knotKeyTtl;
  private final int knotMaxRedirects;

  private KnotClientConfig(Builder b) {
    this.knotBaseUrl = checkBaseUrl(b.knotBaseUrl);
    if (b.knotClientId == null || b.knotClientId.isBlank()) {
      throw new KnotClientConfigException(KNOT_CLIENT_ID, KNOT_CLIENT_ID + " is not set: export it (the client_id of your Knot account)");
    }
    if (b.knotSecret == null || b.knotSecret.isBlank()) {
      throw new KnotClientConfigException(KNOT_SECRET, KNOT_SECRET + " is not set: export it (the secret of your Knot account)");
    }
    if (b.knotClientId.indexOf(':') >= 0) {
      throw new KnotClientConfigException(KNOT_CLIENT_ID, KNOT_CLIENT_ID + " contains ':', which Basic auth cannot carry: check the value");
    }
    this.knotCredentials = new KnotCredentials(b.knotClientId, b.knotSecret);
    this.knotCallTimeout = positive(KNOT_CALL_TIMEOUT, b.knotCallTimeout);
    if (knotCallTimeout.compareTo(KNOT_WINDOW) > 0) {
      throw new KnotClientConfigException(KNOT_CALL_TIMEOUT, KNOT_CALL_TIMEOUT + " is " + formatDuration(knotCallTimeout)
          + ", longer than Knot's 15-second window: set it to at most 15s (default "
          + formatDuration(DEFAULT_KNOT_CALL_TIMEOUT) + ")");
    }
    this.knotMaxAttempts = atLeast(KNOT_MAX_ATTEMPTS, b.knotMaxAttempts, 1);
    this.knotBackoffBase = positive(KNOT_BACKOFF_BASE, b.knotBackoffBase);
    this.knotBackoffCap = positive(KNOT_BACKOFF_CAP, b.knotBackoffCap);
    if (knotBackoffCap.compareTo(knotBackoffBase) < 0) {
      throw new KnotClientConfigException(KNOT_BACKOFF_CAP, KNOT_BACKOFF_CAP + " (" + knotBackoffCap + ") is below "
          + KNOT_BACKOFF_BASE + " (" + knotBackoffBase + "): set the cap to at least the base");
    }
    if (!(b.knotCircuitFailureRate > 0 && b.knotCircuitFailureRate <= 100)) {
      throw new KnotClientConfigException(KNOT_CIRCUIT_FAILURE_RATE, KNOT_CIRCUIT_FAILURE_RATE + " is " + b.knotCircuitFailureRate
          + ": give a percentage in (0, 100], e.g. " + DEFAULT_KNOT_CIRCUIT_FAILURE_RATE);
    }
    this.knotCircuitFailureRate = b.knotCircuitFailureRate;
    this.knotCircuitWindow = atLeast(KNOT_CIRCUIT_WINDOW, b.knotCircuitWindow, 1);
    this.knotCircuitMinimumCalls = atLeast(KNOT_CIRCUIT_MINIMUM_CALLS, b.knotCircuitMinimumCalls, 1);
    this.knotCircuitOpenWait = positive(KNOT_CIRCUIT_OPEN_WAIT, b.knotCircuitOpenWait);
    this.knotCircuitHalfOpenCalls = atLeast(KNOT_CIRCUIT_HALF_OPEN_CALLS, b.knotCircuitHalfOpenCalls, 1);
    this.knotRateLimitPerSecond = atLeast(KNOT_RATE_LIMIT_PER_SECOND, b.knotRateLimitPerSecond, 1);
    this.knotRateLimitMaxWait = nonNegative(KNOT_RATE_LIMIT_MAX_WAIT, b.knotRateLimitMaxWait);
    this.knotMaxInFlight = atLeast(KNOT_MAX_IN_FLIGHT, b.knotMaxInFlight, 1);
    this.knotKeyTtl = positive(KNOT_KEY_TTL, b.knotKeyTtl);
    this.knotMaxRedirects = atLeast(KNOT_MAX_REDIRECTS, b.knotMaxRedirects, 0);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the settings from environment variables (names as the constants of this class); unset
   * ones take their {@code DEFAULT_*} value; {@code KNOT_CLIENT_ID} and {@code KNOT_SECRET} are
   * required.
   *
   * @throws KnotClientConfigException naming the variable and the fix
   */
  public static KnotClientConfig fromEnvironment(Map<String, String> env) {
    Function<String, String> get = name -> {
      String v = env.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    };
    boolean baseUrlSet = get.apply(KNOT_BASE_URL) != null;
    for (String required : new String[] {KNOT_CLIENT_ID, KNOT_SECRET}) {
      if (get.apply(required) == null) {
        throw new KnotClientConfigException(required, required + " is not set: export it"
            + (baseUrlSet
                ? ", or unset KNOT_BASE_URL to use the embedded sandbox"
                : " (KNOT_BASE_URL is unset, so Knot's development environment " + DEFAULT_KNOT_BASE_URL + " is used)"));
      }
    }
    Builder b = builder().knotClientId(get.apply(KNOT_CLIENT_ID)).knotSecret(get.apply(KNOT_SECRET));
    if (baseUrlSet) {
      b.knotBaseUrl(parseUri(KNOT_BASE_URL, get.apply(KNOT_BASE_URL)));
    }
    ifSet(get, KNOT_CALL_TIMEOUT, v -> b.knotCallTimeout(parseDuration(KNOT_CALL_TIMEOUT, v)));
    ifSet(get, KNOT_MAX_ATTEMPTS, v -> b.knotMaxAttempts(parseInt(KNOT_MAX_ATTEMPTS, v)));
    ifSet(get, KNOT_BACKOFF_BASE, v -> b.knotBackoffBase(parseDuration(KNOT_BACKOFF_BASE, v)));
    ifSet(get, KNOT_BACKOFF_CAP, v -> b.knotBackoffCap(parseDuration(KNOT_BACKOFF_CAP, v)));
    ifSet(get, KNOT_CIRCUIT_FAILURE_RATE, v -> b.knotCircuitFailureRate(parseFloat(KNOT_CIRCUIT_FAILURE_RATE, v)));
    ifSet(get, KNOT_CIRCUIT_WINDOW, v -> b.knotCircuitWindow(parseInt(KNOT_CIRCUIT_WINDOW, v)));
    ifSet(get, KNOT_CIRCUIT_MINIMUM_CALLS, v -> b.knotCircuitMinimumCalls(parseInt(KNOT_CIRCUIT_MINIMUM_CALLS, v)));
    ifSet(get, KNOT_CIRCUIT_OPEN_WAIT, v -> b.knotCircuitOpenWait(parseDuration(KNOT_CIRCUIT_OPEN_WAIT, v)));
    ifSet(get, KNOT_CIRCUIT_HALF_OPEN_CALLS, v -> b.knotCircuitHalfOpenCalls(parseInt(KNOT_CIRCUIT_HALF_OPEN_CALLS, v)));
    ifSet(get, KNOT_RATE_LIMIT_PER_SECOND, v -> b.knotRateLimitPerSecond(parseInt(KNOT_RATE_LIMIT_PER_SECOND, v)));
    ifSet(get, KNOT_RATE_LIMIT_MAX_WAIT, v -> b.knotRateLimitMaxWait(parseDuration(KNOT_RATE_LIMIT_MAX_WAIT, v)));
    ifSet(get, KNOT_MAX_IN_FLIGHT, v -> b.knotMaxInFlight(parseInt(KNOT_MAX_IN_FLIGHT, v)));
    ifSet(get, KNOT_KEY_TTL, v -> b.knotKeyTtl(parseDuration(KNOT_KEY_TTL, v)));
    ifSet(get, KNOT_MAX_REDIRECTS, v -> b.knotMaxRedirects(parseInt(KNOT_MAX_REDIRECTS, v)));
    return b.build();
  }

  private static void ifSet(Function<String, String> get, String name, java.util.function.Consumer<String> apply) {
    String v = get.apply(name);
    if (v != null) {
      apply.accept(v);
    }
  }

  // ---- validation and parsing -------------------------------------------------------------

  private static URI checkBaseUrl(URI url) {
    Objects.requireNonNull(url, "knotBaseUrl");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new KnotClientConfigException(KNOT_BASE_URL, KNOT_BASE_URL + " is " + url
          + ": give an absolute https:// URL such as " + DEFAULT_KNOT_BASE_URL);
    }
    if (scheme.equals("http") && !isLoopback(url.getHost())) {
      throw new KnotClientConfigException(KNOT_BASE_URL, KNOT_BASE_URL + " is " + url
          + ": card JWEs and credentials must travel over TLS: use https:// (plain http is allowed only for a loopback sandbox)");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
      throw new KnotClientConfigException(KNOT_BASE_URL, KNOT_BASE_URL + " is " + url
          + ": give only scheme, host, port and path (credentials go in KNOT_CLIENT_ID and KNOT_SECRET)");
    }
    return url;
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literal addresses: resolving a name here would be a DNS look-up at configuration time.
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new KnotClientConfigException(name, name + " is " + d + ": give a positive duration such as 4s or 250ms");
    }
    return d;
  }

  private static Duration nonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new KnotClientConfigException(name, name + " is " + d + ": give a duration of 0 or more, such as 1s");
    }
    return d;
  }

  private static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new KnotClientConfigException(name, name + " is " + value + ": give a whole number of at least " + min);
    }
    return value;
  }

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** A duration as a setting is written: {@code 250ms}, {@code 4s}, {@code 15m}, {@code 1h}. */
  public static String formatDuration(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) {
      return d.toMillis() + "ms";
    }
    long seconds = d.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /** Parses {@code 250ms}, {@code 4s}, {@code 15m}, {@code 1h} or ISO-8601 ({@code PT4S}). */
  public static Duration parseDuration(String name, String text) {
    Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new KnotClientConfigException(name, name + " is \"" + text + "\": write a duration such as 250ms, 4s, 15m or PT4S");
    }
  }

  public static int parseInt(String name, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new KnotClientConfigException(name, name + " is \"" + text + "\": write a whole number");
    }
  }

  private static float parseFloat(String name, String text) {
    try {
      return Float.parseFloat(text.trim());
    } catch (NumberFormatException e) {
      throw new KnotClientConfigException(name, name + " is \"" + text + "\": write a number such as 50");
    }
  }

  static URI parseUri(String name, String text) {
    try {
      return new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new KnotClientConfigException(name, name + " is \"" + text + "\": write an absolute URL such as " + DEFAULT_KNOT_BASE_URL);
    }
  }

  // ---- accessors ----------------------------------------------------------------------------

  public URI knotBaseUrl() {
    return knotBaseUrl;
  }

  /** The URL of {@code path} (e.g. {@code /jwe/key}) under the base URL, keeping any base path. */
  public URI endpoint(String path) {
    String base = knotBaseUrl.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
  }

  public KnotCredentials knotCredentials() {
    return knotCredentials;
  }

  public Duration knotCallTimeout() {
    return knotCallTimeout;
  }

  public int knotMaxAttempts() {
    return knotMaxAttempts;
  }

  public Duration knotBackoffBase() {
    return knotBackoffBase;
  }

  public Duration knotBackoffCap() {
    return knotBackoffCap;
  }

  public float knotCircuitFailureRate() {
    return knotCircuitFailureRate;
  }

  public int knotCircuitWindow() {
    return knotCircuitWindow;
  }

  public int knotCircuitMinimumCalls() {
    return knotCircuitMinimumCalls;
  }

  public Duration knotCircuitOpenWait() {
    return knotCircuitOpenWait;
  }

  public int knotCircuitHalfOpenCalls() {
    return knotCircuitHalfOpenCalls;
  }

  public int knotRateLimitPerSecond() {
    return knotRateLimitPerSecond;
  }

  public Duration knotRateLimitMaxWait() {
    return knotRateLimitMaxWait;
  }

  public int knotMaxInFlight() {
    return knotMaxInFlight;
  }

  public Duration knotKeyTtl() {
    return knotKeyTtl;
  }

  public int knotMaxRedirects() {
    return knotMaxRedirects;
  }

  /** A builder holding the same settings, to change a few. */
  public Builder toBuilder() {
    return builder()
        .knotBaseUrl(knotBaseUrl)
        .knotClientId(knotCredentials.clientId())
        .knotSecret(knotCredentials.revealSecret())
        .knotCallTimeout(knotCallTimeout)
        .knotMaxAttempts(knotMaxAttempts)
        .knotBackoffBase(knotBackoffBase)
        .knotBackoffCap(knotBackoffCap)
        .knotCircuitFailureRate(knotCircuitFailureRate)
        .knotCircuitWindow(knotCircuitWindow)
        .knotCircuitMinimumCalls(knotCircuitMinimumCalls)
        .knotCircuitOpenWait(knotCircuitOpenWait)
        .knotCircuitHalfOpenCalls(knotCircuitHalfOpenCalls)
        .knotRateLimitPerSecond(knotRateLimitPerSecond)
        .knotRateLimitMaxWait(knotRateLimitMaxWait)
        .knotMaxInFlight(knotMaxInFlight)
        .knotKeyTtl(knotKeyTtl)
        .knotMaxRedirects(knotMaxRedirects);
  }

  @Override
  public String toString() {
    return "KnotClientConfig[knotBaseUrl=" + knotBaseUrl
        + ", knotClientId=" + knotCredentials.clientId()
        + ", knotSecret=****"
        + ", knotCallTimeout=" + knotCallTimeout
        + ", knotMaxAttempts=" + knotMaxAttempts
        + ", knotBackoffBase=" + knotBackoffBase
        + ", knotBackoffCap=" + knotBackoffCap
        + ", knotCircuitFailureRate=" + knotCircuitFailureRate
        + ", knotCircuitWindow=" + knotCircuitWindow
        + ", knotCircuitMinimumCalls=" + knotCircuitMinimumCalls
        + ", knotCircuitOpenWait=" + knotCircuitOpenWait
        + ", knotCircuitHalfOpenCalls=" + knotCircuitHalfOpenCalls
        + ", knotRateLimitPerSecond=" + knotRateLimitPerSecond
        + ", knotRateLimitMaxWait=" + knotRateLimitMaxWait
        + ", knotMaxInFlight=" + knotMaxInFlight
        + ", knotKeyTtl=" + knotKeyTtl
        + ", knotMaxRedirects=" + knotMaxRedirects + "]";
  }

  /** Builds a {@link KnotClientConfig}; every setting but the credentials has a default. Not thread-safe. */
  public static final class Builder {
    private URI knotBaseUrl = DEFAULT_KNOT_BASE_URL;
    private String knotClientId;
    private String knotSecret;
    private Duration knotCallTimeout = DEFAULT_KNOT_CALL_TIMEOUT;
    private int knotMaxAttempts = DEFAULT_KNOT_MAX_ATTEMPTS;
    private Duration knotBackoffBase = DEFAULT_KNOT_BACKOFF_BASE;
    private Duration knotBackoffCap = DEFAULT_KNOT_BACKOFF_CAP;
    private float knotCircuitFailureRate = DEFAULT_KNOT_CIRCUIT_FAILURE_RATE;
    private int knotCircuitWindow = DEFAULT_KNOT_CIRCUIT_WINDOW;
    private int knotCircuitMinimumCalls = DEFAULT_KNOT_CIRCUIT_MINIMUM_CALLS;
    private Duration knotCircuitOpenWait = DEFAULT_KNOT_CIRCUIT_OPEN_WAIT;
    private int knotCircuitHalfOpenCalls = DEFAULT_KNOT_CIRCUIT_HALF_OPEN_CALLS;
    private int knotRateLimitPerSecond = DEFAULT_KNOT_RATE_LIMIT_PER_SECOND;
    private Duration knotRateLimitMaxWait = DEFAULT_KNOT_RATE_LIMIT_MAX_WAIT;
    private int knotMaxInFlight = DEFAULT_KNOT_MAX_IN_FLIGHT;
    private Duration knotKeyTtl = DEFAULT_KNOT_KEY_TTL;
    private int knotMaxRedirects = DEFAULT_KNOT_MAX_REDIRECTS;

    private Builder() {}

    public Builder knotBaseUrl(URI v) { this.knotBaseUrl = v; return this; }
    public Builder knotClientId(String v) { this.knotClientId = v; return this; }
    public Builder knotSecret(String v) { this.knotSecret = v; return this; }
    public Builder knotCredentials(KnotCredentials c) { return knotClientId(c.clientId()).knotSecret(c.revealSecret()); }
    public Builder knotCallTimeout(Duration v) { this.knotCallTimeout = v; return this; }
    public Builder knotMaxAttempts(int v) { this.knotMaxAttempts = v; return this; }
    public Builder knotBackoffBase(Duration v) { this.knotBackoffBase = v; return this; }
    public Builder knotBackoffCap(Duration v) { this.knotBackoffCap = v; return this; }
    public Builder knotCircuitFailureRate(float v) { this.knotCircuitFailureRate = v; return this; }
    public Builder knotCircuitWindow(int v) { this.knotCircuitWindow = v; return this; }
    public Builder knotCircuitMinimumCalls(int v) { this.knotCircuitMinimumCalls = v; return this; }
    public Builder knotCircuitOpenWait(Duration v) { this.knotCircuitOpenWait = v; return this; }
    public Builder knotCircuitHalfOpenCalls(int v) { this.knotCircuitHalfOpenCalls = v; return this; }
    public Builder knotRateLimitPerSecond(int v) { this.knotRateLimitPerSecond = v; return this; }
    public Builder knotRateLimitMaxWait(Duration v) { this.knotRateLimitMaxWait = v; return this; }
    public Builder knotMaxInFlight(int v) { this.knotMaxInFlight = v; return this; }
    public Builder knotKeyTtl(Duration v) { this.knotKeyTtl = v; return this; }
    public Builder knotMaxRedirects(int v) { this.knotMaxRedirects = v; return this; }

    /** @throws KnotClientConfigException naming the first bad setting and the fix */
    public KnotClientConfig build() {
      return new KnotClientConfig(this);
    }
  }
}
