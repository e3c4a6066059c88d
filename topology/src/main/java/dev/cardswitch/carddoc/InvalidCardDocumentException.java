package dev.cardswitch.carddoc;

import dev.cardswitch.CardSwitchException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A card document that cannot be sent to Knot: not JSON, the wrong structure, or values breaking
 * Knot's documented rules. Carries every {@link Violation} found; the message lists their field
 * paths and rules only, never a value, and no cause is attached (a parser's own message may quote
 * the input). Reason code {@value #REASON}.
 */
public final class InvalidCardDocumentException extends CardSwitchException {

  /** The reason code, also the dead-letter reason of a card that fails validation. */
  public static final String REASON = "INVALID_CARD_DATA";

  private final List<Violation> violations;

  /** @param violations at least one violation */
  public InvalidCardDocumentException(List<Violation> violations) {
    super(REASON, message(violations));
    this.violations = List.copyOf(violations);
  }

  private static String message(List<Violation> violations) {
    if (violations == null || violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid card document has at least one violation");
    }
    return "invalid card document, "
        + violations.size()
        + (violations.size() == 1 ? " violation: " : " violations: ")
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** Every violation found, in document order; never empty. */
  public List<Violation> violations() {
    return violations;
  }
}
