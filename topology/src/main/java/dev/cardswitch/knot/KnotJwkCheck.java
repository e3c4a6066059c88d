package dev.cardswitch.knot;

import java.util.Objects;

/**
 * The result of one of the checks {@link KnotJwk} makes on the key Knot serves: its name (the JWK
 * member it is about, e.g. {@code use}), whether it passed, and a sentence saying why. Public keys
 * hold no secret, so the detail may quote the JWK's members. Immutable.
 */
public record KnotJwkCheck(String name, boolean passed, String detail) {

  public KnotJwkCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
  }

  static KnotJwkCheck pass(String name, String detail) {
    return new KnotJwkCheck(name, true, detail);
  }

  static KnotJwkCheck fail(String name, String detail) {
    return new KnotJwkCheck(name, false, detail);
  }

  @Override
  public String toString() {
    return (passed ? "ok   " : "FAIL ") + name + ": " + detail;
  }
}
