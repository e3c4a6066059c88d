package dev.cardswitch.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The faults a {@link KnotSandbox} injects, set as a whole (programmatically or by {@code PUT
 * /_sandbox/faults} with the JSON of {@link #toJson()}).
 *
 * <p>Latency applies to every {@code POST /card} answer. An outage applies to every endpoint but
 * {@code /_sandbox/}: {@link Outage#REFUSE} closes the listening socket (connection refused), {@link
 * Outage#UNAVAILABLE} answers 503; it lasts {@code outageFor}, or until cleared when that is null.
 * The injected answers to {@code POST /card}, tried in this order: a redirect (307 by default; same
 * origin to {@value KnotSandbox#ALT_CARD_PATH}, which serves {@code /card} too, or to {@code
 * redirectTarget}), a 5xx from {@code errorStatuses} with probability {@code errorShare}, a 429 with
 * {@code Retry-After} with probability {@code throttleShare}. They stop after {@code times}
 * injected answers (negative: never), which makes "two 503s, then success" deterministic.
 * {@code rejectCredentials} answers every {@code GET /jwe/key} and {@code POST /card} with Knot's 401,
 * as if the client's credentials had been revoked.
 *
 * <p>Immutable and thread-safe.
 */
public final class SandboxFaults {

  public enum Redirect { NONE, SAME_ORIGIN, CROSS_ORIGIN }

  public enum Outage { NONE, REFUSE, UNAVAILABLE }

  public static final List<Integer> DEFAULT_ERROR_STATUSES = List.of(500, 502, 503);
  public static final int DEFAULT_REDIRECT_STATUS = 307;
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** No fault at all (declared after the defaults it is built from). */
  public static final SandboxFaults NONE = builder().build();

  private final Latency latency;
  private final double errorShare;
  private final List<Integer> errorStatuses;
  private final double throttleShare;
  private final int retryAfterSeconds;
  private final boolean retryAfterAsDate;
  private final Redirect redirect;
  private final int redirectStatus;
  private final URI redirectTarget;
  private final Outage outage;
  private final Duration outageFor;
  private final int times;
  private final boolean rejectCredentials;

  private SandboxFaults(Builder b) {
    this.latency = Objects.requireNonNull(b.latency, "latency");
    this.errorShare = share("error_share", b.errorShare);
    this.errorStatuses = List.copyOf(b.errorStatuses);
    if (errorStatuses.isEmpty() || errorStatuses.stream().anyMatch(s -> s < 500 || s > 599)) {
      throw new IllegalArgumentException("error_statuses must be 5xx statuses, got " + errorStatuses);
    }
    this.throttleShare = share("throttle_share", b.throttleShare);
    if (b.retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retry_after_seconds must be >= 0, got " + b.retryAfterSeconds);
    }
    this.retryAfterSeconds = b.retryAfterSeconds;
    this.retryAfterAsDate = b.retryAfterAsDate;
    this.redirect = Objects.requireNonNull(b.redirect, "redirect");
    if (b.redirectStatus < 300 || b.redirectStatus > 399) {
      throw new IllegalArgumentException("redirect_status must be a 3xx status, got " + b.redirectStatus);
    }
    this.redirectStatus = b.redirectStatus;
    if (redirect == Redirect.CROSS_ORIGIN && (b.redirectTarget == null || !b.redirectTarget.isAbsolute())) {
      throw new IllegalArgumentException("a cross-origin redirect needs an absolute redirect_target URL");
    }
    this.redirectTarget = b.redirectTarget;
    this.outage = Objects.requireNonNull(b.outage, "outage");
    if (b.outageFor != null && (b.outageFor.isNegative() || b.outageFor.isZero())) {
      throw new IllegalArgumentException("outage duration must be positive, got " + b.outageFor);
    }
    this.outageFor = b.outageFor;
    this.times = b.times;
    this.rejectCredentials = b.rejectCredentials;
  }

  private static double share(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
    }
    return v;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.latency = latency;
    b.errorShare = errorShare;
    b.errorStatuses = errorStatuses;
    b.throttleShare = throttleShare;
    b.retryAfterSeconds = retryAfterSeconds;
    b.retryAfterAsDate = retryAfterAsDate;
    b.redirect = redirect;
    b.redirectStatus = redirectStatus;
    b.redirectTarget = redirectTarget;
    b.outage = outage;
    b.outageFor = outageFor;
    b.times = times;
    b.rejectCredentials = rejectCredentials;
    return b;
  }

  public Latency latency() { return latency; }
  public double errorShare() { return errorShare; }
  public List<Integer> errorStatuses() { return errorStatuses; }
  public double throttleShare() { return throttleShare; }
  public int retryAfterSeconds() { return retryAfterSeconds; }
  public boolean retryAfterAsDate() { return retryAfterAsDate; }
  public Redirect redirect() { return redirect; }
  public int redirectStatus() { return redirectStatus; }
  public URI redirectTarget() { return redirectTarget; }
  public Outage outage() { return outage; }
  /** How long the outage lasts; null: until cleared. */
  public Duration outageFor() { return outageFor; }
  /** How many injected answers (redirects, 5xx, 429) are left to give; negative: unlimited. */
  public int times() { return times; }
  /** Whether every request is refused with 401, as with revoked credentials. */
  public boolean rejectCredentials() { return rejectCredentials; }

  /** Whether any redirect, 5xx or 429 may be injected. */
  boolean injectsAnswers() {
    return redirect != Redirect.NONE || errorShare > 0 || throttleShare > 0;
  }

  /** The JSON accepted by {@code PUT /_sandbox/faults}; absent members take their default. */
  public ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode l = n.putObject("latency");
    l.put("kind", latency.kind().name().toLowerCase(Locale.ROOT));
    switch (latency.kind()) {
      case FIXED -> l.put("ms", latency.first().toMillis());
      case UNIFORM -> l.put("min_ms", latency.first().toMillis()).put("max_ms", latency.second().toMillis());
      case LOG_NORMAL -> l.put("p50_ms", latency.first().toMillis()).put("p99_ms", latency.second().toMillis());
      default -> { }
    }
    n.put("error_share", errorShare);
    ArrayNode statuses = n.putArray("error_statuses");
    errorStatuses.forEach(statuses::add);
    n.put("throttle_share", throttleShare);
    n.put("retry_after_seconds", retryAfterSeconds);
    n.put("retry_after_as_date", retryAfterAsDate);
    n.put("redirect", redirect.name().toLowerCase(Locale.ROOT));
    n.put("redirect_status", redirectStatus);
    if (redirectTarget != null) {
      n.put("redirect_target", redirectTarget.toString());
    }
    n.put("outage", outage.name().toLowerCase(Locale.ROOT));
    if (outageFor != null) {
      n.put("outage_ms", outageFor.toMillis());
    }
    n.put("times", times);
    n.put("reject_credentials", rejectCredentials);
    return n;
  }

  /** Reads the JSON of {@link #toJson()}; @throws IllegalArgumentException saying what is wrong */
  public static SandboxFaults fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("faults must be a JSON object");
    }
    Builder b = builder();
    JsonNode l = n.get("latency");
    if (l != null && !l.isNull()) {
      String kind = l.path("kind").asText("none").toUpperCase(Locale.ROOT);
      b.latency(switch (kind) {
        case "NONE" -> Latency.NONE;
        case "FIXED" -> Latency.fixed(ms(l, "ms"));
        case "UNIFORM" -> Latency.uniform(ms(l, "min_ms"), ms(l, "max_ms"));
        case "LOG_NORMAL" -> Latency.logNormal(ms(l, "p50_ms"), ms(l, "p99_ms"));
        default -> throw new IllegalArgumentException("latency.kind must be none, fixed, uniform or log_normal, got " + kind);
      });
    }
    if (n.has("error_share")) b.errorShare(n.get("error_share").asDouble());
    if (n.has("error_statuses")) {
      List<Integer> statuses = new java.util.ArrayList<>();
      n.get("error_statuses").forEach(s -> statuses.add(s.asInt()));
      b.errorStatuses(statuses);
    }
    if (n.has("throttle_share")) b.throttleShare(n.get("throttle_share").asDouble());
    if (n.has("retry_after_seconds")) b.retryAfterSeconds(n.get("retry_after_seconds").asInt());
    if (n.has("retry_after_as_date")) b.retryAfterAsDate(n.get("retry_after_as_date").asBoolean());
    if (n.has("redirect")) b.redirect(enumOf(Redirect.class, "redirect", n.get("redirect").asText()));
    if (n.has("redirect_status")) b.redirectStatus(n.get("redirect_status").asInt());
    if (n.hasNonNull("redirect_target")) b.redirectTarget(URI.create(n.get("redirect_target").asText()));
    if (n.has("outage")) b.outage(enumOf(Outage.class, "outage", n.get("outage").asText()));
    if (n.hasNonNull("outage_ms")) b.outageFor(Duration.ofMillis(n.get("outage_ms").asLong()));
    if (n.has("times")) b.times(n.get("times").asInt());
    if (n.has("reject_credentials")) b.rejectCredentials(n.get("reject_credentials").asBoolean());
    return b.build();
  }

  private static Duration ms(JsonNode node, String field) {
    if (!node.has(field) || !node.get(field).canConvertToLong()) {
      throw new IllegalArgumentException("latency." + field + " must be a number of milliseconds");
    }
    return Duration.ofMillis(node.get(field).asLong());
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String field, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return "SandboxFaults" + toJson();
  }

  /** Builds {@link SandboxFaults}; everything off by default. Not thread-safe. */
  public static final class Builder {
    private Latency latency = Latency.NONE;
    private double errorShare;
    private List<Integer> errorStatuses = DEFAULT_ERROR_STATUSES;
    private double throttleShare;
    private int retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
    private boolean retryAfterAsDate;
    private Redirect redirect = Redirect.NONE;
    private int redirectStatus = DEFAULT_REDIRECT_STATUS;
    private URI redirectTarget;
    private Outage outage = Outage.NONE;
    private Duration outageFor;
    private int times = -1;
    private boolean rejectCredentials;

    private Builder() {}

    public Builder latency(Latency v) { this.latency = v; return this; }
    /** A share (0..1) of {@code POST /card} answered with one of {@code statuses} (default 500, 502, 503). */
    public Builder serverErrors(double share, Integer... statuses) {
      this.errorShare = share;
      if (statuses.length > 0) {
        this.errorStatuses = List.of(statuses);
      }
      return this;
    }
    public Builder errorShare(double v) { this.errorShare = v; return this; }
    public Builder errorStatuses(List<Integer> v) { this.errorStatuses = v; return this; }
    /** A share (0..1) of {@code POST /card} answered 429 with {@code Retry-After: retryAfterSeconds}. */
    public Builder tooManyRequests(double share, int retryAfterSeconds) {
      this.throttleShare = share;
      this.retryAfterSeconds = retryAfterSeconds;
      return this;
    }
    public Builder throttleShare(double v) { this.throttleShare = v; return this; }
    public Builder retryAfterSeconds(int v) { this.retryAfterSeconds = v; return this; }
    /** Send {@code Retry-After} as an HTTP-date instead of seconds. */
    public Builder retryAfterAsDate(boolean v) { this.retryAfterAsDate = v; return this; }
    /** Redirect {@code POST /card} to {@value KnotSandbox#ALT_CARD_PATH} on the sandbox itself. */
    public Builder sameOriginRedirect() { this.redirect = Redirect.SAME_ORIGIN; return this; }
    /** Redirect {@code POST /card} to {@code target}, on another origin. */
    public Builder crossOriginRedirect(URI target) { this.redirect = Redirect.CROSS_ORIGIN; this.redirectTarget = target; return this; }
    public Builder redirect(Redirect v) { this.redirect = v; return this; }
    public Builder redirectStatus(int v) { this.redirectStatus = v; return this; }
    public Builder redirectTarget(URI v) { this.redirectTarget = v; return this; }
    public Builder outage(Outage v) { this.outage = v; return this; }
    /** How long the outage lasts; null (the default): until cleared. */
    public Builder outageFor(Duration v) { this.outageFor = v; return this; }
    /** Stop injecting answers after this many (negative, the default: never stop). */
    public Builder times(int v) { this.times = v; return this; }
    /** Answer every request 401 {@code INVALID_API_KEYS}, as if the credentials had been revoked. */
    public Builder rejectCredentials(boolean v) { this.rejectCredentials = v; return this; }

    public SandboxFaults build() {
      return new SandboxFaults(this);
    }
  }
}
