package dev.cardswitch.knot;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Knot's error body ({@code error_type}, {@code error_code}, {@code error_message}), as in seeds 000
 * and 001, e.g. {@code INVALID_INPUT / INVALID_JWE / "invalid jwe"}. Immutable.
 *
 * <p>The message comes from a remote server: it is kept to at most {@value #MAX_MESSAGE_LENGTH}
 * characters, and any run of {@value #MASKED_DIGIT_RUN} or more digits is masked, so that a server
 * echoing a card number back cannot put it into our logs or dead letters.
 */
public record KnotError(String errorType, String errorCode, String errorMessage) {

  public static final int MAX_MESSAGE_LENGTH = 300;
  public static final int MASKED_DIGIT_RUN = 6;

  private static final Pattern DIGIT_RUN = Pattern.compile("\\d{" + MASKED_DIGIT_RUN + ",}");

  public KnotError {
    errorType = Objects.requireNonNullElse(errorType, "");
    errorCode = Objects.requireNonNullElse(errorCode, "");
    errorMessage = sanitize(Objects.requireNonNullElse(errorMessage, ""));
  }

  private static String sanitize(String message) {
    String shortened = message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) + "..." : message;
    return DIGIT_RUN.matcher(shortened).replaceAll("<digits>");
  }

  /** Whether this is Knot's "the JWE could not be decrypted" answer, which a rotated key causes. */
  public boolean isInvalidJwe() {
    return "INVALID_JWE".equals(errorCode);
  }

  /** Whether this is Knot's answer to bad credentials. */
  public boolean isInvalidApiKeys() {
    return "INVALID_API_KEYS".equals(errorCode);
  }

  @Override
  public String toString() {
    return errorType + "/" + errorCode + " \"" + errorMessage + "\"";
  }
}
