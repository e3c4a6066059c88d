package dev.cardswitch.demo;

import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import java.util.Objects;

/**
 * What became of one task, as the result topics say: an outcome with its status, or a dead letter
 * with its reason. The two enums share a symbol ({@code UNKNOWN}), hence the kind. Immutable;
 * thread-safe.
 *
 * @param kind which topic the result came from
 * @param name the {@link SwitchStatus} or {@link DeadLetterReason} symbol
 */
public record TaskResult(Kind kind, String name) {

  /** The topic a result is read from. */
  public enum Kind {
    OUTCOME,
    DEAD_LETTER
  }

  public TaskResult {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static TaskResult of(SwitchStatus status) {
    return new TaskResult(Kind.OUTCOME, status.name());
  }

  public static TaskResult of(DeadLetterReason reason) {
    return new TaskResult(Kind.DEAD_LETTER, reason.name());
  }

  /** {@code SWITCHED}, or {@code dead letter NO_CARD_REFERENCE}. */
  @Override
  public String toString() {
    return kind == Kind.OUTCOME ? name : "dead letter " + name;
  }
}
