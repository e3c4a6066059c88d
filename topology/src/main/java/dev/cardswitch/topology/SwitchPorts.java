package dev.cardswitch.topology;

import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.knot.KnotGateway;
import java.time.Clock;
import java.util.Objects;

/**
 * The narrow interfaces the topology is driven through, so tests can drive it: Knot (where cards
 * go), the key ring (which opens card envelopes), the clock (which decides deadlines), and the
 * metrics the topology reports to.
 */
public record SwitchPorts(KnotGateway knot, KeyRing keyRing, Clock clock, SwitchMetrics metrics) {

  public SwitchPorts {
    Objects.requireNonNull(knot, "knot");
    Objects.requireNonNull(keyRing, "keyRing");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(metrics, "metrics");
  }
}
