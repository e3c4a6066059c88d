package dev.cardswitch.sandbox;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.InvalidCardDocumentException;
import dev.cardswitch.carddoc.Violation;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The sandbox's RSA key pair (one at a time, as Knot serves one key) and what it does with a JWE:
 * check its shape, decrypt it and validate the card document inside. A rotation replaces the key;
 * JWEs made for the old one then fail as {@code INVALID_JWE}, as they would at Knot.
 *
 * <p>Thread-safe: the current key and its decrypter are swapped together through a volatile field.
 */
final class SandboxKeys {

  static final int KEY_BITS = 2048;

  /** What a JWE check found: accepted, or Knot's error code and message. */
  record Check(boolean accepted, String errorType, String errorCode, String message) {
    static final Check OK = new Check(true, null, null, null);

    static Check invalidJwe() {
      return new Check(false, "INVALID_INPUT", "INVALID_JWE", "invalid jwe");
    }

    static Check invalidField(Violation v) {
      String message = v.rule().startsWith("is required")
          ? "the " + v.fieldPath() + " field is required"
          : "the " + v.fieldPath() + " field " + v.rule();
      return new Check(false, "INVALID_REQUEST", "INVALID_FIELD", message);
    }
  }

  private record Current(RSAKey key, RSADecrypter decrypter) {}

  private final SecureRandom random = new SecureRandom();
  private final CardDocumentValidator validator;
  private volatile Current current;

  SandboxKeys(CardDocumentValidator validator) {
    this.validator = validator;
    this.current = generate();
  }

  private Current generate() {
    try {
      byte[] id = new byte[8];
      random.nextBytes(id);
      RSAKey key = new RSAKeyGenerator(KEY_BITS)
          .keyID("sandbox-" + HexFormat.of().formatHex(id))
          .keyUse(KeyUse.ENCRYPTION)
          .keyOperations(Set.of(KeyOperation.ENCRYPT))
          .algorithm(JWEAlgorithm.RSA_OAEP_256)
          .generate();
      return new Current(key, new RSADecrypter(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("RSA key generation failed", e);
    }
  }

  /** Replaces the key with a new one under a new {@code kid}; returns the new kid. */
  String rotate() {
    current = generate();
    return current.key().getKeyID();
  }

  String kid() {
    return current.key().getKeyID();
  }

  /** The public JWK exactly as seed 000 shows it: alg, e, key_ops, kid, kty, n, use. */
  String publicJwkJson() {
    return current.key().toPublicJWK().toJSONString();
  }

  /** The private key, for tests that decrypt what a client sent. */
  RSAKey privateKey() {
    return current.key();
  }

  /**
   * Checks a JWE as Knot would. {@code verify} false checks only its shape and header (cheap);
   * true also decrypts it (about 1 ms) and validates the card document.
   */
  Check check(String compact, boolean verify) {
    Current key = current;
    JWEObject jwe;
    try {
      jwe = JWEObject.parse(compact);
    } catch (ParseException e) {
      return Check.invalidJwe();
    }
    if (!JWEAlgorithm.RSA_OAEP_256.equals(jwe.getHeader().getAlgorithm())
        || !EncryptionMethod.A256GCM.equals(jwe.getHeader().getEncryptionMethod())) {
      return Check.invalidJwe();
    }
    String kid = jwe.getHeader().getKeyID();
    if (kid != null && !kid.equals(key.key().getKeyID())) {
      return Check.invalidJwe();
    }
    if (!verify) {
      return Check.OK;
    }
    try {
      jwe.decrypt(key.decrypter());
    } catch (JOSEException | IllegalStateException e) {
      return Check.invalidJwe();
    }
    byte[] plain = jwe.getPayload().toBytes();
    try {
      List<Violation> violations;
      try (CardDocument document = CardDocument.fromJson(plain)) {
        violations = validator.validate(document);
      } catch (InvalidCardDocumentException e) {
        violations = e.violations();
      }
      return violations.isEmpty() ? Check.OK : Check.invalidField(violations.get(0));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }
}
