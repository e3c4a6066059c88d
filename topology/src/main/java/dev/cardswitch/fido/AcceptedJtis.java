package dev.cardswitch.fido;

import java.time.Instant;

/**
 * Where accepted FIDO response jtis are remembered, so that each is accepted once. The switch
 * topology keeps them in its changelogged {@code fido-used-jti-store} on the card_id partition.
 * Implementations state their own thread-safety.
 */
public interface AcceptedJtis {

  /**
   * Records {@code jti} as accepted for {@code owner} unless another owner holds it. Accepting again
   * for the same owner succeeds. The switch's owner is the card (card_id) whose reference carries
   * the token: see {@code FidoJtiStore} for why not the task.
   *
   * @param expiresAt when the token expires: the entry need not be kept beyond it
   * @return false when another owner already accepted this jti (a replay)
   */
  boolean acceptOnce(String jti, String owner, Instant expiresAt);
}
