package dev.cardswitch.knot.client;

import java.time.Duration;

/**
 * What the Knot client reports about each {@code POST /card} exchange, for metrics: how long Knot
 * took to answer, and how much of the switch's window was left when it did. Called on HTTP client
 * threads, once per exchange (a retry is a second exchange); implementations must be thread-safe,
 * cheap and never block. It receives no card data and no task id.
 */
@FunctionalInterface
public interface KnotCallObserver {

  /**
   * A {@code POST /card} ended: answered by Knot, or timed out / failed without an answer.
   *
   * @param latency from sending the request to its answer or failure
   * @param leftInWindow from then to the switch's deadline; negative if the deadline had passed
   */
  void cardExchanged(Duration latency, Duration leftInWindow);

  /** An observer that records nothing. */
  static KnotCallObserver none() {
    return (latency, leftInWindow) -> {};
  }
}
