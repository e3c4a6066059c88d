package dev.cardswitch.app.runtime;

import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotGateway;
import dev.cardswitch.knot.KnotJwk;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's naive baseline: a {@link KnotGateway} whose {@link #sendCard} waits, on the
 * calling thread, until the inner gateway's call is over, and only then returns its (completed)
 * future. In the topology that thread is a stream thread, so each instance switches at most
 * {@code stream threads ÷ Knot's latency} cards a second: the usual blocking design, which {@code
 * ./card-switch bench --baseline} measures beside the real one. It breaks {@link KnotGateway}'s
 * "never block" contract on purpose; it is switched on only by {@link
 * AppConfig#KNOT_BLOCKING_BASELINE} and never belongs in production.
 *
 * <p>Thread-safe if the inner gateway is.
 */
public final class BlockingKnotGateway implements KnotGateway {

  /** Logged once when the decorator is made, so a benchmark can tell that the baseline is on. */
  public static final String ENABLED_MESSAGE =
      "KNOT_BLOCKING_BASELINE: every POST /card blocks its stream thread (benchmark baseline, not for production)";

  private static final Logger LOG = LoggerFactory.getLogger(BlockingKnotGateway.class);

  private final KnotGateway inner;

  public BlockingKnotGateway(KnotGateway inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
    LOG.warn(ENABLED_MESSAGE);
  }

  @Override
  public CompletableFuture<KnotCallResult> sendCard(long taskId, Function<KnotJwk, String> jweForKey,
      Instant deadline) {
    CompletableFuture<KnotCallResult> call = inner.sendCard(taskId, jweForKey, deadline);
    try {
      call.get();
    } catch (ExecutionException e) {
      // The failure stays in the future, where the caller looks for it.
    } catch (InterruptedException e) {
      // Shutting down: hand back the call as it is; the caller handles a future still running.
      Thread.currentThread().interrupt();
    }
    return call;
  }
}
