package dev.cardswitch.envelope;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider computes the card crypto's public-key operations ({@code CARD_CRYPTO_PROVIDER}):
 * the ECDH key agreement of envelopes and the RSA-OAEP-256 key wrap of Knot's JWE (content
 * encryption, AES-GCM, always uses the JDK's, which is fast). They are most of a switch's crypto, so
 * this is the largest single lever on its CPU. One P-256 ECDH on this project's machines (JDK 17):
 * about 52 µs with the Amazon Corretto Crypto Provider (AWS-LC's native code), 200 µs with
 * BouncyCastle, 1,150 µs with the JDK's default provider; one RSA-2048 OAEP wrap 20 µs with Corretto,
 * 43 µs with the JDK's, which BouncyCastle does not beat, so only Corretto changes it
 * (docs/BENCHMARKS.md, "Crypto per switch").
 *
 * <p>{@link #preferred()} is Corretto where its native library loads (Linux x86-64), else
 * BouncyCastle. The JDK's stays selectable for comparison and for environments that must use the
 * platform provider. No provider is ever registered globally with {@code Security.addProvider}: each
 * is handed to nimbus as an object.
 */
public enum CardCryptoProvider {
  /** The Amazon Corretto Crypto Provider's native ECDH, EC key-pair generator and RSA-OAEP key wrap. */
  CORRETTO("corretto"),
  /** BouncyCastle's ECDH and EC key-pair generator (pure Java, any platform); the JDK's RSA. */
  BOUNCY_CASTLE("bouncycastle"),
  /** Whatever the JDK's provider list gives (SunEC on a stock JDK). */
  JDK_DEFAULT("jdk");

  private final String settingValue;

  CardCryptoProvider(String settingValue) {
    this.settingValue = settingValue;
  }

  /** The value naming this provider in {@code CARD_CRYPTO_PROVIDER}. */
  public String settingValue() {
    return settingValue;
  }

  /** Corretto where it works on this platform, else BouncyCastle. */
  public static CardCryptoProvider preferred() {
    return CORRETTO.unavailableReason() == null ? CORRETTO : BOUNCY_CASTLE;
  }

  /**
   * The provider a setting names: {@code auto} (or blank) for {@link #preferred()}, else one of the
   * {@link #settingValue()}s. A provider that cannot run here is refused, with the reason.
   *
   * @param setting the setting's name, for messages
   * @throws IllegalArgumentException naming the setting, the values it takes, or why the named provider
   *     cannot run here
   */
  public static CardCryptoProvider fromSetting(String setting, String value) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
      return preferred();
    }
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    for (CardCryptoProvider p : values()) {
      if (p.settingValue.equals(wanted)) {
        String reason = p.unavailableReason();
        if (reason != null) {
          throw new IllegalArgumentException(setting + " is \"" + wanted + "\", but " + reason
              + ": set it to bouncycastle, or unset it to use the fastest provider that runs here");
        }
        return p;
      }
    }
    throw new IllegalArgumentException(setting + " is " + EnvelopeFormat.printable(value.strip())
        + ": give auto (the default), corretto, bouncycastle or jdk");
  }

  /** What a start-up line says of this provider: its setting value, what it is, and why not the faster one. */
  public String description() {
    return switch (this) {
      case CORRETTO -> "corretto (Amazon Corretto Crypto Provider " + AmazonCorrettoCryptoProvider.INSTANCE.getVersionStr()
          + ", native " + AmazonCorrettoCryptoProvider.INSTANCE.getAwsLcVersionStr() + ")";
      case BOUNCY_CASTLE -> "bouncycastle (pure Java"
          + (Corretto.UNAVAILABLE_REASON == null ? ")" : "; not corretto: " + Corretto.UNAVAILABLE_REASON + ")");
      case JDK_DEFAULT -> "jdk (the JDK's default provider, 5 to 16 times the CPU of the others)";
    };
  }

  /** Null when this provider runs here; otherwise why it does not. */
  public String unavailableReason() {
    return this == CORRETTO ? Corretto.UNAVAILABLE_REASON : null;
  }

  /**
   * The private key in this provider's own form, made once per key when the ring loads. Corretto
   * otherwise converts a JDK key into its native form on every key agreement: 22 of the 97 µs of an
   * envelope's decryption here. The others gain nothing from it and get the key back as it is.
   */
  ECPrivateKey ownKey(ECPrivateKey key) throws GeneralSecurityException {
    if (this != CORRETTO) {
      return key;
    }
    return (ECPrivateKey) KeyFactory.getInstance("EC", jcaProvider()).translateKey(key);
  }

  /** The provider to hand to nimbus' JCA context; null means the JDK's default. */
  Provider jcaProvider() {
    return switch (this) {
      case CORRETTO -> {
        if (Corretto.UNAVAILABLE_REASON != null) {
          throw new IllegalStateException(Corretto.UNAVAILABLE_REASON);
        }
        yield AmazonCorrettoCryptoProvider.INSTANCE;
      }
      case BOUNCY_CASTLE -> BouncyCastle.PROVIDER;
      case JDK_DEFAULT -> null;
    };
  }

  /** Built on first use: constructing BouncyCastle's provider takes a while and is done once. */
  private static final class BouncyCastle {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /**
   * Loads Corretto's native library on first use. Its jar carries the Linux x86-64 build only; on
   * another platform (or a libc it cannot link against) loading fails and the reason is kept.
   */
  private static final class Corretto {
    static final String UNAVAILABLE_REASON = check();

    private static String check() {
      try {
        Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
        if (error != null) {
          return "the Amazon Corretto Crypto Provider's native library does not load on this platform ("
              + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ": "
              + error.getClass().getSimpleName() + ")";
        }
        // Its known-answer self-tests, once (about 0.1 s): a provider that computes wrong answers
        // would make every envelope look tampered with, and every switch a dead letter.
        try {
          AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        } catch (RuntimeException e) {
          return "the Amazon Corretto Crypto Provider failed its self-tests (" + e.getClass().getSimpleName() + ")";
        }
        return null;
      } catch (LinkageError e) {
        return "the Amazon Corretto Crypto Provider is not on the class path or does not load ("
            + e.getClass().getSimpleName() + ")";
      }
    }
  }
}
