package dev.cardswitch.registry;

import java.util.List;
import java.util.Objects;

/**
 * The registry's answer to a compatibility test: whether the schema may be registered under the
 * subject, and the registry's explanations (present when the registry gave them). Immutable;
 * thread-safe.
 */
public record CompatibilityCheck(boolean compatible, List<String> messages) {

  public CompatibilityCheck {
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
  }
}
