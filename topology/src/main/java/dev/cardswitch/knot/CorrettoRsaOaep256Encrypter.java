package dev.cardswitch.knot;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWECryptoParts;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.impl.BaseJWEProvider;
import com.nimbusds.jose.crypto.impl.ContentCryptoProvider;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Knot's JWE (RSA-OAEP-256 + A256GCM) with the content key wrapped by the Amazon Corretto Crypto
 * Provider's native RSA (20 µs here against the JDK's 43) and the content encrypted by nimbus, as
 * nimbus' {@code RSAEncrypter} does it. nimbus cannot be handed Corretto itself: it asks the key
 * encryption's provider for {@code AlgorithmParameters("OAEP")} too, which Corretto lacks.
 *
 * <p>Thread-safe: the key is immutable, each call gets its own {@link Cipher}.
 */
final class CorrettoRsaOaep256Encrypter extends BaseJWEProvider implements JWEEncrypter {

  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private final PublicKey key;

  /** @throws GeneralSecurityException if Corretto does not take the key */
  CorrettoRsaOaep256Encrypter(RSAPublicKey knotKey) throws GeneralSecurityException {
    super(Set.of(JWEAlgorithm.RSA_OAEP_256), Set.of(EncryptionMethod.A256GCM));
    // Corretto's own form of the key, made once: converting a JDK key costs about as much as the wrap.
    this.key = (PublicKey) KeyFactory.getInstance("RSA", AmazonCorrettoCryptoProvider.INSTANCE)
        .translateKey(Objects.requireNonNull(knotKey, "knotKey"));
  }

  @Override
  public JWECryptoParts encrypt(JWEHeader header, byte[] clearText, byte[] aad) throws JOSEException {
    if (!JWEAlgorithm.RSA_OAEP_256.equals(header.getAlgorithm())) {
      throw new JOSEException("only RSA-OAEP-256 is encrypted here, not " + header.getAlgorithm());
    }
    SecretKey cek = ContentCryptoProvider.generateCEK(header.getEncryptionMethod(), getJCAContext().getSecureRandom());
    Base64URL encryptedKey;
    try {
      Cipher wrap = Cipher.getInstance("RSA/ECB/OAEPPadding", AmazonCorrettoCryptoProvider.INSTANCE);
      wrap.init(Cipher.ENCRYPT_MODE, key, OAEP_SHA256);
      encryptedKey = Base64URL.encode(wrap.doFinal(cek.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("RSA-OAEP-256 key wrap failed: " + e.getClass().getSimpleName(), e);
    }
    return ContentCryptoProvider.encrypt(header, clearText, aad, cek, encryptedKey, getJCAContext());
  }
}
