package dev.cardswitch.app.embedded;

import dev.cardswitch.CardSwitchException;

/**
 * The embedded Kafka cluster could not start, format its storage, create a topic, or elect leaders
 * in time. Reason code {@value #REASON}. Immutable; thread-safe.
 */
public final class EmbeddedKafkaException extends CardSwitchException {

  public static final String REASON = "EMBEDDED_KAFKA_FAILED";

  public EmbeddedKafkaException(String message) {
    super(REASON, message);
  }

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(REASON, message, cause);
  }
}
