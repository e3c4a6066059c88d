package dev.cardswitch.replay;

import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which dead letters a replay selects: by reason, Knot error code, the time the dead letter was
 * written ({@code completed_at}, in {@code [from, to)}), merchant (Knot's id or its name, case
 * ignored) and task id. An empty set means "any". Whether a selected dead letter is then replayed
 * is {@link ReplayPlan}'s decision (replayable, already replayed, already switched). Immutable;
 * thread-safe.
 */
public final class ReplayFilter {

  private final Set<DeadLetterReason> reasons;
  private final Set<String> knotErrorCodes;
  private final Optional<Instant> from;
  private final Optional<Instant> to;
  private final Set<String> merchants;
  private final Set<Long> tasks;

  private ReplayFilter(Builder b) {
    this.reasons = Set.copyOf(b.reasons);
    this.knotErrorCodes = Set.copyOf(b.knotErrorCodes);
    this.from = Optional.ofNullable(b.from);
    this.to = Optional.ofNullable(b.to);
    this.merchants = Set.copyOf(b.merchants);
    this.tasks = Set.copyOf(b.tasks);
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new ReplayException(ReplayException.BAD_OPTION, "--from (" + from.get() + ") must be before --to ("
          + to.get() + ")");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Selects every dead letter. */
  public static ReplayFilter all() {
    return builder().build();
  }

  public boolean matches(DeadLetter deadLetter) {
    if (!reasons.isEmpty() && !reasons.contains(deadLetter.getReason())) {
      return false;
    }
    if (!knotErrorCodes.isEmpty() && (deadLetter.getKnotErrorCode() == null
        || !knotErrorCodes.contains(deadLetter.getKnotErrorCode().toUpperCase(Locale.ROOT)))) {
      return false;
    }
    Instant at = deadLetter.getCompletedAt();
    if (from.isPresent() && at.isBefore(from.get())) {
      return false;
    }
    if (to.isPresent() && !at.isBefore(to.get())) {
      return false;
    }
    if (!merchants.isEmpty() && !merchantMatches(deadLetter)) {
      return false;
    }
    return tasks.isEmpty() || (deadLetter.getTaskId() != null && tasks.contains(deadLetter.getTaskId()));
  }

  private boolean merchantMatches(DeadLetter deadLetter) {
    Long id = deadLetter.getMerchantId();
    String name = deadLetter.getMerchantName();
    return (id != null && merchants.contains(Long.toString(id)))
        || (name != null && merchants.contains(name.toLowerCase(Locale.ROOT)));
  }

  /** The filters in force, e.g. {@code reason=NO_CARD_REFERENCE merchant=10}; {@code all} when none. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (!reasons.isEmpty()) {
      parts.add("reason=" + String.join(",", new TreeSet<>(reasons.stream().map(Enum::name).toList())));
    }
    if (!knotErrorCodes.isEmpty()) {
      parts.add("knot_error_code=" + String.join(",", new TreeSet<>(knotErrorCodes)));
    }
    from.ifPresent(f -> parts.add("from=" + f.truncatedTo(ChronoUnit.SECONDS)));
    to.ifPresent(t -> parts.add("to=" + t.truncatedTo(ChronoUnit.SECONDS)));
    if (!merchants.isEmpty()) {
      parts.add("merchant=" + String.join(",", new TreeSet<>(merchants)));
    }
    if (!tasks.isEmpty()) {
      parts.add("task=" + String.join(",", new TreeSet<>(tasks).stream().map(String::valueOf).toList()));
    }
    return parts.isEmpty() ? "all" : String.join(" ", parts);
  }

  /** Builds a filter; values are checked as they are added. Not thread-safe. */
  public static final class Builder {
    private final Set<DeadLetterReason> reasons = new LinkedHashSet<>();
    private final Set<String> knotErrorCodes = new LinkedHashSet<>();
    private Instant from;
    private Instant to;
    private final Set<String> merchants = new LinkedHashSet<>();
    private final Set<Long> tasks = new LinkedHashSet<>();

    private Builder() {}

    /** Reason names, case ignored; {@code UNKNOWN} is not a reason a dead letter is written with. */
    public Builder reasons(Collection<String> names) {
      for (String name : names) {
        try {
          reasons.add(DeadLetterReason.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new ReplayException(ReplayException.BAD_OPTION, "--reason " + name + " is not a dead-letter reason:"
              + " use one of " + Arrays.toString(DeadLetterReason.values()));
        }
      }
      return this;
    }

    public Builder reason(DeadLetterReason reason) {
      reasons.add(reason);
      return this;
    }

    /** Knot's error codes (INVALID_JWE, INVALID_FIELD, ...), case ignored. */
    public Builder knotErrorCodes(Collection<String> codes) {
      codes.forEach(c -> knotErrorCodes.add(c.trim().toUpperCase(Locale.ROOT)));
      return this;
    }

    /** Dead letters written at or after {@code from}. */
    public Builder from(Instant from) {
      this.from = from;
      return this;
    }

    /** Dead letters written before {@code to}. */
    public Builder to(Instant to) {
      this.to = to;
      return this;
    }

    /** Knot merchant ids or names, case ignored. */
    public Builder merchants(Collection<String> merchantsOrIds) {
      merchantsOrIds.forEach(m -> merchants.add(m.trim().toLowerCase(Locale.ROOT)));
      return this;
    }

    public Builder tasks(Collection<Long> taskIds) {
      tasks.addAll(taskIds);
      return this;
    }

    public ReplayFilter build() {
      return new ReplayFilter(this);
    }
  }
}
