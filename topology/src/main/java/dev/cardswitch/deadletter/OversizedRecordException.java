package dev.cardswitch.deadletter;

import dev.cardswitch.CardSwitchException;

/**
 * A record value larger than card-switch accepts on that topic ({@code MAX_EVENT_BYTES} on the
 * webhook topic). Thrown before the value is decoded, so a huge or hostile record costs no parsing;
 * the dead-letter handler turns it into a {@code MALFORMED_EVENT} with the value's size and digest.
 * Carries the sizes, never the bytes.
 */
public final class OversizedRecordException extends CardSwitchException {

  public static final String REASON = "OVERSIZED_RECORD";

  private final String topic;
  private final int size;
  private final int limit;

  public OversizedRecordException(String topic, int size, int limit, String setting) {
    super(REASON, "the value is " + size + " bytes, more than " + setting + "=" + limit
        + " bytes on topic " + topic + ": it was not decoded; shrink the record at its producer, or raise "
        + setting);
    this.topic = topic;
    this.size = size;
    this.limit = limit;
  }

  public String topic() {
    return topic;
  }

  /** The size of the refused value, in bytes. */
  public int size() {
    return size;
  }

  /** The largest value accepted, in bytes. */
  public int limit() {
    return limit;
  }
}
