package dev.cardswitch.fido;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Accepted jtis in a map, for tests. Not thread-safe. */
final class InMemoryAcceptedJtis implements AcceptedJtis {

  final Map<String, String> owners = new HashMap<>();

  @Override
  public boolean acceptOnce(String jti, String owner, Instant expiresAt) {
    String existing = owners.putIfAbsent(jti, owner);
    return existing == null || existing.equals(owner);
  }
}
