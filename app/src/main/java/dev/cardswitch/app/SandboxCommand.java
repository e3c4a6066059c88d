package dev.cardswitch.app;

import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.knot.client.KnotCredentials;
import dev.cardswitch.sandbox.KnotSandbox;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch sandbox [--port P]}: runs the Knot sandbox alone, until Ctrl-C. Credentials come
 * from {@code KNOT_CLIENT_ID} / {@code KNOT_SECRET} when both are set; otherwise they are generated
 * and printed here, once (the sandbox itself never logs them).
 *
 * <p>Not thread-safe: picocli makes one instance per run.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Knot sandbox alone, until Ctrl-C.",
      "Knot's development environment (GET /jwe/key, POST /card) on this machine,",
      "with faults on demand under /_sandbox/."
    })
public final class SandboxCommand implements Callable<Integer> {

  /** A fixed default, so that KNOT_BASE_URL can be written down once. */
  public static final int DEFAULT_PORT = 8765;

  @Option(names = "--port", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = DEFAULT_PORT;

  @Option(names = "--verify-share", description = "Share of JWEs decrypted and validated, 0..1 (default: ${DEFAULT-VALUE}); lower it for load runs.")
  double verifyShare = KnotSandbox.DEFAULT_VERIFY_SHARE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final CompletableFuture<KnotSandbox> started;
  private final CountDownLatch stop;

  public SandboxCommand() {
    this(System.getenv(), new CompletableFuture<>(), new CountDownLatch(1));
  }

  /** For tests: {@code started} completes with the running sandbox; counting {@code stop} down ends the command. */
  SandboxCommand(Map<String, String> env, CompletableFuture<KnotSandbox> started, CountDownLatch stop) {
    this.env = env;
    this.started = started;
    this.stop = stop;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String id = blankToNull(env.get(KnotClientConfig.KNOT_CLIENT_ID));
    String secret = blankToNull(env.get(KnotClientConfig.KNOT_SECRET));
    if ((id == null) != (secret == null)) {
      String missing = id == null ? KnotClientConfig.KNOT_CLIENT_ID : KnotClientConfig.KNOT_SECRET;
      err.println("card-switch sandbox: " + missing + " is not set while "
          + (id == null ? KnotClientConfig.KNOT_SECRET : KnotClientConfig.KNOT_CLIENT_ID)
          + " is: export both, or neither to have credentials generated");
      return 2;
    }
    if (!(verifyShare >= 0 && verifyShare <= 1)) {
      err.println("card-switch sandbox: --verify-share is " + verifyShare + ": give a share between 0 and 1");
      return 2;
    }
    KnotSandbox.Builder builder = KnotSandbox.builder().port(port).verifyShare(verifyShare);
    if (id != null) {
      builder.credentials(new KnotCredentials(id, secret));
    }
    KnotSandbox sandbox;
    try {
      sandbox = builder.start();
    } catch (RuntimeException e) {
      err.println("card-switch sandbox: " + e.getMessage());
      return 1;
    }
    Thread hook = new Thread(() -> {
      sandbox.close();
      stop.countDown();
    }, "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println("Knot sandbox listening on " + sandbox.baseUrl() + " (Ctrl-C stops it)");
      out.println("export KNOT_BASE_URL=" + sandbox.baseUrl());
      if (sandbox.credentialsGenerated()) {
        out.println("export KNOT_CLIENT_ID=" + sandbox.credentials().clientId());
        out.println("export KNOT_SECRET=" + sandbox.credentials().revealSecret());
      } else {
        out.println("credentials: KNOT_CLIENT_ID and KNOT_SECRET from the environment");
      }
      out.println("JWEs verified: " + (int) Math.round(verifyShare * 100) + " %; key " + sandbox.currentKid());
      out.println("admin: GET /_sandbox/stats, GET /_sandbox/tasks/{id}, GET|PUT /_sandbox/faults, POST /_sandbox/rotate-key, POST /_sandbox/reset");
      out.flush();
      started.complete(sandbox);
      stop.await();
      return 0;
    } finally {
      sandbox.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Already running: nothing to remove.
      }
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
