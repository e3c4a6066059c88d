package dev.cardswitch.replay;

import java.util.Objects;
import java.util.Optional;

/**
 * The decision for one selected dead letter: replay it, or skip it for a {@link SkipReason}; and
 * whether Knot's own 15-second window, counted from Knot's timestamp of the event, has closed (a
 * replay then switches only if Knot still accepts a card for the task; see the README). Immutable.
 *
 * @param skip why it is not replayed; empty when it is
 * @param knotWindowClosed whether Knot's window for the original event closed before the replay
 */
public record PlannedReplay(ReplayCandidate candidate, Optional<SkipReason> skip, boolean knotWindowClosed) {

  public PlannedReplay {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(skip, "skip");
  }

  public boolean replays() {
    return skip.isEmpty();
  }
}
