package dev.cardswitch.app;

import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.DevCardKeys;
import dev.cardswitch.app.runtime.EmbeddedStack;
import dev.cardswitch.ingress.IngressConfig;
import dev.cardswitch.sandbox.LifecycleWebhooks;
import dev.cardswitch.app.runtime.Topics;
import dev.cardswitch.envelope.JwkSetKeyRing;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/**
 * {@code card-switch stack}: only the embedded parts (broker, registry, Knot sandbox) and the topics,
 * printing how to point services at them, so card-switch can run as separate processes, several
 * instances included.
 */
@Command(name = "stack", mixinStandardHelpOptions = true, description = {
    "Start only the embedded parts and the topics, for separate instances.",
    "The Kafka broker, schema registry and Knot sandbox run until Ctrl-C; it prints",
    "how to point card-switch instances at them."})
public final class StackCommand extends SettingsCommand {

  @Override
  int run(AppConfig config) throws Exception {
    PrintStream out = System.out;
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "card-switch-stack-shutdown"));
    try (EmbeddedStack stack = EmbeddedStack.start(config)) {
      stack.describe().forEach(out::println);
      Topics.ensure(stack.bootstrapServers(), config.topology(), config.topicPartitions(),
          stack.kafka().isPresent() ? 1 : config.topicReplicationFactor());
      DevCardKeys.keyRing(config); // create the shared development key now, so every instance uses it
      out.println();
      out.println("Point card-switch instances at this stack (each with its own ADMIN_PORT, INGRESS_PORT and STATE_DIR):");
      out.println("  export KAFKA_BOOTSTRAP_SERVERS=" + stack.bootstrapServers());
      out.println("  export SCHEMA_REGISTRY_URL=" + stack.registryUrl());
      stack.sandboxEndpoint().ifPresent(s -> {
        out.println("  export KNOT_BASE_URL=" + s.baseUrl());
        out.println("  export KNOT_CLIENT_ID=" + s.clientId());
        out.println("  export KNOT_SECRET=" + s.secret() + "   # the sandbox's development credentials");
        out.println("  export KNOT_RATE_LIMIT_PER_SECOND=" + AppConfig.SANDBOX_RATE_LIMIT_PER_SECOND);
      });
      if (!config.cardKeysConfigured()) {
        out.println("  export " + JwkSetKeyRing.CARD_KEYS_FILE + "=" + config.dataDir().resolve(DevCardKeys.FILE_NAME));
      }
      stack.sandbox().filter(s -> config.sandboxLifecycleWebhooks(true)).ifPresent(sandbox -> {
        // Knot has one webhook URL per issuer: the first instance's ingress, printed below.
        java.net.URI target = java.net.URI.create("http://127.0.0.1:" + IngressConfig.DEFAULT_PORT + IngressConfig.PATH);
        sandbox.lifecycleWebhooks(new LifecycleWebhooks.Settings(target, sandbox.credentials().revealSecret(),
            config.sandboxLifecycleDelay(), config.sandboxLifecycleFailureShare()));
        out.println("The Knot sandbox sends lifecycle webhooks (CARD_UPDATED / CARD_FAILED) to " + target
            + " (" + AppConfig.SANDBOX_LIFECYCLE_WEBHOOKS + "=off stops them).");
      });
      out.println("  ADMIN_PORT=8080 INGRESS_PORT=8088 STATE_DIR=" + config.dataDir().resolve("state-1") + " ./card-switch run");
      out.println("  ADMIN_PORT=8082 INGRESS_PORT=8089 STATE_DIR=" + config.dataDir().resolve("state-2") + " ./card-switch run");
      out.println("Ctrl-C stops the stack.");
      out.flush();
      stop.await();
    }
    return 0;
  }
}
