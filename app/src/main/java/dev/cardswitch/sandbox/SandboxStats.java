package dev.cardswitch.sandbox;

/**
 * Counters of a {@link KnotSandbox} since start or the last reset. {@code jweVerified} JWEs were
 * decrypted and their documents validated; {@code jweNotVerified} were only checked for shape,
 * because {@code verifyShare} (the configured share of JWEs verified, 1.0 by default) left them
 * out. Immutable snapshot.
 */
public record SandboxStats(
    long keyRequests,
    long cardRequests,
    long switched,
    long rejected,
    long injectedFaults,
    long jweVerified,
    long jweNotVerified,
    double verifyShare,
    int tasks) {}
