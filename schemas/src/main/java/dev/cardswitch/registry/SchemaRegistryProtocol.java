package dev.cardswitch.registry;

import java.util.Locale;
import java.util.Set;

/**
 * The parts of Confluent Schema Registry's REST protocol that both the client and the development
 * registry speak: media types and Confluent's error codes (as defined by Confluent's {@code
 * io.confluent.kafka.schemaregistry.rest.exceptions.Errors}). Constants only; thread-safe.
 */
public final class SchemaRegistryProtocol {

  /** The media type of every request and response body: version 1 of the registry's API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** Request media types the registry accepts, as Confluent's resources declare them. */
  public static final Set<String> ACCEPTED_REQUEST_TYPES =
      Set.of(
          CONTENT_TYPE,
          "application/vnd.schemaregistry+json",
          "application/json",
          "application/octet-stream");

  /** The {@code Accept} header the client sends: the versioned type first, plain JSON last. */
  public static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";

  /** HTTP 404: the subject has no versions. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  /** HTTP 404: the subject exists but not this version. */
  public static final int VERSION_NOT_FOUND = 40402;
  /** HTTP 404: no schema with this id, or the schema is not registered under the subject. */
  public static final int SCHEMA_NOT_FOUND = 40403;
  /** HTTP 404: the subject has no subject-level compatibility configured. */
  public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
  /** HTTP 409: the schema breaks the subject's compatibility rule (Confluent uses the status itself). */
  public static final int INCOMPATIBLE_SCHEMA = 409;
  /** HTTP 422: the schema does not parse, or is of a type the registry does not serve. */
  public static final int INVALID_SCHEMA = 42201;
  /** HTTP 422: the version is neither an integer in [1, 2^31-1] nor {@code latest}. */
  public static final int INVALID_VERSION = 42202;
  /** HTTP 422: unknown or unsupported compatibility level. */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  /** HTTP 500: the registry's backing store failed. */
  public static final int STORE_ERROR = 50001;

  /** The compatibility rule Confluent applies by default, and the only one the dev registry knows. */
  public static final String BACKWARD = "BACKWARD";

  private SchemaRegistryProtocol() {}

  /**
   * Whether {@code contentType} (a request's header value, parameters allowed, null when absent)
   * is one the registry accepts. An absent header is accepted, as Confluent's server does.
   */
  public static boolean isAcceptedRequestType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon));
    return ACCEPTED_REQUEST_TYPES.contains(type.trim().toLowerCase(Locale.ROOT));
  }

  /** The TopicNameStrategy subject of a topic's keys or values: {@code <topic>-key}/{@code -value}. */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
