package dev.cardswitch.knot.client;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.knot.KnotJweEncrypter;
import dev.cardswitch.knot.KnotJwk;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Card documents and JWE builders for the tests of the Knot client, the sandbox and the commands. */
public final class TestCards {

  private static final KnotJweEncrypter ENCRYPTER = new KnotJweEncrypter();

  private TestCards() {}

  /** Seed 001's example document ("sufficient to pass validation" in Knot's development environment). */
  public static CardDocument.Builder seed001() {
    return dev.cardswitch.topology.TestCards.seedDocument();
  }

  /** A {@code jweForKey} for the gateway: encrypts the document for the key it is given. */
  public static Function<KnotJwk, String> jweOf(CardDocument document) {
    return key -> {
      byte[] json = document.toJson();
      try {
        return ENCRYPTER.encrypt(key, json);
      } finally {
        Arrays.fill(json, (byte) 0);
      }
    };
  }

  /** Wraps {@code jweForKey}, recording the key of each call. */
  public static final class Recording implements Function<KnotJwk, String> {
    private final Function<KnotJwk, String> delegate;
    private final List<KnotJwk> keys = new CopyOnWriteArrayList<>();

    public Recording(Function<KnotJwk, String> delegate) {
      this.delegate = delegate;
    }

    @Override
    public String apply(KnotJwk key) {
      keys.add(key);
      return delegate.apply(key);
    }

    public List<KnotJwk> keys() {
      return keys;
    }
  }
}
