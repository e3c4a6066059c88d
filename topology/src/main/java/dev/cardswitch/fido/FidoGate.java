package dev.cardswitch.fido;

import java.util.Objects;

/**
 * The Cardinal FIDO gate of the switch: its mode (FIDO_GATE) and, unless it is off, the verifier
 * of response JWTs. Immutable; thread-safe.
 */
public final class FidoGate {

  private static final FidoGate OFF = new FidoGate(FidoGateMode.OFF, null);

  private final FidoGateMode mode;
  private final FidoResponseVerifier verifier;

  private FidoGate(FidoGateMode mode, FidoResponseVerifier verifier) {
    this.mode = mode;
    this.verifier = verifier;
  }

  /** The gate that ignores FIDO (the default). */
  public static FidoGate off() {
    return OFF;
  }

  /** A gate in {@code mode}; the verifier is required unless the mode is off. */
  public static FidoGate of(FidoGateMode mode, FidoResponseVerifier verifier) {
    Objects.requireNonNull(mode, "mode");
    if (mode == FidoGateMode.OFF) {
      return OFF;
    }
    return new FidoGate(mode, Objects.requireNonNull(verifier, "verifier (FIDO_GATE=" + mode.settingValue() + ")"));
  }

  public FidoGateMode mode() {
    return mode;
  }

  /** Whether the FIDO response is checked at all (audit or required). */
  public boolean checks() {
    return mode != FidoGateMode.OFF;
  }

  /** Whether a failed check stops the switch. */
  public boolean required() {
    return mode == FidoGateMode.REQUIRED;
  }

  /** Checks a response JWT; only for a gate that {@link #checks()}. */
  public FidoCheck check(String responseJwt, AcceptedJtis accepted, String owner) {
    if (verifier == null) {
      throw new IllegalStateException("FIDO_GATE is off: nothing to check with");
    }
    return verifier.verify(responseJwt, accepted, owner);
  }

  @Override
  public String toString() {
    return "FidoGate[" + mode.settingValue() + "]";
  }
}
