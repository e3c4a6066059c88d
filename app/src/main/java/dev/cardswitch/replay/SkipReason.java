package dev.cardswitch.replay;

/** Why a selected dead letter is not replayed; each with the words the report prints. Immutable. */
public enum SkipReason {
  /** The dead letter holds no readable event (MALFORMED_EVENT of unreadable bytes): nothing to re-submit. */
  NO_EVENT("no readable event to re-submit"),
  /** The replay ledger says this dead letter, or a later one of its task, was replayed already. */
  ALREADY_REPLAYED("already replayed"),
  /** Not marked replayable (the same input would fail the same way) and {@code --force} not given. */
  NOT_REPLAYABLE("not replayable (--force to replay anyway)"),
  /** The task has an outcome on the outcome topic: it was switched (or skipped) meanwhile. */
  ALREADY_SWITCHED("already switched (the task has an outcome)"),
  /** A later dead letter of the same task is replayed in this run instead: one event per task. */
  SUPERSEDED("a later dead letter of the task is replayed instead");

  private final String words;

  SkipReason(String words) {
    this.words = words;
  }

  /** For the human report. */
  public String words() {
    return words;
  }
}
