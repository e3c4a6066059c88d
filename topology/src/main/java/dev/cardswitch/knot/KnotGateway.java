package dev.cardswitch.knot;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The port through which the topology hands a card to Knot's CardSwitcher ({@code POST /card}).
 *
 * <p>The gateway never holds card data: it asks the caller for a JWE made for the key it currently
 * trusts, and asks again (at most once more) when Knot answers {@code INVALID_JWE} and a refetch of
 * {@code GET /jwe/key} shows that the key was rotated.
 *
 * <p>Implementations are thread-safe and never block the calling thread (the topology calls from its
 * card-work threads, or from a Kafka Streams thread when card work runs in place): all waiting
 * (back-off, rate limiting, the HTTP exchange) happens asynchronously.
 */
public interface KnotGateway {

  /**
   * Sends one card for one task, with retries, within the deadline.
   *
   * <p>Contract for {@code jweForKey}: it returns the JWE of the card document encrypted to the
   * given key (e.g. with {@link KnotJweEncrypter}); it may run on the calling thread or on a
   * gateway thread; it is called at most twice (once per distinct key) and never after the
   * returned future has completed, so the caller may erase its clear card data once the future
   * completes.
   *
   * @param taskId the {@code task_id} of Knot's {@code AUTHENTICATED} webhook
   * @param jweForKey builds the JWE for a key
   * @param deadline when the switch becomes pointless (Knot's 15-second window, measured from
   *     receipt of the webhook); no attempt is started after it
   * @return a future that completes normally with the result of the whole sequence; it completes
   *     exceptionally only with an exception thrown by {@code jweForKey}
   */
  CompletableFuture<KnotCallResult> sendCard(long taskId, Function<KnotJwk, String> jweForKey, Instant deadline);
}
