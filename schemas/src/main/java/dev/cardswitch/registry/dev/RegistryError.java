package dev.cardswitch.registry.dev;

import java.util.Optional;

/**
 * An answer of the development registry in Confluent's error form: HTTP status, {@code
 * error_code} and message. Internal to the registry. Immutable; thread-safe.
 */
final class RegistryError extends RuntimeException {

  private final int status;
  private final int errorCode;
  private final String allowedMethods;

  RegistryError(int status, int errorCode, String message) {
    this(status, errorCode, message, null);
  }

  private RegistryError(int status, int errorCode, String message, String allowedMethods) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
    this.allowedMethods = allowedMethods;
  }

  /** A known path asked with a method it does not serve, answered as Confluent's REST layer does. */
  static RegistryError methodNotAllowed(String allowedMethods) {
    return new RegistryError(405, 405, "HTTP 405 Method Not Allowed", allowedMethods);
  }

  /** The {@code Allow} header's value, for 405 answers. */
  Optional<String> allowedMethods() {
    return Optional.ofNullable(allowedMethods);
  }

  int status() {
    return status;
  }

  int errorCode() {
    return errorCode;
  }
}
