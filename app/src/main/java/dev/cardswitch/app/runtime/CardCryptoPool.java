package dev.cardswitch.app.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that open card envelopes, make Knot's JWEs and start the calls to Knot
 * ({@code SwitchPorts.cardWork}): the most expensive part of a switch, kept off the stream threads so
 * that its parallelism follows the cores, not {@code NUM_STREAM_THREADS}, and a stream thread only
 * does Kafka work. Every task is CPU work that never blocks (the call itself is asynchronous), so a
 * fixed pool of one thread per core; the queue is bounded by the calls allowed in flight, since a
 * switch takes its call slot before it is queued here. Daemon threads named {@code card-crypto-N}
 * (the bench's CPU split counts them by that name).
 */
final class CardCryptoPool {

  static final String THREAD_PREFIX = "card-crypto-";

  private CardCryptoPool() {}

  static ExecutorService start(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }
}
