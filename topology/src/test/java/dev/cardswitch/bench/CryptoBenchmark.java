package dev.cardswitch.bench;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.envelope.CardCryptoProvider;
import dev.cardswitch.knot.KnotJweEncrypter;
import dev.cardswitch.knot.KnotJwk;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The crypto of one switch, per operation, single thread: Knot's JWE (RSA-OAEP-256 + A256GCM to an
 * RSA-2048 key), the envelope's decryption (ECDH-ES + A256GCM, P-256) with each key-agreement
 * provider, and the whole crypto path of a switch (envelope decrypt, parse, validate, Knot JWE).
 * Run with {@code mvn -B -q -pl topology -am -Pcrypto-bench -DskipTests verify}; results in
 * docs/BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBenchmark {

  /** The sample document of seed 001 (expiry moved to 08/2030): about 400 bytes of JSON. */
  static final String SEED_001_DOCUMENT = "{\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"},"
      + "\"address\":{\"street\":\"100 Main Street\",\"street2\":\"#100\",\"city\":\"NEW YORK\",\"region\":\"NY\","
      + "\"postal_code\":\"12345\",\"country\":\"US\"},\"phone_number\":\"+11234567890\"},"
      + "\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}}";

  @Param({"CORRETTO", "BOUNCY_CASTLE", "JDK_DEFAULT"})
  public CardCryptoProvider provider;

  private JwkSetKeyRing ring;
  private String envelope;
  private KnotJwk knotKey;
  private KnotJweEncrypter knotJwe;
  private byte[] document;
  private CardDocumentValidator validator;

  @Setup
  public void setUp() throws Exception {
    ECKey serviceKey = JwkSetKeyRing.generate("bench-1");
    ring = JwkSetKeyRing.of(List.of(serviceKey), JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(provider));
    document = SEED_001_DOCUMENT.getBytes(StandardCharsets.UTF_8);
    envelope = new EnvelopeEncrypter(serviceKey.toPublicJWK()).encrypt(document);
    RSAKey knot = new RSAKeyGenerator(2048).keyID("knot-bench").generate();
    knotKey = KnotJwk.of(knot.toPublicJWK());
    knotJwe = new KnotJweEncrypter(provider);
    validator = new CardDocumentValidator(Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));
  }

  /** Knot's recipe; independent of the envelope provider (run once per provider value all the same). */
  @Benchmark
  public String knotJweEncrypt() {
    return knotJwe.encrypt(knotKey, document);
  }

  @Benchmark
  public byte[] envelopeDecrypt() {
    return ring.decrypt(envelope);
  }

  /** What a switch costs in crypto and validation: decrypt, parse, validate, re-encrypt, wipe. */
  @Benchmark
  public String switchCryptoPath() {
    byte[] clear = ring.decrypt(envelope);
    try (CardDocument doc = CardDocument.fromJson(clear)) {
      if (!validator.validate(doc).isEmpty()) {
        throw new IllegalStateException("the benchmark document must be valid");
      }
      byte[] json = doc.toJson();
      try {
        return knotJwe.encrypt(knotKey, json);
      } finally {
        Arrays.fill(json, (byte) 0);
      }
    } finally {
      Arrays.fill(clear, (byte) 0);
    }
  }
}
