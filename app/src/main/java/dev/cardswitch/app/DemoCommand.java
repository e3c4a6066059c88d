package dev.cardswitch.app;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.demo.CardVaultLoader;
import dev.cardswitch.demo.Demo;
import dev.cardswitch.demo.DemoCardinal;
import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.DemoReport;
import dev.cardswitch.demo.DemoSettings;
import dev.cardswitch.demo.DemoTargets;
import dev.cardswitch.ingress.WebhookIngress;
import dev.cardswitch.vault.standin.CardVaultStandIn;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch demo}: the main job on the embedded default (or against the configured real
 * parts): starts card-switch, plays a switching campaign of generated users, cards and events through
 * it, reads the results back and reports. Exit status 0 only if every event got exactly the result
 * it should.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Play a switching campaign through card-switch on the embedded default.",
    "Starts the broker, registry and Knot sandbox (each unless configured) and card-switch,",
    "produces generated card references, POSTs AUTHENTICATED events signed as Knot would",
    "to the webhook ingress, shows a progress bar, then reads the results and Knot's",
    "lifecycle (confirmed / failed switches) back: a summary and one JSON line."})
public final class DemoCommand extends SettingsCommand {

  @Option(names = "--events", description = "Events to play (default: ${DEFAULT-VALUE}).")
  int events = DemoSettings.DEFAULT_EVENTS;

  @Option(names = "--rate", description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate = DemoSettings.DEFAULT_RATE;

  @Option(names = "--seed", description = "Seed of the generated users, cards and mix (default: ${DEFAULT-VALUE}).")
  long seed = DemoSettings.DEFAULT_SEED;

  @Option(names = "--direct-to-kafka", description = {
      "Produce the events straight to the webhook topic instead of POSTing them,",
      "signed as Knot signs them, to card-switch's webhook ingress (the default)."})
  boolean directToKafka;

  @Option(names = "--fido", paramLabel = "MODE", description = {
      "Run card-switch with its Cardinal FIDO gate (FIDO_GATE): off, audit or required.",
      "The demo then plays the issuer's front end and Cardinal: every card reference carries",
      "a FIDO result; with required, " + DemoPlan.FIDO_FAILED_PERCENT + " % of the cards a failed one (CARDHOLDER_NOT_AUTHENTICATED)."})
  String fido;

  @Option(names = "--vault", description = {
      "Card-vault lookup mode (CARD_SOURCE=vault): the cards go to the card-management platform",
      "(the embedded stand-in unless CARD_VAULT_BASE_URL is set), the card references carry only",
      "a card token, and a share of unknown tokens ends as CARD_NOT_FOUND dead letters."})
  boolean vault;

  private DemoSettings demo;

  @Override
  List<String> settingFlags() {
    List<String> flags = new ArrayList<>(settings);
    if (fido != null) {
      flags.add("--fido-gate");
      flags.add(fido);
    }
    if (vault) {
      flags.add("--card-source");
      flags.add("vault");
    }
    return flags;
  }

  @Override
  void validateOptions() {
    demo = DemoSettings.builder().events(events).seed(seed).rate(rate).build();
  }

  @Override
  int run(AppConfig config) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    try (Launch launch = Launch.start(config, err, true).awaitRunning(Duration.ofMinutes(2))) {
      DemoTargets targets = new DemoTargets(launch.stack().bootstrapServers(), launch.service().registry(),
          launch.service().keyRing().currentPublicKey(), config.topology(), launch.stack().sandbox().orElse(null));
      if (!directToKafka) {
        WebhookIngress ingress = launch.service().ingress().orElseThrow(() -> new CardSwitchException(
            "INGRESS_DISABLED", "the demo POSTs its events to the webhook ingress, which is off"
                + " (INGRESS_ENABLED=false): turn it on, or pass --direct-to-kafka"));
        targets = targets.viaIngress(ingress.url("127.0.0.1"),
            config.knotClientConfig(launch.stack().sandboxEndpoint().orElse(null)).knotCredentials().revealSecret(),
            ingress.counters());
      }
      // The embedded sandbox closes each switch after SANDBOX_LIFECYCLE_DELAY: wait that long, and a margin.
      boolean lifecycle = launch.stack().sandbox().isPresent() && config.sandboxLifecycleWebhooks(true);
      DemoSettings.Builder settings = lifecycle
          ? demo.toBuilder().lifecycleWait(config.sandboxLifecycleDelay().plus(DemoSettings.DEFAULT_MARGIN))
          : demo.toBuilder();
      // The service's own Cardinal settings (generated for the sandbox unless configured): the demo
      // signs as Cardinal with the same key, as Cardinal does with the merchant's.
      config.cardinal().ifPresent(c -> settings.fido(new DemoCardinal(c, config.fidoGate(), Clock.systemUTC())));
      CardVaultLoader loader = null;
      if (vault) {
        // Only the embedded stand-in can be loaded from here; a real platform holds the issuer's cards.
        CardVaultStandIn standIn = launch.stack().vaultStandIn().orElseThrow(() -> new CardSwitchException(
            "CARD_VAULT_NOT_EMBEDDED", "demo --vault loads its cards into the embedded card vault stand-in, but"
                + " CARD_VAULT_BASE_URL points at a real platform: unset it for the demo"));
        loader = standIn::putCard;
      }
      DemoReport report = Demo.run(settings.build(), targets, loader, out, err);
      out.flush();
      return report.exitCode();
    }
  }
}
