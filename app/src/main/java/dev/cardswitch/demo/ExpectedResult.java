package dev.cardswitch.demo;

import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;

/** What a planned demo event must end as, given how it was made. Immutable; thread-safe. */
public enum ExpectedResult {
  /** {@code send_card=true}, a valid card with a reference: Knot accepts {@code POST /card}. */
  SWITCHED(TaskResult.of(SwitchStatus.SWITCHED)),
  /** {@code send_card=false}: no call, as Knot asks. */
  SKIPPED(TaskResult.of(SwitchStatus.SKIPPED)),
  /** A card id without any reference: dead-lettered once the window closes. */
  NO_CARD_REFERENCE(TaskResult.of(DeadLetterReason.NO_CARD_REFERENCE)),
  /** A card document breaking one of Knot's rules: dead-lettered without calling Knot. */
  INVALID_CARD_DATA(TaskResult.of(DeadLetterReason.INVALID_CARD_DATA)),
  /** With FIDO_GATE=required, a card whose reference carries a failed (or no) Cardinal FIDO result. */
  CARDHOLDER_NOT_AUTHENTICATED(TaskResult.of(DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED)),
  /** Card-vault lookup mode: a reference whose token the card-management platform does not know. */
  CARD_NOT_FOUND(TaskResult.of(DeadLetterReason.CARD_NOT_FOUND));

  private final TaskResult result;

  ExpectedResult(TaskResult result) {
    this.result = result;
  }

  /** The result on the outcome or dead-letter topic that this expectation means. */
  public TaskResult result() {
    return result;
  }
}
