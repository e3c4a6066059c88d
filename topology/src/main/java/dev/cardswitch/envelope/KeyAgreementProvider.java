package dev.cardswitch.envelope;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider computes the ECDH key agreement of envelopes (content encryption, AES-GCM,
 * always uses the JDK's, which is fast). Measured on this project's machines (JDK 17): an envelope
 * decryption costs about 1.0 ms with the JDK's default EC provider and about 0.18 ms with
 * BouncyCastle, so BouncyCastle is the default; the JDK's stays selectable for comparison
 * (benchmarks) and for environments that must use the platform provider. BouncyCastle is used as a
 * provider object, never registered globally with {@code Security.addProvider}.
 */
public enum KeyAgreementProvider {
  /** BouncyCastle's {@code KeyAgreement("ECDH")} and EC key-pair generator. */
  BOUNCY_CASTLE,
  /** Whatever the JDK's provider list gives (SunEC on a stock JDK). */
  JDK_DEFAULT;

  /** The provider to hand to nimbus' JCA context; null means the JDK's default. */
  Provider jcaProvider() {
    return this == BOUNCY_CASTLE ? BouncyCastle.PROVIDER : null;
  }

  /** Built on first use: constructing BouncyCastle's provider takes a while and is done once. */
  private static final class BouncyCastle {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }
}
