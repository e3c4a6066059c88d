package dev.cardswitch.registry.dev;

/**
 * The development registry's store failed (the Kafka topic could not be created, written or read
 * in time). The registry answers such failures with Confluent's {@code 50001}. The message names
 * the store and the fix; it holds no credentials. Immutable; thread-safe.
 */
public class SchemaStoreException extends RuntimeException {

  public SchemaStoreException(String message) {
    super(message);
  }

  public SchemaStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
