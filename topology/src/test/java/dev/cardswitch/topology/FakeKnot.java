package dev.cardswitch.topology;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotError;
import dev.cardswitch.knot.KnotGateway;
import dev.cardswitch.knot.KnotJwk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A Knot gateway whose calls complete when the test says so. It holds a real RSA key, so a test can
 * open the JWE the topology built and see the card went to Knot intact. Thread-safe.
 */
public final class FakeKnot implements KnotGateway {

  /** One call: what the topology asked, and the future the test completes. */
  public record Call(long taskId, Function<KnotJwk, String> jweForKey, Instant deadline,
      CompletableFuture<KnotCallResult> future) {}

  private static final RSAKey KEY = generate();

  private final List<Call> calls = new ArrayList<>();
  private RuntimeException failOnSend;

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048).keyID("fake-knot-1").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized CompletableFuture<KnotCallResult> sendCard(long taskId, Function<KnotJwk, String> jweForKey,
      Instant deadline) {
    if (failOnSend != null) {
      throw failOnSend;
    }
    Call call = new Call(taskId, jweForKey, deadline, new CompletableFuture<>());
    calls.add(call);
    return call.future();
  }

  /** Makes every later {@link #sendCard} throw {@code e}. */
  public synchronized void failOnSend(RuntimeException e) {
    this.failOnSend = e;
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  public synchronized Call call(int index) {
    return calls.get(index);
  }

  /** The card document JSON Knot would receive for this call, decrypted with Knot's private key. */
  public static String openJwe(Call call) {
    try {
      JWEObject jwe = JWEObject.parse(call.jweForKey().apply(KnotJwk.of(KEY.toPublicJWK())));
      jwe.decrypt(new RSADecrypter(KEY));
      return jwe.getPayload().toString();
    } catch (Exception e) {
      throw new AssertionError("the JWE does not open with Knot's key", e);
    }
  }

  public static KnotCallResult switched(Instant at) {
    return new KnotCallResult(KnotCallResult.Outcome.SWITCHED, 200, null, 1, at, at, "HTTP 200 from POST /card");
  }

  public static KnotCallResult failed(KnotCallResult.Outcome outcome, int status, KnotError error, int attempts,
      Instant at) {
    return new KnotCallResult(outcome, status, error, attempts, attempts == 0 ? null : at, attempts == 0 ? null : at,
        outcome + " from the fake Knot");
  }
}
