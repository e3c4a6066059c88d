package dev.cardswitch.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.ingress.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knot's side of a switch's lifecycle, for the sandbox: after the sandbox accepts {@code POST /card}
 * for a task, it POSTs {@code CARD_UPDATING} to the issuer's webhook URL at once, then, after a
 * delay, {@code CARD_UPDATED}, or {@code CARD_FAILED} with one of Knot's reasons for a share of the
 * tasks. Each body is signed as Knot signs it (knot-facts.md, {@code Knot-Signature}), with
 * {@link WebhookSignature}. A webhook the receiver does not answer with 2xx is sent again, as Knot
 * retries, up to {@value #ATTEMPTS} times.
 *
 * <p>What the sandbox cannot know, it leaves out or makes up: {@code POST /card} carries only the
 * task id, so the webhook has no {@code card_id} nor {@code external_user_id}, a session id derived
 * from the task id, and a placeholder merchant; card-switch takes those from the switch itself.
 *
 * <p>Thread-safe: sends run on the sandbox's scheduler and the HTTP client's threads.
 */
public final class LifecycleWebhooks {

  /** Knot's documented CARD_FAILED reasons (knot-facts.md). */
  public static final List<String> FAILURE_REASONS = List.of("account", "card", "card expired", "insufficient funds",
      "subscription", "subscription admin", "third-party payment method on subscription",
      "too close to end of billing cycle", "too many attempts", "credentials", "otp", "credentials timeout",
      "otp timeout");
  /** Sends of one webhook at most, the first included. */
  static final int ATTEMPTS = 3;
  /** Pause before a webhook is sent again. */
  static final Duration RETRY_AFTER = Duration.ofMillis(500);

  private static final Logger LOG = LoggerFactory.getLogger(LifecycleWebhooks.class);
  private static final String CONTENT_TYPE = "application/json";

  /**
   * Where and how the lifecycle webhooks go. Immutable; validated when built; its {@code toString}
   * masks the secret.
   *
   * @param target the issuer's webhook URL, e.g. card-switch's {@code POST /knot/webhooks}
   * @param secret the Knot API secret the webhooks are signed with
   * @param delay from the accepted {@code POST /card} to the closing webhook
   * @param failureShare the share of tasks closed with CARD_FAILED, in [0, 1]
   */
  public record Settings(URI target, String secret, Duration delay, double failureShare) {

    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(2);
    public static final double DEFAULT_FAILURE_SHARE = 0.1;

    public Settings {
      Objects.requireNonNull(target, "target");
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("the lifecycle webhooks need the Knot secret to sign with: give the"
            + " sandbox's secret (or KNOT_SECRET)");
      }
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("the lifecycle webhook delay must not be negative, was " + delay);
      }
      if (!(failureShare >= 0 && failureShare <= 1)) {
        throw new IllegalArgumentException("the CARD_FAILED share must be in [0, 1], was " + failureShare);
      }
    }

    @Override
    public String toString() {
      return "Settings[target=" + target + ", secret=****, delay=" + delay + ", failureShare=" + failureShare + "]";
    }
  }

  /** What was sent, by event type and answer. */
  public record Stats(Map<String, Long> delivered, Map<String, Long> undelivered) {}

  private final Settings settings;
  private final WebhookSignature signature;
  private final RandomGenerator random;
  private final Clock clock;
  private final Scheduler scheduler;
  private final HttpClient http;
  private final Map<String, LongAdder> delivered = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> undelivered = new ConcurrentHashMap<>();

  /** Runs a task after a delay without holding a thread meanwhile. */
  @FunctionalInterface
  interface Scheduler {
    void later(Duration delay, Runnable task);
  }

  LifecycleWebhooks(Settings settings, RandomGenerator random, Clock clock, Scheduler scheduler) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.signature = new WebhookSignature(settings.secret());
    this.random = random;
    this.clock = clock;
    this.scheduler = scheduler;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  Settings settings() {
    return settings;
  }

  /** The sandbox accepted {@code POST /card} for {@code taskId}: Knot's lifecycle webhooks follow. */
  void switchAccepted(long taskId) {
    send("CARD_UPDATING", taskId, null, 1);
    boolean fails = random.nextDouble() < settings.failureShare();
    String reason = fails ? FAILURE_REASONS.get(random.nextInt(FAILURE_REASONS.size())) : null;
    scheduler.later(settings.delay(), () -> send(fails ? "CARD_FAILED" : "CARD_UPDATED", taskId, reason, 1));
  }

  Stats stats() {
    return new Stats(snapshot(delivered), snapshot(undelivered));
  }

  private void send(String event, long taskId, String reason, int attempt) {
    String session = UUID.nameUUIDFromBytes(("knot-sandbox-task-" + taskId).getBytes(StandardCharsets.UTF_8)).toString();
    ObjectNode body = SandboxHandler.JSON.createObjectNode()
        .put("event", event).put("session_id", session).put("task_id", taskId);
    body.putObject("merchant").put("id", 0).put("name", "Knot sandbox merchant");
    ObjectNode data = body.putObject("data");
    if (reason != null) {
      data.put("reason", reason);
    }
    body.put("timestamp", clock.millis());
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    String signed = signature.sign(new WebhookSignature.SignedFields(Integer.toString(bytes.length), CONTENT_TYPE,
        WebhookSignature.HMAC_SHA256, event, session));
    HttpRequest request = HttpRequest.newBuilder(settings.target())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", CONTENT_TYPE)
        .header(WebhookSignature.ENCRYPTION_TYPE_HEADER, WebhookSignature.HMAC_SHA256)
        .header(WebhookSignature.SIGNATURE_HEADER, signed)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
      if (error == null && response.statusCode() / 100 == 2) {
        count(delivered, event);
        return;
      }
      String why = error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode();
      if (attempt < ATTEMPTS) {
        scheduler.later(RETRY_AFTER, () -> send(event, taskId, reason, attempt + 1));
        return;
      }
      count(undelivered, event);
      LOG.warn("Knot sandbox: the {} webhook of task {} was not delivered to {} after {} attempts ({})", event, taskId,
          settings.target(), ATTEMPTS, why);
    });
  }

  private static void count(Map<String, LongAdder> counters, String event) {
    counters.computeIfAbsent(event, k -> new LongAdder()).increment();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> copy = new TreeMap<>();
    counters.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
