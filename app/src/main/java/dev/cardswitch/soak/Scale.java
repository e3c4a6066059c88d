package dev.cardswitch.soak;

import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.knot.client.KnotClientConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How big and long the fault runs are: the same scenarios run small in the tests ({@link #CI}) and
 * long in {@code card-switch soak} ({@link #SOAK}). A Knot fault is a phase of {@code during}
 * between {@code before} and {@code after} of normal service, at {@code rate} events per second;
 * process faults use {@code kills} and the same rate. {@code serviceSettings} go to every instance.
 * Immutable; thread-safe.
 *
 * @param outage how long Knot refuses connections in the outage run
 * @param kills how many SIGKILLs the kill run makes
 * @param secondInstance how long the second instance runs in the rebalance run. Kafka Streams gives a
 *     joining instance a stateful task at once only if its state is small (within
 *     {@code acceptable.recovery.lag}, 10,000 records); otherwise once a warm-up copy has caught up, at
 *     the next probing rebalance ({@code PROBING_REBALANCE_INTERVAL}, 1 minute). The soak's state is
 *     large enough for the second, so its second instance runs past one probing interval.
 * @param unknownCardPercent share of events for cards without a reference in the Knot fault runs
 *     (their dead letters only come when the window closes, which lengthens a run)
 */
public record Scale(String name, double rate, Duration before, Duration during, Duration after, Duration outage,
    Duration secondInstance, int kills, int unknownCardPercent, Map<String, String> serviceSettings) {

  /** For {@code mvn verify}: a few hundred events per fault, an 8-second outage, 5 kills. */
  public static final Scale CI = new Scale("ci", 10, Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(5), 5, 0,
      Map.of(KnotClientConfig.KNOT_CIRCUIT_OPEN_WAIT, "PT2S", AppConfig.TOPIC_PARTITIONS, "3"));

  /** For {@code card-switch soak}: thousands of events per fault, Knot's 30-second outage, 20 kills. */
  public static final Scale SOAK = new Scale("soak", 40, Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(15), Duration.ofSeconds(30),
      AppConfig.DEFAULT_PROBING_REBALANCE_INTERVAL.plusSeconds(30), 20, 3, Map.of());

  public Scale {
    Objects.requireNonNull(name, "name");
    serviceSettings = Map.copyOf(serviceSettings);
    if (!(rate > 0) || kills < 0) {
      throw new IllegalArgumentException("a scale needs a positive rate and kills >= 0");
    }
  }

  /** The circuit breaker's open wait the instances run with. */
  public Duration circuitOpenWait() {
    String v = serviceSettings.get(KnotClientConfig.KNOT_CIRCUIT_OPEN_WAIT);
    return v == null ? KnotClientConfig.DEFAULT_KNOT_CIRCUIT_OPEN_WAIT
        : KnotClientConfig.parseDuration(KnotClientConfig.KNOT_CIRCUIT_OPEN_WAIT, v);
  }

  /** Events for {@code length} of production at this rate (at least 20). */
  public int eventsFor(Duration length) {
    return (int) Math.max(20, Math.round(rate * length.toMillis() / 1000.0));
  }
}
