package dev.cardswitch.demo;

/**
 * Where the demo puts its cards in card-vault lookup mode ({@code ./card-switch demo --vault}): the
 * card-management platform (the embedded stand-in), keyed by card token. Implementations copy the
 * document (the caller wipes its array afterwards) and are thread-safe.
 */
@FunctionalInterface
public interface CardVaultLoader {

  /** Holds {@code documentJson} (Knot's {@code {user, card}} document) under {@code cardToken}. */
  void put(String cardToken, byte[] documentJson);
}
