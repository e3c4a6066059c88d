package dev.cardswitch.registry;

/**
 * A schema registry call failed: the registry answered with an error, could not be reached, or
 * answered something that is not the registry's protocol. Carries the HTTP status and Confluent's
 * {@code error_code} when the registry answered, and always the registry's URL (without any
 * credentials). The message names the request, the registry's own explanation and, where there is
 * one, the fix; it never holds credentials. Immutable; thread-safe.
 *
 * <p>It extends {@link RuntimeException} rather than the service's base exception because the
 * {@code schemas} module stands below the module that defines it.
 */
public class SchemaRegistryException extends RuntimeException {

  /** Value of {@link #httpStatus()} and {@link #errorCode()} when the registry gave none. */
  public static final int NONE = -1;

  private final int httpStatus;
  private final int errorCode;
  private final String url;

  public SchemaRegistryException(
      String message, int httpStatus, int errorCode, String url, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.url = url;
  }

  /** The HTTP status the registry answered with, or {@link #NONE} when it did not answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's {@code error_code} from the answer's body, or {@link #NONE}. */
  public int errorCode() {
    return errorCode;
  }

  /** The registry's base URL, credentials removed. */
  public String url() {
    return url;
  }

  /** Whether the registry never answered (connection refused, timeout, interrupted...). */
  public boolean isUnreachable() {
    return httpStatus == NONE;
  }

  /** Whether the registry said it has no such schema (error code 40403). */
  public boolean isSchemaNotFound() {
    return errorCode == SchemaRegistryProtocol.SCHEMA_NOT_FOUND;
  }

  /** Whether the registry said the subject does not exist (error code 40401). */
  public boolean isSubjectNotFound() {
    return errorCode == SchemaRegistryProtocol.SUBJECT_NOT_FOUND;
  }
}
