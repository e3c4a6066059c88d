package dev.cardswitch.topology;

import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.fido.FidoGate;
import dev.cardswitch.knot.KnotGateway;
import dev.cardswitch.vault.CardVault;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The narrow interfaces the topology is driven through, so tests can drive it: Knot (where cards
 * go), the key ring (which opens card envelopes), the clock (which decides deadlines), and the
 * metrics the topology reports to, and the drain a stopping service finishes its calls to Knot with;
 * the card vault, where a card reference carrying a {@code card_token} is looked up
 * ({@link CardVault#NONE} in a deployment without one); the Cardinal FIDO gate (off unless
 * {@link #withFido} sets one); and the executor that opens card envelopes, makes Knot's JWE and starts
 * the call, off the stream thread (in place, on the calling thread, unless {@link #withCardWork} sets one).
 */
public record SwitchPorts(KnotGateway knot, KeyRing keyRing, Clock clock, SwitchMetrics metrics, CallDrain drain,
    CardVault vault, FidoGate fido, Executor cardWork) {

  public SwitchPorts {
    Objects.requireNonNull(knot, "knot");
    Objects.requireNonNull(keyRing, "keyRing");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(drain, "drain");
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(fido, "fido");
    Objects.requireNonNull(cardWork, "cardWork");
  }

  /** Ports without a FIDO gate (FIDO_GATE=off). */
  public SwitchPorts(KnotGateway knot, KeyRing keyRing, Clock clock, SwitchMetrics metrics, CallDrain drain,
      CardVault vault) {
    this(knot, keyRing, clock, metrics, drain, vault, FidoGate.off(), Runnable::run);
  }

  /** Ports without a card vault (card references must carry their card in an envelope) nor a FIDO gate. */
  public SwitchPorts(KnotGateway knot, KeyRing keyRing, Clock clock, SwitchMetrics metrics, CallDrain drain) {
    this(knot, keyRing, clock, metrics, drain, CardVault.NONE);
  }

  /** Ports with a drain of their own (nothing stops them early). */
  public SwitchPorts(KnotGateway knot, KeyRing keyRing, Clock clock, SwitchMetrics metrics) {
    this(knot, keyRing, clock, metrics, new CallDrain());
  }

  /** These ports with the Cardinal FIDO gate {@code gate}. */
  public SwitchPorts withFido(FidoGate gate) {
    return new SwitchPorts(knot, keyRing, clock, metrics, drain, vault, gate, cardWork);
  }

  /** These ports with card work (opening envelopes, Knot's JWE, starting the call) run on {@code executor}. */
  public SwitchPorts withCardWork(Executor executor) {
    return new SwitchPorts(knot, keyRing, clock, metrics, drain, vault, fido, executor);
  }
}
