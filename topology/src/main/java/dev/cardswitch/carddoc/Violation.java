package dev.cardswitch.carddoc;

import java.util.Objects;

/**
 * One broken rule of a card document: the field path (e.g. {@code user.address.region}) and the
 * rule it breaks (e.g. "must be an ISO 3166-2 subdivision code of user.address.country"). Neither
 * part ever contains the field's value, so a violation may be logged, put in an exception message
 * or a dead letter. Immutable and thread-safe.
 *
 * @param fieldPath dotted path of the field; {@code $} stands for the document itself
 * @param rule what the value must be, phrased without the value
 */
public record Violation(String fieldPath, String rule) {

  /** Field path used for problems of the document as a whole (not JSON, trailing content). */
  public static final String DOCUMENT_PATH = "$";

  public Violation {
    Objects.requireNonNull(fieldPath, "fieldPath");
    Objects.requireNonNull(rule, "rule");
    if (fieldPath.isBlank() || rule.isBlank()) {
      throw new IllegalArgumentException("fieldPath and rule must not be blank");
    }
  }

  @Override
  public String toString() {
    return fieldPath + ": " + rule;
  }
}
