package dev.cardswitch.envelope;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.CardSwitchException;
import java.util.Objects;

/**
 * Seals card data into an envelope (seed 003: JWE compact, {@code alg=ECDH-ES}, {@code enc=A256GCM},
 * {@code kid} header) to the service's public key: for issuers' producers, the loader and tests.
 * Each envelope uses a fresh ephemeral key pair, as ECDH-ES requires.
 *
 * <p>Thread-safe: nimbus documents {@link ECDHEncrypter} as thread-safe, and its provider is set
 * before this object is published.
 */
public final class EnvelopeEncrypter {

  private final ECKey publicKey;
  private final ECDHEncrypter encrypter;
  private final JWEHeader header;

  /** An encrypter using the fastest key agreement that runs here ({@link CardCryptoProvider#preferred()}). */
  public EnvelopeEncrypter(ECKey publicKeyWithKid) {
    this(publicKeyWithKid, CardCryptoProvider.preferred());
  }

  /**
   * @param publicKeyWithKid the service's P-256 key with its kid (a private key is accepted and only
   *     its public half kept)
   * @throws InvalidEnvelopeKeyException if the key has no kid, is not on P-256 or not for encryption
   */
  public EnvelopeEncrypter(ECKey publicKeyWithKid, CardCryptoProvider keyAgreementProvider) {
    Objects.requireNonNull(publicKeyWithKid, "publicKeyWithKid");
    Objects.requireNonNull(keyAgreementProvider, "keyAgreementProvider");
    EnvelopeFormat.requireEnvelopeKey(publicKeyWithKid, "the envelope encryption key", false);
    this.publicKey = publicKeyWithKid.toPublicJWK();
    try {
      this.encrypter = new ECDHEncrypter(publicKey);
    } catch (JOSEException e) {
      throw new InvalidEnvelopeKeyException(
          "the envelope encryption key (kid " + EnvelopeFormat.printable(publicKey.getKeyID()) + ") is not a usable EC public key");
    }
    encrypter.getJCAContext().setKeyEncryptionProvider(keyAgreementProvider.jcaProvider());
    this.header =
        new JWEHeader.Builder(EnvelopeFormat.ALGORITHM, EnvelopeFormat.ENCRYPTION_METHOD)
            .keyID(publicKey.getKeyID())
            .build();
  }

  /**
   * Seals {@code plaintext}. The caller keeps ownership of the array (and zeroes it when done).
   *
   * @return the envelope, JWE compact serialization
   */
  public String encrypt(byte[] plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    // Payload wraps the array without copying it; nimbus encrypts it in place into new arrays.
    JWEObject jwe = new JWEObject(header, new Payload(plaintext));
    try {
      jwe.encrypt(encrypter);
    } catch (JOSEException e) {
      throw new CardSwitchException(
          "ENVELOPE_ENCRYPTION_FAILED",
          "could not seal an envelope to kid " + EnvelopeFormat.printable(publicKey.getKeyID())
              + ": the JCA provider failed",
          e);
    }
    return jwe.serialize();
  }

  /** The kid every envelope of this encrypter carries. */
  public String kid() {
    return publicKey.getKeyID();
  }

  @Override
  public String toString() {
    return "EnvelopeEncrypter[kid=" + EnvelopeFormat.printable(publicKey.getKeyID()) + "]";
  }
}
