package dev.cardswitch.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and password for HTTP basic authentication against a schema registry. The password
 * never leaves this object except inside {@link #authorizationHeader()}; {@link #toString()}
 * masks it. Immutable and thread-safe.
 */
public final class BasicCredentials {

  private final String user;
  private final String password;

  private BasicCredentials(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /**
   * @param user non-empty, without {@code ':'} (basic authentication cannot carry one)
   * @param password may be empty
   */
  public static BasicCredentials of(String user, String password) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (user.isEmpty() || user.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "basic-auth user must be non-empty and contain no ':' (got a user of "
              + user.length()
              + " characters)");
    }
    return new BasicCredentials(user, password);
  }

  /**
   * Parses Confluent's {@code basic.auth.user.info} form, {@code user:password} (the password may
   * contain further colons). The error never repeats the value: it may be a secret.
   */
  public static BasicCredentials parseUserInfo(String userInfo) {
    Objects.requireNonNull(userInfo, "userInfo");
    int colon = userInfo.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "basic-auth user info must have the form user:password (value not shown: it is a secret)");
    }
    return of(userInfo.substring(0, colon), userInfo.substring(colon + 1));
  }

  public String user() {
    return user;
  }

  /** The value of an {@code Authorization} header carrying these credentials. Never log it. */
  public String authorizationHeader() {
    byte[] raw = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(raw);
  }

  /**
   * Whether an {@code Authorization} header value carries exactly these credentials, compared in
   * constant time.
   */
  public boolean matchesAuthorizationHeader(String header) {
    if (header == null) {
      return false;
    }
    return MessageDigest.isEqual(
        authorizationHeader().getBytes(StandardCharsets.UTF_8),
        header.trim().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + ", password=****]";
  }
}
