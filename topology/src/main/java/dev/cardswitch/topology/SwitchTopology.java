package dev.cardswitch.topology;

import dev.cardswitch.topology.internal.SwitchStreams;
import org.apache.kafka.streams.Topology;

/**
 * Builds the card-switch topology: a pure function of the configuration and the ports; it starts
 * nothing. The path of one event, in the order a reader should open the files:
 *
 * <ol>
 *   <li>{@code internal/SwitchStreams}: the wiring (topics, repartition, join, stores);
 *   <li>{@code internal/EventRouter}: SKIPPED, malformed, too late, or on to the switch by card_id;
 *   <li>{@code internal/ReleaseProcessor}: a late card reference releases waiting requests;
 *   <li>{@code internal/SwitchProcessor}: decrypt, validate, call Knot without blocking, outcome or
 *       dead letter, restart safety;
 *   <li>{@code deadletter/DeadLetterExceptionHandler}: unreadable records and unexpected failures.
 * </ol>
 *
 * After the switch, off its path: {@code lifecycle/LifecycleStreams} closes each SWITCHED task with
 * one lifecycle record (Knot's CARD_UPDATED or CARD_FAILED, or NO_CONFIRMATION), and
 * {@code status/SwitchStatusStreams} keeps each task's history for {@code GET /switches/{task_id}}.
 */
public final class SwitchTopology {

  private SwitchTopology() {}

  /**
   * The topology. Every stateful or branching node is named, so state stores and internal topics
   * keep their names across releases.
   *
   * @see dev.cardswitch.topology.internal.StoreNames
   */
  public static Topology build(TopologyConfig config, SwitchPorts ports, TopologySerdes serdes) {
    // Webhook values above MAX_EVENT_BYTES are refused before they are decoded (a MALFORMED_EVENT dead letter).
    return SwitchStreams.build(config, ports, serdes.withMaxEventBytes(config.maxEventBytes()));
  }

}
