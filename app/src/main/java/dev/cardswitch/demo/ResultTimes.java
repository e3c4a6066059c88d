package dev.cardswitch.demo;

import java.time.Instant;
import java.util.Objects;

/**
 * The times of one result as {@link ResultCollector} read it: those the service wrote into the
 * outcome or dead letter, and when the collector's consumer received the record. Immutable;
 * thread-safe.
 *
 * @param receivedAt when the webhook was received ({@code received_at}), null if not recorded
 * @param lastAttemptAt when the last {@code POST /card} was started, null if Knot was not called
 * @param completedAt when the service decided the result ({@code completed_at})
 * @param httpStatus Knot's last HTTP status, null if Knot was not called or never answered
 * @param readAt when a {@code read_committed} consumer received the record (the collector's clock,
 *     taken as the poll that returned it came back)
 */
public record ResultTimes(
    Instant receivedAt, Instant lastAttemptAt, Instant completedAt, Integer httpStatus, Instant readAt) {

  public ResultTimes {
    Objects.requireNonNull(completedAt, "completedAt");
    Objects.requireNonNull(readAt, "readAt");
  }
}
