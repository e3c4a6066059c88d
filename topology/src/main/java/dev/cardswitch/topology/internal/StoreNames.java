package dev.cardswitch.topology.internal;

/**
 * Names of the topology's state stores and internal topics. They name changelog and repartition
 * topics on the broker: renaming one is a migration, not a refactor.
 */
public final class StoreNames {

  /** card_id → CardReference, materialized from the card-reference topic. */
  public static final String CARD_REFERENCES = "card-references-store";
  /** card_id → switch requests waiting for their card reference. */
  public static final String WAITING = "waiting-for-reference-store";
  /** task_id → switch whose POST /card is in flight. */
  public static final String PENDING = "pending-switch-store";
  /** task_id → when it was switched (window store, for de-duplication). */
  public static final String SWITCHED = "switched-task-store";
  /** Counts the commits of a task (holds nothing, no changelog): see CommitMarker. */
  public static final String COMMIT_MARKER = "commit-marker";
  /**
   * Cardinal FIDO response jti → the card it was accepted for (window store): a FIDO result
   * authorises the card whose reference carries it, no other. Kept 2 h plus a margin, past the life of any token (see FidoResponseVerifier).
   */
  public static final String FIDO_USED_JTI = "fido-used-jti-store";
  /** Repartition topic carrying switch requests keyed by card_id: {@code <application.id>-switch-requests-repartition}. */
  public static final String SWITCH_REQUESTS = "switch-requests";

  private StoreNames() {}
}
