package dev.cardswitch.app;

import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.keys.KeyRingFiles;
import dev.cardswitch.loader.ReferenceLoader;
import dev.cardswitch.loader.StoredReferences;
import dev.cardswitch.topology.TopologySerdes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code card-switch keys}: rotation of card-switch's envelope keys (SREs): make a new key pair, add
 * it to the ring as the current key, count the references sealed to each key, retire a key no
 * reference uses. The procedure is in the README ("For SREs: rotating the card keys").
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Rotate card-switch's envelope keys: new, add, usage, retire."},
    subcommands = {KeysCommand.New.class, KeysCommand.Add.class, KeysCommand.Usage.class, KeysCommand.Retire.class},
    footer = {"", "Rotation, in order:",
        "  ./card-switch keys new --kid cards-2026-01 --out new-key.json",
        "  ./card-switch keys add new-key.json --to /secrets/card-keys.json   # new key current, old kept",
        "  (restart or roll the instances; they serve the new key first at GET /keys)",
        "  ./card-switch load-references cards.csv                            # re-seal at leisure",
        "  ./card-switch keys usage                                           # references by kid",
        "  ./card-switch keys retire OLD_KID --from /secrets/card-keys.json   # only when usage shows 0"})
public final class KeysCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = {"Make a new EC P-256 key pair for envelopes, as a JWK set (private key included).",
          "With --out, written to a new file readable by its owner only; without, printed for a secret store."},
      footer = {"", "Examples:", "  ./card-switch keys new --kid cards-2026-01 --out new-key.json",
          "  ./card-switch keys new | vault kv put secret/card-switch card_keys=-"})
  static final class New implements Callable<Integer> {
    @Option(names = "--kid", description = "The key's id (default: cards-DATE-RANDOM).")
    String kid;

    @Option(names = "--out", description = "A new file to write the JWK set to (mode 600).")
    Path out;

    @Override
    public Integer call() {
      String k = kid != null ? kid : "cards-" + LocalDate.now() + "-" + UUID.randomUUID().toString().substring(0, 8);
      JWKSet keys = KeyRingFiles.newKeySet(k);
      try {
        if (out != null) {
          KeyRingFiles.writeNew(out, keys);
          System.out.println("new key " + k + " written to " + out + " (private: keep it in a secret store)");
        } else {
          System.err.println("new key " + k + " (private: store it in a secret store, never in the repository):");
          System.out.println(keys.toString(false));
        }
        return 0;
      } catch (CardSwitchException e) {
        System.err.println("card-switch keys new: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add the keys of FILE to the ring file as the current key; the old keys are kept,",
          "so references sealed to them still open. Then restart or roll the instances."},
      footer = {"", "Example:", "  ./card-switch keys add new-key.json --to /secrets/card-keys.json"})
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The new key (a JWK set file from keys new).")
    Path file;

    @Option(names = "--to", required = true, paramLabel = "RING_FILE",
        description = "The service's ring (CARD_KEYS_FILE); created when missing.")
    Path ring;

    @Override
    public Integer call() {
      try {
        List<String> kids = KeyRingFiles.add(file, ring);
        System.out.println(ring + " now holds " + String.join(", ", kids) + "; current: " + kids.get(0));
        System.out.println("Restart or roll the instances (unset CARD_KEYS_CURRENT_KID, or set it to " + kids.get(0)
            + "); then re-load references at leisure and check ./card-switch keys usage.");
        return 0;
      } catch (CardSwitchException e) {
        System.err.println("card-switch keys add: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = {"Remove a key from the ring file. Only when ./card-switch keys usage shows no reference",
          "sealed to it: such references could no longer be opened."},
      footer = {"", "Example:", "  ./card-switch keys retire cards-2025-01 --from /secrets/card-keys.json"})
  static final class Retire implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KID")
    String kid;

    @Option(names = "--from", required = true, paramLabel = "RING_FILE")
    Path ring;

    @Override
    public Integer call() {
      try {
        List<String> kids = KeyRingFiles.retire(kid, ring);
        System.out.println(ring + " now holds " + String.join(", ", kids) + "; restart or roll the instances");
        return 0;
      } catch (CardSwitchException e) {
        System.err.println("card-switch keys retire: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "usage", mixinStandardHelpOptions = true,
      description = {"Count the current card references by the kid of their envelope's key, from the",
          "card-reference topic, without opening any envelope. Needs a running stack.",
          "Settings as for run: KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, CARD_REFERENCE_TOPIC."},
      footer = {"", "Example:", "  KAFKA_BOOTSTRAP_SERVERS=kafka:9092 ./card-switch keys usage"})
  static final class Usage implements Callable<Integer> {
    @CommandLine.Unmatched
    List<String> settings = new ArrayList<>();

    @Override
    public Integer call() {
      PrintStream out = System.out;
      try {
        AppConfig config = Launch.configure(System.getenv(), settings);
        Map<String, Integer> counts = usage(LoadReferencesCommand.targets(config));
        out.println("card references by key (" + config.topology().cardReferenceTopic() + "):");
        counts.forEach((kid, n) -> out.printf("  %-40s %8d%n", kid, n));
        out.println(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of("references_by_kid", counts)));
        return 0;
      } catch (CardSwitchException | IllegalArgumentException e) {
        System.err.println("card-switch keys usage: " + e.getMessage());
        return 1;
      }
    }

    static Map<String, Integer> usage(ReferenceLoader.Targets targets) {
      return StoredReferences.read(targets.bootstrapServers(), targets.clientProperties(), targets.topic(),
          TopologySerdes.of(targets.registry()).cardReference().deserializer()).countByKid();
    }
  }
}
