package dev.cardswitch.knot;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Knot's public encryption key, as served by {@code GET /jwe/key}, checked to fit Knot's JWE recipe
 * (seed 000: "RSA 2048 certificate in JWK format, RSA-OAEP-256 as key encryption algorithm").
 *
 * <p>The checks, each reported by {@link #inspect(String)} and, when one fails, by {@link
 * InvalidKnotJwkException}:
 *
 * <ul>
 *   <li>{@code kty}: must be {@code RSA};
 *   <li>{@code modulus}: {@code n} and {@code e} well formed, modulus at least {@value
 *       #MIN_MODULUS_BITS} bits;
 *   <li>{@code use}: absent or {@code enc};
 *   <li>{@code key_ops}: absent, or holding {@code encrypt} or {@code wrapKey};
 *   <li>{@code alg}: absent or {@code RSA-OAEP-256};
 *   <li>{@code kid}: required (non-blank), because every JWE carries it in its header so that Knot
 *       knows which of its keys opens it, and a rotation is detected by a changed {@code kid}.
 * </ul>
 *
 * <p>Only the public part of the key is kept. Immutable and thread-safe.
 */
public final class KnotJwk {

  /** The smallest RSA modulus accepted, in bits (Knot's recipe: RSA 2048). */
  public static final int MIN_MODULUS_BITS = 2048;

  /** The only key-encryption algorithm Knot's recipe uses. */
  public static final JWEAlgorithm ALGORITHM = JWEAlgorithm.RSA_OAEP_256;

  private final RSAKey publicJwk;
  private final RSAPublicKey publicKey;
  private final String kid;
  private final String thumbprint;

  private KnotJwk(RSAKey publicJwk) {
    this.publicJwk = publicJwk;
    this.kid = publicJwk.getKeyID();
    try {
      this.publicKey = publicJwk.toRSAPublicKey();
      this.thumbprint = publicJwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      // Unreachable after inspect(): the modulus check has already built this key.
      throw new IllegalStateException("RSA public key could not be built", e);
    }
  }

  /**
   * Parses and checks the JSON Knot served.
   *
   * @throws InvalidKnotJwkException naming every check that failed
   */
  public static KnotJwk parse(String json) {
    Objects.requireNonNull(json, "json");
    List<KnotJwkCheck> checks = inspect(json);
    List<KnotJwkCheck> failed = checks.stream().filter(c -> !c.passed()).toList();
    if (!failed.isEmpty()) {
      throw new InvalidKnotJwkException(failed);
    }
    try {
      return new KnotJwk(RSAKey.parse(json).toPublicJWK());
    } catch (ParseException e) {
      throw new IllegalStateException("JWK parsed in inspect() but not now", e);
    }
  }

  /** Checks an {@link RSAKey} (e.g. the sandbox's own) the same way as {@link #parse(String)}. */
  public static KnotJwk of(RSAKey key) {
    return parse(key.toPublicJWK().toJSONString());
  }

  /**
   * Runs every check on the JSON and reports each, passed or failed, in a fixed order. Never
   * throws for bad input: a JSON that is not an object yields one failed {@code json} check.
   */
  public static List<KnotJwkCheck> inspect(String json) {
    List<KnotJwkCheck> checks = new ArrayList<>();
    Map<String, Object> members;
    try {
      members = JSONObjectUtils.parse(json == null ? "" : json);
    } catch (ParseException e) {
      checks.add(KnotJwkCheck.fail("json", "not a JSON object: " + e.getMessage()));
      return checks;
    }
    checks.add(KnotJwkCheck.pass("json", "a JSON object"));

    Object kty = members.get("kty");
    boolean rsa = "RSA".equals(kty);
    checks.add(rsa
        ? KnotJwkCheck.pass("kty", "RSA")
        : KnotJwkCheck.fail("kty", "is " + describe(kty) + ", must be RSA"));
    checks.add(rsa ? checkModulus(members) : KnotJwkCheck.fail("modulus", "not checked: the key is not RSA"));

    Object use = members.get("use");
    checks.add(use == null
        ? KnotJwkCheck.pass("use", "absent (no restriction)")
        : "enc".equals(use)
            ? KnotJwkCheck.pass("use", "enc")
            : KnotJwkCheck.fail("use", "is " + describe(use) + ", must be enc (a key meant for encryption)"));

    Object ops = members.get("key_ops");
    if (ops == null) {
      checks.add(KnotJwkCheck.pass("key_ops", "absent (no restriction)"));
    } else if (ops instanceof List<?> list && (list.contains("encrypt") || list.contains("wrapKey"))) {
      checks.add(KnotJwkCheck.pass("key_ops", "allows " + (list.contains("encrypt") ? "encrypt" : "wrapKey")));
    } else {
      checks.add(KnotJwkCheck.fail("key_ops", "is " + describe(ops) + ", must include encrypt or wrapKey"));
    }

    Object alg = members.get("alg");
    checks.add(alg == null
        ? KnotJwkCheck.pass("alg", "absent (RSA-OAEP-256 is used)")
        : ALGORITHM.getName().equals(alg)
            ? KnotJwkCheck.pass("alg", ALGORITHM.getName())
            : KnotJwkCheck.fail("alg", "is " + describe(alg) + ", must be " + ALGORITHM.getName()));

    Object kid = members.get("kid");
    checks.add(kid instanceof String s && !s.isBlank()
        ? KnotJwkCheck.pass("kid", s)
        : KnotJwkCheck.fail("kid", "is " + describe(kid) + ", must be a non-blank string (each JWE names its key)"));
    return checks;
  }

  private static KnotJwkCheck checkModulus(Map<String, Object> members) {
    try {
      RSAKey key = RSAKey.parse(publicMembers(members));
      int bits = key.size();
      return bits >= MIN_MODULUS_BITS
          ? KnotJwkCheck.pass("modulus", bits + " bits")
          : KnotJwkCheck.fail("modulus", bits + " bits, must be at least " + MIN_MODULUS_BITS);
    } catch (ParseException | RuntimeException e) {
      return KnotJwkCheck.fail("modulus", "n and e do not form an RSA public key: " + e.getMessage());
    }
  }

  /** Only kty, n and e: the other members are checked on their own, with clearer messages. */
  private static Map<String, Object> publicMembers(Map<String, Object> members) {
    Map<String, Object> pub = new java.util.HashMap<>();
    pub.put("kty", members.get("kty"));
    pub.put("n", members.get("n"));
    pub.put("e", members.get("e"));
    return pub;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  /** The key id, carried in every JWE header built with this key. */
  public String kid() {
    return kid;
  }

  /** The modulus length in bits. */
  public int modulusBits() {
    return publicJwk.size();
  }

  /** The public key, for encryption. */
  public RSAPublicKey publicKey() {
    return publicKey;
  }

  /** The public JWK (no private members, whatever Knot served). */
  public RSAKey publicJwk() {
    return publicJwk;
  }

  /** The RFC 7638 thumbprint of the key material: equal thumbprints mean the same key. */
  public String thumbprint() {
    return thumbprint;
  }

  /** Whether both hold the same key material under the same {@code kid}. */
  public boolean sameKeyAs(KnotJwk other) {
    return other != null && kid.equals(other.kid) && thumbprint.equals(other.thumbprint);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KnotJwk other && sameKeyAs(other);
  }

  @Override
  public int hashCode() {
    return thumbprint.hashCode();
  }

  @Override
  public String toString() {
    return "KnotJwk[kid=" + kid + ", RSA-" + modulusBits() + "]";
  }
}
