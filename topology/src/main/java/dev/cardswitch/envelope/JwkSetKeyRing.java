package dev.cardswitch.envelope;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link KeyRing} holding the service's EC P-256 private keys by kid, loaded from a JWK set, so the
 * service key can rotate without failing records sealed to the previous one: add the new key first,
 * keep the old one until no record sealed to it remains, then remove it. The current key (the one
 * producers seal to, served by {@code GET /keys}) is a configurable kid, by default the first key of
 * the set.
 *
 * <p>Settings, one name per layer: {@value #CARD_KEYS_FILE} (path of a JWK set file) or {@value
 * #CARD_KEYS} (the JWK set JSON itself), exactly one of them; {@value #CARD_KEYS_CURRENT_KID}
 * (optional); {@value #CARD_CRYPTO_PROVIDER} (optional, see {@link CardCryptoProvider}). Keys
 * are checked at load time: EC, on P-256, with a private part and a unique kid, meant for encryption;
 * any problem stops the load with a message naming the key and the fix, never key material.
 *
 * <p>Speed: the ECDH key agreement runs on {@link CardCryptoProvider#preferred()} by default: the
 * Amazon Corretto Crypto Provider's native code where it loads (about 0.1 ms per decryption here),
 * else BouncyCastle (0.21 ms), against 1.2 ms with the JDK 17 default provider.
 *
 * <p>Thread-safe and immutable. One nimbus {@link ECDHDecrypter} per kid is built at load time and
 * shared by all threads: nimbus documents ECDHDecrypter as thread-safe (its key, curve and critical
 * header policy are final, and each decryption uses fresh JCA objects); its JCA context, the one
 * mutable part, is set before the ring is published and never touched again.
 *
 * <p>Clear bytes: {@link #decrypt} returns the plaintext array nimbus produced, which is the only
 * copy this class handles; the caller zeroes it. The derived content key lives inside nimbus and the
 * JCA, which give no way to wipe it.
 */
public final class JwkSetKeyRing implements KeyRing {

  /** Path of a file holding the JWK set. */
  public static final String CARD_KEYS_FILE = "CARD_KEYS_FILE";

  /** The JWK set JSON itself. */
  public static final String CARD_KEYS = "CARD_KEYS";

  /** Kid of the current key; the first key of the set when unset. */
  public static final String CARD_KEYS_CURRENT_KID = "CARD_KEYS_CURRENT_KID";

  /** Provider of the card crypto (the envelopes' ECDH here): auto (the default), corretto, bouncycastle or jdk. */
  public static final String CARD_CRYPTO_PROVIDER = "CARD_CRYPTO_PROVIDER";

  private final Map<String, JWEDecrypter> decrypters;
  private final List<ECKey> publicKeys;
  private final String currentKid;
  private final ECKey currentPublicKey;
  private final CardCryptoProvider keyAgreementProvider;

  private JwkSetKeyRing(
      Map<String, JWEDecrypter> decrypters,
      List<ECKey> publicKeys,
      String currentKid,
      ECKey currentPublicKey,
      CardCryptoProvider keyAgreementProvider) {
    this.decrypters = Collections.unmodifiableMap(decrypters);
    this.publicKeys = List.copyOf(publicKeys);
    this.currentKid = currentKid;
    this.currentPublicKey = currentPublicKey;
    this.keyAgreementProvider = keyAgreementProvider;
  }

  /** Options of a ring: current kid (null = first key of the set) and key-agreement provider. */
  public record Options(String currentKid, CardCryptoProvider keyAgreementProvider) {

    /** First key current, the fastest key agreement that runs here. */
    public static final Options DEFAULT = new Options(null, CardCryptoProvider.preferred());

    public Options {
      Objects.requireNonNull(keyAgreementProvider, "keyAgreementProvider");
      if (currentKid != null && currentKid.isBlank()) {
        currentKid = null;
      }
    }

    public Options withCurrentKid(String kid) {
      return new Options(kid, keyAgreementProvider);
    }

    public Options withCardCryptoProvider(CardCryptoProvider provider) {
      return new Options(currentKid, provider);
    }
  }

  /** Loads a ring from a JWK set file, with default options. */
  public static JwkSetKeyRing fromFile(Path file) {
    return fromFile(file, Options.DEFAULT);
  }

  /** Loads a ring from a JWK set file. The file's bytes are zeroed once parsed. */
  public static JwkSetKeyRing fromFile(Path file, Options options) {
    Objects.requireNonNull(file, "file");
    String source = "card key file " + file;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidEnvelopeKeyException(
          source + " does not exist: point " + CARD_KEYS_FILE + " at the JWK set file of the service's card keys");
    } catch (IOException e) {
      throw new InvalidEnvelopeKeyException(
          source + " cannot be read (" + e.getClass().getSimpleName() + "): check its permissions");
    }
    try {
      return fromJson(new String(bytes, StandardCharsets.UTF_8), source, options);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Loads a ring from JWK set JSON ({@code {"keys":[...]}}), with default options. */
  public static JwkSetKeyRing fromJwkSetJson(String json) {
    return fromJwkSetJson(json, Options.DEFAULT);
  }

  public static JwkSetKeyRing fromJwkSetJson(String json, Options options) {
    return fromJson(Objects.requireNonNull(json, "json"), "the card key set", options);
  }

  /**
   * Loads a ring as the settings say: {@value #CARD_KEYS_FILE} or {@value #CARD_KEYS} (exactly one),
   * {@value #CARD_KEYS_CURRENT_KID} and {@value #CARD_CRYPTO_PROVIDER} optional.
   *
   * @param env the environment, e.g. {@code System.getenv()}
   */
  public static JwkSetKeyRing fromEnvironment(Map<String, String> env) {
    String file = nonBlank(env.get(CARD_KEYS_FILE));
    String json = nonBlank(env.get(CARD_KEYS));
    Options options = new Options(nonBlank(env.get(CARD_KEYS_CURRENT_KID)), cryptoProviderFromEnvironment(env));
    if (file != null && json != null) {
      throw new InvalidEnvelopeKeyException(
          "both " + CARD_KEYS_FILE + " and " + CARD_KEYS + " are set: set only one of them");
    }
    if (file != null) {
      return fromFile(Path.of(file), options);
    }
    if (json != null) {
      return fromJson(json, CARD_KEYS, options);
    }
    throw new InvalidEnvelopeKeyException(
        "neither " + CARD_KEYS_FILE + " nor " + CARD_KEYS + " is set: export " + CARD_KEYS_FILE
            + "=/path/to/card-keys.json (a JWK set holding the service's EC P-256 private keys), or "
            + CARD_KEYS + " with that JWK set's JSON");
  }

  /**
   * The key-agreement provider {@value #CARD_CRYPTO_PROVIDER} names, {@link CardCryptoProvider#preferred()}
   * when unset.
   *
   * @throws InvalidEnvelopeKeyException if the value is unknown or names a provider that cannot run here
   */
  public static CardCryptoProvider cryptoProviderFromEnvironment(Map<String, String> env) {
    try {
      return CardCryptoProvider.fromSetting(CARD_CRYPTO_PROVIDER, env.get(CARD_CRYPTO_PROVIDER));
    } catch (IllegalArgumentException e) {
      throw new InvalidEnvelopeKeyException(e.getMessage());
    }
  }

  /**
   * A fresh P-256 key pair for envelopes, with {@code kid}, {@code use=enc} and {@code alg=ECDH-ES}:
   * for the demo and tests. Keep its private half out of the repository.
   */
  public static ECKey generate(String kid) {
    Objects.requireNonNull(kid, "kid");
    try {
      return new ECKeyGenerator(EnvelopeFormat.CURVE)
          .keyID(kid)
          .keyUse(KeyUse.ENCRYPTION)
          .algorithm(EnvelopeFormat.ALGORITHM)
          // iat: the key's age is exported (card_switch_envelope_key_age_seconds) for rotation policies.
          // Whole seconds, as a JWK set file keeps it: a key equals itself read back from its file.
          .issueTime(java.util.Date.from(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("the JDK cannot generate a P-256 key pair", e);
    }
  }

  /** A ring of already parsed keys (private EC P-256 keys with kids), in order. */
  public static JwkSetKeyRing of(List<? extends JWK> keys, Options options) {
    return build(keys, "the card key set", options);
  }

  @Override
  public byte[] decrypt(String compactJwe) {
    if (compactJwe == null || compactJwe.isBlank()) {
      throw EnvelopeException.undecryptable(null, "envelope is empty: expected a JWE compact serialization");
    }
    if (compactJwe.length() > EnvelopeFormat.MAX_COMPACT_CHARS) {
      throw EnvelopeException.undecryptable(
          null,
          "envelope is " + compactJwe.length() + " characters long: the limit is " + EnvelopeFormat.MAX_COMPACT_CHARS);
    }
    JWEObject jwe;
    try {
      jwe = JWEObject.parse(compactJwe);
    } catch (ParseException e) {
      throw EnvelopeException.undecryptable(
          null, "envelope is not a JWE compact serialization (five base64url parts with a JWE header)");
    }
    JWEHeader header = jwe.getHeader();
    String kid = header.getKeyID();
    String printableKid = EnvelopeFormat.printable(kid);
    JWEAlgorithm alg = header.getAlgorithm();
    EncryptionMethod enc = header.getEncryptionMethod();
    if (!EnvelopeFormat.ALGORITHM.equals(alg)) {
      throw EnvelopeException.undecryptable(
          sanitizedOrNull(kid), "envelope has alg " + alg + ": card envelopes are " + EnvelopeFormat.ALGORITHM + " only");
    }
    if (!EnvelopeFormat.ENCRYPTION_METHOD.equals(enc)) {
      throw EnvelopeException.undecryptable(
          sanitizedOrNull(kid), "envelope has enc " + enc + ": card envelopes are " + EnvelopeFormat.ENCRYPTION_METHOD + " only");
    }
    if (header.getCompressionAlgorithm() != null) {
      throw EnvelopeException.undecryptable(sanitizedOrNull(kid), "envelope is compressed (zip header): card envelopes are not");
    }
    if (jwe.getEncryptedKey() != null && !jwe.getEncryptedKey().toString().isEmpty()) {
      throw EnvelopeException.undecryptable(sanitizedOrNull(kid), "envelope has an encrypted key: ECDH-ES envelopes have none");
    }
    if (kid == null) {
      throw EnvelopeException.undecryptable(null, "envelope has no kid header: it cannot name the key that opens it");
    }
    JWEDecrypter decrypter = decrypters.get(kid);
    if (decrypter == null) {
      throw EnvelopeException.unknownKey(
          EnvelopeFormat.sanitized(kid),
          "envelope kid " + printableKid + " is not in the card key ring (kids: " + printableKids()
              + "): add that key to " + CARD_KEYS_FILE + "/" + CARD_KEYS + ", or the producer must seal to the current kid "
              + EnvelopeFormat.printable(currentKid));
    }
    try {
      // Straight to the decrypter rather than JWEObject.decrypt: no Payload object keeps the clear bytes.
      return decrypter.decrypt(
          header, jwe.getEncryptedKey(), jwe.getIV(), jwe.getCipherText(), jwe.getAuthTag(), aad(header));
    } catch (JOSEException | RuntimeException e) {
      throw EnvelopeException.undecryptable(
          EnvelopeFormat.sanitized(kid),
          "envelope with kid " + printableKid + " could not be opened: its ciphertext, tag, IV or header was altered,"
              + " or it was sealed to another key under the same kid",
          e);
    }
  }

  @Override
  public String currentKid() {
    return currentKid;
  }

  @Override
  public ECKey currentPublicKey() {
    return currentPublicKey;
  }

  /** The kids of the ring, in the order of the set. */
  public List<String> kids() {
    return List.copyOf(decrypters.keySet());
  }

  /**
   * The public halves of every key of the ring, the current one first: what {@code GET /keys} serves
   * (seed 003's "retrieve public key"), so producers encrypt to the current key and can still check
   * an older envelope's kid.
   */
  public List<ECKey> publicKeys() {
    List<ECKey> ordered = new ArrayList<>(publicKeys.size());
    ordered.add(currentPublicKey);
    for (ECKey key : publicKeys) {
      if (!key.getKeyID().equals(currentKid)) {
        ordered.add(key);
      }
    }
    return ordered;
  }

  public CardCryptoProvider keyAgreementProvider() {
    return keyAgreementProvider;
  }

  @Override
  public String toString() {
    return "JwkSetKeyRing[kids=" + printableKids() + ", current=" + EnvelopeFormat.printable(currentKid)
        + ", keyAgreement=" + keyAgreementProvider + "]";
  }

  /** The decrypter of a kid, for tests. */
  JWEDecrypter decrypter(String kid) {
    return decrypters.get(kid);
  }

  /** JWE's additional authenticated data: the ASCII of the protected header as received. */
  private static byte[] aad(JWEHeader header) {
    Base64URL encoded = header.getParsedBase64URL() != null ? header.getParsedBase64URL() : header.toBase64URL();
    return encoded.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private String printableKids() {
    return printable(decrypters.keySet());
  }

  private static String printable(Collection<String> kids) {
    List<String> printable = new ArrayList<>();
    for (String kid : kids) {
      printable.add(EnvelopeFormat.printable(kid));
    }
    return String.join(", ", printable);
  }

  private static JwkSetKeyRing fromJson(String json, String source, Options options) {
    return build(JwkSetJson.parse(json, source), source, options);
  }

  private static JwkSetKeyRing build(List<? extends JWK> keys, String source, Options options) {
    Objects.requireNonNull(options, "options");
    if (keys.isEmpty()) {
      throw new InvalidEnvelopeKeyException(
          source + " holds no keys: add the service's EC P-256 private key (JwkSetKeyRing.generate makes one)");
    }
    Map<String, JWEDecrypter> decrypters = new LinkedHashMap<>();
    List<ECKey> publicKeys = new ArrayList<>();
    ECKey first = null;
    ECKey current = null;
    int position = 0;
    for (JWK key : keys) {
      position++;
      String label = "key #" + position + " of " + source;
      EnvelopeFormat.requireEnvelopeKey(key, label, true);
      String kid = key.getKeyID();
      String named = label + " (kid " + EnvelopeFormat.printable(kid) + ")";
      if (!key.isPrivate()) {
        throw new InvalidEnvelopeKeyException(
            named + " is a public key only: the ring opens envelopes, so it needs the private key (\"d\")");
      }
      if (decrypters.containsKey(kid)) {
        throw new InvalidEnvelopeKeyException(
            named + " repeats a kid already in the set: every key needs its own kid");
      }
      ECKey ecKey = key.toECKey();
      decrypters.put(kid, decrypter(ecKey, named, options.keyAgreementProvider()));
      publicKeys.add(ecKey.toPublicJWK());
      if (first == null) {
        first = ecKey;
      }
      if (kid.equals(options.currentKid())) {
        current = ecKey;
      }
    }
    if (options.currentKid() == null) {
      current = first;
    } else if (current == null) {
      throw new InvalidEnvelopeKeyException(
          "the current kid " + EnvelopeFormat.printable(options.currentKid()) + " (" + CARD_KEYS_CURRENT_KID
              + ") is not in " + source + ", whose kids are " + printable(decrypters.keySet())
              + ": set it to one of them, or unset it to use the first");
    }
    return new JwkSetKeyRing(
        decrypters, publicKeys, current.getKeyID(), current.toPublicJWK(), options.keyAgreementProvider());
  }

  private static JWEDecrypter decrypter(ECKey key, String named, CardCryptoProvider provider) {
    ECDHDecrypter decrypter;
    try {
      decrypter = new ECDHDecrypter(provider.ownKey(key.toECPrivateKey()));
    } catch (JOSEException | GeneralSecurityException e) {
      throw new InvalidEnvelopeKeyException(named + " is not a usable EC private key");
    }
    decrypter.getJCAContext().setKeyEncryptionProvider(provider.jcaProvider());
    return decrypter;
  }

  private static String sanitizedOrNull(String kid) {
    return kid == null ? null : EnvelopeFormat.sanitized(kid);
  }

  private static String nonBlank(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
