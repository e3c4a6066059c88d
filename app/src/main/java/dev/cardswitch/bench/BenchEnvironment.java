package dev.cardswitch.bench;

import java.util.Objects;

/**
 * What the services of a benchmark ran on, for the report: the topology's shape (partitions of the
 * topics, stream threads per instance, processing guarantee, calls in flight per instance) and
 * which parts were embedded. Immutable; thread-safe.
 *
 * @param kafka {@code embedded}, or the configured bootstrap servers
 * @param knot {@code sandbox}, or the configured Knot base URL
 * @param cryptoProvider who computes the card crypto's public-key operations ({@code corretto},
 *     {@code bouncycastle} or {@code jdk}): the choice the same settings make on this machine, which
 *     moves the CPU per switch by a fifth
 */
public record BenchEnvironment(int partitions, int threads, String processingGuarantee, int maxInFlight, String kafka,
    String knot, String cryptoProvider) {

  public BenchEnvironment {
    Objects.requireNonNull(processingGuarantee, "processingGuarantee");
    Objects.requireNonNull(cryptoProvider, "cryptoProvider");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(knot, "knot");
  }

  /** Whether Knot is the embedded sandbox (whose latency the benchmark sets). */
  public boolean sandbox() {
    return "sandbox".equals(knot);
  }
}
