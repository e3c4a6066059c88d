package dev.cardswitch.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent implementation of the envelope scheme (JWE compact, ECDH-ES + A256GCM on P-256)
 * from the JDK's raw primitives and RFC 7516/7518, sharing no code with nimbus: ECDH from {@link
 * KeyAgreement}, the Concat KDF of RFC 7518 §4.6.2 written out, AES-GCM from {@link Cipher}, JSON
 * from Jackson. Tests use it to show the project's envelopes are standard JWE, both ways.
 */
final class JdkJwe {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final int P256_COORDINATE_BYTES = 32;
  private static final int TAG_BITS = 128;

  private JdkJwe() {}

  /** The P-256 private key of a JWK given as JSON (reads crv and d only). */
  static ECPrivateKey privateKey(String jwkJson) throws Exception {
    JsonNode jwk = JSON.readTree(jwkJson);
    require("P-256".equals(jwk.path("crv").asText()), "crv must be P-256");
    BigInteger d = new BigInteger(1, B64D.decode(jwk.path("d").asText()));
    return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, p256()));
  }

  /** The P-256 public key of a JWK given as JSON (reads crv, x and y). */
  static ECPublicKey publicKey(JsonNode jwk) throws Exception {
    require("EC".equals(jwk.path("kty").asText()) && "P-256".equals(jwk.path("crv").asText()), "EC P-256 expected");
    BigInteger x = new BigInteger(1, B64D.decode(jwk.path("x").asText()));
    BigInteger y = new BigInteger(1, B64D.decode(jwk.path("y").asText()));
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), p256()));
  }

  static ECPublicKey publicKey(String jwkJson) throws Exception {
    return publicKey(JSON.readTree(jwkJson));
  }

  static byte[] decrypt(String compact, ECPrivateKey recipient) throws Exception {
    String[] parts = compact.split("\\.", -1);
    require(parts.length == 5, "five parts expected");
    JsonNode header = JSON.readTree(B64D.decode(parts[0]));
    require("ECDH-ES".equals(header.path("alg").asText()), "alg must be ECDH-ES");
    require("A256GCM".equals(header.path("enc").asText()), "enc must be A256GCM");
    require(parts[1].isEmpty(), "ECDH-ES has no encrypted key");
    ECPublicKey ephemeral = publicKey(header.path("epk"));
    byte[] apu = header.has("apu") ? B64D.decode(header.get("apu").asText()) : new byte[0];
    byte[] apv = header.has("apv") ? B64D.decode(header.get("apv").asText()) : new byte[0];

    byte[] cek = contentKey(recipient, ephemeral, apu, apv);
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(TAG_BITS, B64D.decode(parts[2])));
    aes.updateAAD(parts[0].getBytes(StandardCharsets.US_ASCII));
    byte[] cipherText = B64D.decode(parts[3]);
    byte[] tag = B64D.decode(parts[4]);
    byte[] sealed = Arrays.copyOf(cipherText, cipherText.length + tag.length);
    System.arraycopy(tag, 0, sealed, cipherText.length, tag.length);
    return aes.doFinal(sealed);
  }

  static String encrypt(byte[] plaintext, ECPublicKey recipient, String kid) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ephemeral = generator.generateKeyPair();
    ECPoint w = ((ECPublicKey) ephemeral.getPublic()).getW();

    ObjectNode header = JSON.createObjectNode();
    header.put("alg", "ECDH-ES").put("enc", "A256GCM").put("kid", kid);
    header.putObject("epk").put("kty", "EC").put("crv", "P-256")
        .put("x", B64.encodeToString(unsigned(w.getAffineX())))
        .put("y", B64.encodeToString(unsigned(w.getAffineY())));
    String encodedHeader = B64.encodeToString(JSON.writeValueAsBytes(header));

    byte[] cek = contentKey((ECPrivateKey) ephemeral.getPrivate(), recipient, new byte[0], new byte[0]);
    byte[] iv = new byte[12];
    new SecureRandom().nextBytes(iv);
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(TAG_BITS, iv));
    aes.updateAAD(encodedHeader.getBytes(StandardCharsets.US_ASCII));
    byte[] sealed = aes.doFinal(plaintext);
    int tagStart = sealed.length - TAG_BITS / 8;
    return encodedHeader + ".." + B64.encodeToString(iv) + "."
        + B64.encodeToString(Arrays.copyOfRange(sealed, 0, tagStart)) + "."
        + B64.encodeToString(Arrays.copyOfRange(sealed, tagStart, sealed.length));
  }

  /**
   * ECDH then Concat KDF (RFC 7518 §4.6.2, NIST SP 800-56A) with SHA-256: one round gives the 256 bits
   * of A256GCM. OtherInfo = AlgorithmID (the enc name, as alg is direct ECDH-ES) || PartyUInfo ||
   * PartyVInfo || SuppPubInfo (key length in bits), each datum prefixed with its 32-bit length.
   */
  private static byte[] contentKey(ECPrivateKey own, ECPublicKey other, byte[] apu, byte[] apv) throws Exception {
    KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
    ecdh.init(own);
    ecdh.doPhase(other, true);
    byte[] z = ecdh.generateSecret();

    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write(ByteBuffer.allocate(4).putInt(1).array()); // round counter
    input.write(z);
    lengthPrefixed(input, "A256GCM".getBytes(StandardCharsets.US_ASCII));
    lengthPrefixed(input, apu);
    lengthPrefixed(input, apv);
    input.write(ByteBuffer.allocate(4).putInt(256).array());
    return MessageDigest.getInstance("SHA-256").digest(input.toByteArray());
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, byte[] datum) throws Exception {
    out.write(ByteBuffer.allocate(4).putInt(datum.length).array());
    out.write(datum);
  }

  private static byte[] unsigned(BigInteger coordinate) {
    byte[] raw = coordinate.toByteArray();
    byte[] fixed = new byte[P256_COORDINATE_BYTES];
    int copy = Math.min(raw.length, P256_COORDINATE_BYTES);
    System.arraycopy(raw, raw.length - copy, fixed, P256_COORDINATE_BYTES - copy, copy);
    return fixed;
  }

  private static ECParameterSpec p256() throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalArgumentException(what);
    }
  }
}
