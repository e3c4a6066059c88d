package dev.cardswitch.ingress;

import java.time.Duration;
import java.util.Objects;

/**
 * The webhook ingress's settings: where it listens, the largest body it reads, how long it waits for
 * the broker's acknowledgement before answering 503, and how many threads read requests. Immutable;
 * validated at {@link Builder#build()}.
 */
public final class IngressConfig {

  /** The path Knot POSTs its webhooks to. */
  public static final String PATH = "/knot/webhooks";
  public static final int DEFAULT_PORT = 8088;
  public static final String DEFAULT_BIND = "0.0.0.0";
  /** A Knot event is a few hundred bytes; 64 KiB is generous and keeps a flood of large bodies cheap. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int MIN_MAX_BODY_BYTES = 1024;
  /**
   * Well inside Knot's 15 s window, and long enough for a leader election on the webhook topic: a
   * 503 after it makes Knot retry, and its retry is the record's second chance.
   */
  public static final Duration DEFAULT_PRODUCE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Threads that read, verify and hand requests to the producer. None of them waits for the broker
   * (the answer is sent from the producer's callback), so a few suffice.
   */
  public static final int DEFAULT_THREADS = 4;

  private final String bind;
  private final int port;
  private final int maxBodyBytes;
  private final Duration produceTimeout;
  private final int threads;

  private IngressConfig(Builder b) {
    this.bind = b.bind;
    this.port = b.port;
    this.maxBodyBytes = b.maxBodyBytes;
    this.produceTimeout = b.produceTimeout;
    this.threads = b.threads;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String bind() { return bind; }
  public int port() { return port; }
  public int maxBodyBytes() { return maxBodyBytes; }
  public Duration produceTimeout() { return produceTimeout; }
  public int threads() { return threads; }

  @Override
  public String toString() {
    return "IngressConfig[" + bind + ":" + port + PATH + ", maxBodyBytes=" + maxBodyBytes + ", produceTimeout="
        + produceTimeout + ", threads=" + threads + "]";
  }

  /** Not thread-safe. */
  public static final class Builder {
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration produceTimeout = DEFAULT_PRODUCE_TIMEOUT;
    private int threads = DEFAULT_THREADS;

    private Builder() {}

    public Builder bind(String bind) { this.bind = Objects.requireNonNull(bind, "bind"); return this; }
    /** 0 picks a free port. */
    public Builder port(int port) { this.port = port; return this; }
    public Builder maxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; return this; }
    public Builder produceTimeout(Duration t) { this.produceTimeout = Objects.requireNonNull(t, "produceTimeout"); return this; }
    public Builder threads(int threads) { this.threads = threads; return this; }

    /** @throws IllegalArgumentException naming the setting, the bad value and what is allowed */
    public IngressConfig build() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("INGRESS_PORT is " + port + ": give a port from 0 (any free port) to 65535");
      }
      if (bind.isBlank()) {
        throw new IllegalArgumentException("INGRESS_BIND is blank: give an address, e.g. 0.0.0.0 or 127.0.0.1");
      }
      if (maxBodyBytes < MIN_MAX_BODY_BYTES) {
        throw new IllegalArgumentException("INGRESS_MAX_BODY_BYTES is " + maxBodyBytes + ": give at least "
            + MIN_MAX_BODY_BYTES + " (a Knot event is a few hundred bytes)");
      }
      if (produceTimeout.isNegative() || produceTimeout.isZero()) {
        throw new IllegalArgumentException("INGRESS_PRODUCE_TIMEOUT is " + produceTimeout
            + ": give a positive duration such as 5s, well inside Knot's 15 s window");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("ingress threads is " + threads + ": give at least 1");
      }
      return new IngressConfig(this);
    }
  }
}
