package dev.cardswitch.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads an instance's admin endpoints ({@code /health}, {@code /metrics}) as a monitoring system
 * would. Stateless; thread-safe.
 */
public final class AdminProbe {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(50);

  private AdminProbe() {}

  /** {@code GET /health}'s body; empty when the instance does not answer. */
  public static Optional<JsonNode> health(ServiceProcess instance) {
    return get(instance, "/health").flatMap(body -> {
      try {
        return Optional.of(JSON.readTree(body));
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  /** {@code GET /metrics}'s body; empty when the instance does not answer. */
  public static Optional<String> metrics(ServiceProcess instance) {
    return get(instance, "/metrics");
  }

  /**
   * Polls {@code /health} until {@code condition} holds.
   *
   * @return how long that took, or empty if it did not hold within {@code timeout}
   */
  public static Optional<Duration> awaitHealth(ServiceProcess instance, Predicate<JsonNode> condition,
      Duration timeout) {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Optional<JsonNode> health = health(instance);
      if (health.isPresent() && condition.test(health.get())) {
        return Optional.of(Duration.between(start, Instant.now()));
      }
      try {
        Thread.sleep(POLL.toMillis()); // polling an endpoint: there is nothing to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SoakException(SoakException.INTERRUPTED, "interrupted while polling /health", e);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> get(ServiceProcess instance, String path) {
    if (instance.adminPort().isEmpty()) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + instance.adminPort().getAsInt() + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return Optional.of(r.body());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted while reading " + path, e);
    }
  }
}
