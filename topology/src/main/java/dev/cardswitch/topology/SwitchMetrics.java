package dev.cardswitch.topology;

/**
 * What the topology counts, beyond Kafka Streams' own metrics. Implementations are thread-safe and
 * cheap (called on the stream thread); they never receive card data or task-level identifiers.
 */
public interface SwitchMetrics {

  /**
   * A webhook event of this type (Knot's {@code event} field, e.g. AUTHENTICATED) was read from the
   * webhook topic, handled or not.
   */
  default void eventReceived(String eventType) {}

  /** An event of a type the topology does not handle (yet) was ignored. */
  void eventIgnored(String eventType);

  /** A switch ended in an outcome with this status (e.g. SWITCHED, SKIPPED). */
  void outcome(String status);

  /** A switch ended in a dead letter with this reason (e.g. DEADLINE_EXCEEDED). */
  void deadLetter(String reason);

  /** {@code POST /card} was sent again for a task after a restart found its call in flight. */
  void resentAfterRestart();

  /** Calls to Knot in flight changed by {@code delta}. */
  void inFlight(int delta);

  /**
   * The switch-status store skipped a record of {@code topic} it could not read (it is not the
   * switch's input, so it gets no dead letter of its own).
   */
  default void statusRecordSkipped(String topic) {}

  /**
   * A closing webhook (CARD_UPDATED, CARD_FAILED) of a task card-switch did not switch in time was
   * dropped: it stays in the task's history, and no lifecycle record is published for it.
   */
  default void lifecycleUnmatched(String eventType) {}

  /** A metrics sink that records nothing. */
  static SwitchMetrics none() {
    return new SwitchMetrics() {
      @Override public void eventIgnored(String eventType) {}
      @Override public void outcome(String status) {}
      @Override public void deadLetter(String reason) {}
      @Override public void resentAfterRestart() {}
      @Override public void inFlight(int delta) {}
    };
  }
}
