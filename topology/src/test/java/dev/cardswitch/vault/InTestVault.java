package dev.cardswitch.vault;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link CardVault} for topology tests: it keeps each card sealed (a real ECDH-ES JWE to a key of its
 * own, so nothing lies around in clear), and leaves every lookup pending until the test answers it,
 * so a test decides when and how the platform answers. Thread-safe (synchronized).
 */
public final class InTestVault implements CardVault {

  /** One lookup the topology started, and the future the test completes. */
  public record Lookup(String cardToken, Instant deadline, CompletableFuture<byte[]> future) {}

  private final ECKey key = JwkSetKeyRing.generate("in-test-vault-1");
  private final JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(key), JwkSetKeyRing.Options.DEFAULT);
  private final Map<String, String> sealed = new HashMap<>();
  private final List<Lookup> lookups = new ArrayList<>();

  public synchronized void put(String cardToken, CardDocument.Builder document) {
    try (CardDocument doc = document.build()) {
      byte[] json = doc.toJson();
      try {
        sealed.put(cardToken, new EnvelopeEncrypter(key).encrypt(json));
      } finally {
        Arrays.fill(json, (byte) 0);
      }
    }
  }

  @Override
  public synchronized CompletableFuture<byte[]> cardDocument(String cardToken, Instant deadline) {
    Lookup lookup = new Lookup(cardToken, deadline, new CompletableFuture<>());
    lookups.add(lookup);
    return lookup.future();
  }

  public synchronized List<Lookup> lookups() {
    return List.copyOf(lookups);
  }

  /** Answers lookup {@code index} as the platform would: the card, or CARD_NOT_FOUND for an unknown token. */
  public void answer(int index) {
    Lookup lookup;
    String envelope;
    synchronized (this) {
      lookup = lookups.get(index);
      envelope = sealed.get(lookup.cardToken());
    }
    if (envelope == null) {
      lookup.future().completeExceptionally(new CardVaultException(DeadLetterReason.CARD_NOT_FOUND,
          "the card-management platform does not know the card token (HTTP 404)", 404, null));
    } else {
      lookup.future().complete(ring.decrypt(envelope));
    }
  }

  public synchronized void fail(int index, CardVaultException failure) {
    lookups.get(index).future().completeExceptionally(failure);
  }
}
