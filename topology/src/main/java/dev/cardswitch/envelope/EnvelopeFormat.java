package dev.cardswitch.envelope;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import java.util.Set;

/**
 * The envelope scheme of seed 003 and the checks on its keys, shared by the ring and the encrypter.
 * Only P-256 is accepted: it is what seed 003's producers and this project use, and one curve keeps
 * keys interchangeable between issuers' producers and the service. Stateless; thread-safe.
 */
final class EnvelopeFormat {

  static final JWEAlgorithm ALGORITHM = JWEAlgorithm.ECDH_ES;
  static final EncryptionMethod ENCRYPTION_METHOD = EncryptionMethod.A256GCM;
  static final Curve CURVE = Curve.P_256;

  /**
   * Longest compact envelope accepted, in characters: a card document is a few hundred bytes and its
   * parser stops at 64 KiB, which base64url makes about 86 K characters.
   */
  static final int MAX_COMPACT_CHARS = 128 * 1024;

  /** Longest kid printed in a message; longer ones are cut. */
  private static final int MAX_PRINTED_KID_CHARS = 64;

  /** Key operations that let a private key open an ECDH-ES envelope (RFC 7517 §4.3). */
  private static final Set<KeyOperation> DECRYPTING_OPERATIONS =
      Set.of(KeyOperation.DERIVE_KEY, KeyOperation.DERIVE_BITS, KeyOperation.DECRYPT, KeyOperation.UNWRAP_KEY);

  /** Key operations that let a public key seal one. */
  private static final Set<KeyOperation> ENCRYPTING_OPERATIONS =
      Set.of(KeyOperation.DERIVE_KEY, KeyOperation.DERIVE_BITS, KeyOperation.ENCRYPT, KeyOperation.WRAP_KEY);

  private EnvelopeFormat() {}

  /**
   * Checks what every envelope key needs, whichever half: a kid, EC on P-256, meant for encryption.
   *
   * @param label how to name the key in a message, e.g. {@code key #2 of CARD_KEYS}
   * @param forDecryption whether the key will open envelopes (checks key_ops accordingly)
   */
  static void requireEnvelopeKey(JWK key, String label, boolean forDecryption) {
    if (key.getKeyID() == null || key.getKeyID().isBlank()) {
      throw new InvalidEnvelopeKeyException(
          label + " has no \"kid\": give every key a unique kid (an envelope's kid header names the key that opens it)");
    }
    String named = label + " (kid " + printable(key.getKeyID()) + ")";
    if (!KeyType.EC.equals(key.getKeyType())) {
      throw new InvalidEnvelopeKeyException(
          named + " is of type " + key.getKeyType() + ": envelope keys are EC keys on P-256 (ECDH-ES)");
    }
    Curve curve = key.toECKey().getCurve();
    if (!CURVE.equals(curve)) {
      throw new InvalidEnvelopeKeyException(
          named + " is on curve " + curve + ": envelope keys are on P-256 only; generate a P-256 key");
    }
    if (key.getKeyUse() != null && !KeyUse.ENCRYPTION.equals(key.getKeyUse())) {
      throw new InvalidEnvelopeKeyException(
          named + " has \"use\": \"" + key.getKeyUse().identifier() + "\": envelope keys need \"use\": \"enc\" or no use");
    }
    Set<KeyOperation> allowed = forDecryption ? DECRYPTING_OPERATIONS : ENCRYPTING_OPERATIONS;
    if (key.getKeyOperations() != null && key.getKeyOperations().stream().noneMatch(allowed::contains)) {
      throw new InvalidEnvelopeKeyException(
          named + " has \"key_ops\" " + key.getKeyOperations() + " that do not allow ECDH-ES "
              + (forDecryption ? "decryption: use deriveKey" : "encryption: use deriveKey") + ", or no key_ops");
    }
    if (key.getAlgorithm() != null && !ALGORITHM.getName().equals(key.getAlgorithm().getName())) {
      throw new InvalidEnvelopeKeyException(
          named + " has \"alg\": \"" + key.getAlgorithm().getName() + "\": envelope keys are for ECDH-ES, or have no alg");
    }
  }

  /** A kid fit for a message or a log line: quoted, see {@link #sanitized}. */
  static String printable(String kid) {
    return kid == null ? "(none)" : "\"" + sanitized(kid) + "\"";
  }

  /** A kid with control characters and quotes replaced by {@code ?}, cut after 64 characters. */
  static String sanitized(String kid) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < kid.length() && i < MAX_PRINTED_KID_CHARS; i++) {
      char c = kid.charAt(i);
      out.append(Character.isISOControl(c) || c == '"' ? '?' : c);
    }
    if (kid.length() > MAX_PRINTED_KID_CHARS) {
      out.append("...");
    }
    return out.toString();
  }
}
