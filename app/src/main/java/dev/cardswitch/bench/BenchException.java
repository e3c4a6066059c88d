package dev.cardswitch.bench;

import dev.cardswitch.CardSwitchException;

/**
 * The benchmark could not run to its end: a service process did not start or stopped, or the
 * stack could not be reached. The message names what failed, where its log is and the fix; it
 * never holds card data or secrets. Reason codes: {@value #SERVICE_FAILED}, {@value #JIT_UNSEEN}.
 */
public final class BenchException extends CardSwitchException {

  /** A card-switch service process did not reach RUNNING, or ended during the benchmark. */
  public static final String SERVICE_FAILED = "BENCH_SERVICE_FAILED";

  /** {@code --warmup auto} cannot read the service's threads' CPU times, so cannot tell when the JIT has settled. */
  public static final String JIT_UNSEEN = "BENCH_JIT_UNSEEN";

  public BenchException(String reason, String message) {
    super(reason, message);
  }

  public BenchException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
