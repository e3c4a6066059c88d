package dev.cardswitch.knot;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import dev.cardswitch.CardSwitchException;
import dev.cardswitch.envelope.CardCryptoProvider;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Builds the JWE that {@code POST /card} carries: compact serialization, {@code alg=RSA-OAEP-256},
 * {@code enc=A256GCM}, {@code kid} = the key's id (seed 000's recipe).
 *
 * <p>The header holds only {@code alg}, {@code enc} and {@code kid}: seed 000 shows no {@code typ}
 * or {@code cty}, and {@code cty} would wrongly announce a nested JWT ({@code "JWT"}) to Knot.
 *
 * <p>Thread-safe. The encrypter and header built for the most recent key are reused (Knot has one
 * key at a time, so a one-entry cache is enough); a new key replaces them.
 */
public final class KnotJweEncrypter {

  /** The {@link CardSwitchException#reason()} when the JCA refuses to encrypt. */
  public static final String REASON = "KNOT_JWE_FAILED";

  private record Prepared(KnotJwk key, JWEEncrypter encrypter, JWEHeader header) {}

  private final boolean corretto;
  private volatile Prepared prepared;

  /** With {@link CardCryptoProvider#preferred()}. */
  public KnotJweEncrypter() {
    this(CardCryptoProvider.preferred());
  }

  /**
   * @param provider {@code CORRETTO}: Corretto's native RSA wraps the content key (20 µs here against
   *     the JDK's 43); any other: the JDK's, as BouncyCastle offers nothing faster for it
   */
  public KnotJweEncrypter(CardCryptoProvider provider) {
    this.corretto = provider == CardCryptoProvider.CORRETTO;
  }

  /**
   * Encrypts the card document for Knot.
   *
   * @param key Knot's current key
   * @param cardDocumentJson the UTF-8 JSON of the card document; read, never copied nor kept (the
   *     caller zeroes it afterwards)
   * @return the JWE in compact serialization
   */
  public String encrypt(KnotJwk key, byte[] cardDocumentJson) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(cardDocumentJson, "cardDocumentJson");
    Prepared p = prepare(key);
    JWEObject jwe = new JWEObject(p.header(), new Payload(cardDocumentJson));
    try {
      jwe.encrypt(p.encrypter());
    } catch (JOSEException e) {
      // The message of a JOSEException names algorithms and key sizes, never the payload.
      throw new CardSwitchException(REASON, "JWE encryption for Knot failed: " + e.getMessage(), e);
    }
    return jwe.serialize();
  }

  private Prepared prepare(KnotJwk key) {
    Prepared p = prepared;
    if (p != null && p.key().sameKeyAs(key)) {
      return p;
    }
    JWEHeader header = new JWEHeader.Builder(KnotJwk.ALGORITHM, EncryptionMethod.A256GCM)
        .keyID(key.kid())
        .build();
    JWEEncrypter encrypter;
    if (corretto) {
      try {
        encrypter = new CorrettoRsaOaep256Encrypter(key.publicKey());
      } catch (GeneralSecurityException e) {
        throw new CardSwitchException(REASON, "Knot's key is not usable for RSA-OAEP-256: " + e.getClass().getSimpleName(), e);
      }
    } else {
      encrypter = new RSAEncrypter(key.publicKey());
    }
    p = new Prepared(key, encrypter, header);
    prepared = p;
    return p;
  }
}
