package dev.cardswitch.app;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.registry.BasicCredentials;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.replay.ReplayFilter;
import dev.cardswitch.replay.ReplayOptions;
import dev.cardswitch.replay.ReplayReport;
import dev.cardswitch.replay.Replayer;
import dev.cardswitch.replay.TimeArgument;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch replay}: the SREs' dead-letter replay (see {@link Replayer}). A dry run unless
 * {@code --execute}. Starts nothing embedded: it needs a running stack or cluster.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    customSynopsis = "card-switch replay [--reason R]... [--knot-error-code C]... [--from TIME] [--to TIME]"
        + " [--merchant M]... [--task ID]... [--force] [--rate N] [--execute] [--<setting> VALUE]...",
    description = {
        "Re-submit dead-lettered Knot events for another attempt (SREs).",
        "",
        "Reads the dead-letter topic and selects dead letters by the filters (all",
        "given filters must match; a repeated option matches any of its values).",
        "Each selected dead letter's original event goes back to the webhook topic",
        "with a fresh receipt time (card-switch then has SWITCH_WINDOW from now)",
        "and a replay_of link to the dead letter, which its new outcome or dead",
        "letter carries too. Only dead letters marked replayable, unless --force.",
        "Skipped, with the reason in the report: a task that has an outcome",
        "(already switched); a dead letter replayed before (the ledger topic",
        "DEAD_LETTER_TOPIC-replays is written in the same transaction as each",
        "event); an older dead letter of a task whose latest one is replayed; a",
        "dead letter without a readable event. Running it twice replays nothing",
        "twice.",
        "",
        "A dry run by default: prints what would be replayed or skipped, writes",
        "nothing, and says 'run again with --execute'. Knot accepts a card only",
        "within 15 s of its AUTHENTICATED event: the report marks the replays",
        "that come after that window as probably pointless (see the README).",
        "",
        "TIME: 2026-11-25T10:00:00Z, 2026-11-25T11:00+01:00, 2026-11-25 (UTC),",
        "now, or an age: 30m ago, 2h ago, 1d ago. --from and --to select by when",
        "the dead letter was written (its completed_at).",
        "",
        "Settings as for run: KAFKA_BOOTSTRAP_SERVERS (default",
        "127.0.0.1:KAFKA_PORT), SCHEMA_REGISTRY_URL (default",
        "http://127.0.0.1:SCHEMA_REGISTRY_PORT), SCHEMA_REGISTRY_USER_INFO,",
        "WEBHOOK_TOPIC, OUTCOME_TOPIC, DEAD_LETTER_TOPIC, SWITCH_WINDOW;",
        "TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR for the ledger topic.",
        "Exit status: 0 done (or dry run); 1 the replay failed (what was",
        "committed stays replayed: run the same command again); 2 bad options",
        "or settings.",
        ""},
    footer = {"", "Examples:",
        "  ./card-switch replay                  # dry run: what would happen",
        "  ./card-switch replay --reason NO_CARD_REFERENCE --from '2h ago' --execute",
        "  ./card-switch replay --reason KNOT_UNAVAILABLE --merchant 10 \\",
        "    --rate 5 --execute",
        "  ./card-switch replay --task 408321 --task 408322 --execute",
        "  ./card-switch replay --reason KNOT_REJECTED \\",
        "    --knot-error-code INVALID_FIELD --force --execute",
        "  KAFKA_BOOTSTRAP_SERVERS=kafka:9092 \\",
        "  SCHEMA_REGISTRY_URL=http://registry:8081 \\",
        "    ./card-switch replay --from 2026-11-25T08:00Z --to 2026-11-25T09:00Z"})
public final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--reason", split = ",", paramLabel = "R",
      description = "Dead-letter reason, e.g. NO_CARD_REFERENCE, KNOT_UNAVAILABLE (repeatable).")
  List<String> reasons = new ArrayList<>();

  @Option(names = "--knot-error-code", split = ",", paramLabel = "C",
      description = "Knot's error_code, e.g. INVALID_FIELD, INVALID_JWE (repeatable).")
  List<String> knotErrorCodes = new ArrayList<>();

  @Option(names = "--from", paramLabel = "TIME", description = "Dead letters written at or after TIME.")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "Dead letters written before TIME.")
  String to;

  @Option(names = "--merchant", split = ",", paramLabel = "M",
      description = "Knot merchant id or name (repeatable).")
  List<String> merchants = new ArrayList<>();

  @Option(names = "--task", split = ",", paramLabel = "ID", description = "Knot task id (repeatable).")
  List<Long> tasks = new ArrayList<>();

  @Option(names = "--force", description = "Replay dead letters not marked replayable too.")
  boolean force;

  @Option(names = "--execute", description = "Replay for real (without it: a dry run that writes nothing).")
  boolean execute;

  @Option(names = "--rate", paramLabel = "N",
      description = "Most events re-submitted per second (default: ${DEFAULT-VALUE}).")
  double rate = ReplayOptions.DEFAULT_RATE;

  @CommandLine.Unmatched
  List<String> settings = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    AppConfig config;
    ReplayOptions options;
    try {
      config = Launch.configure(System.getenv(), settings);
      options = options(Clock.systemUTC());
    } catch (CardSwitchException | IllegalArgumentException e) {
      err.println("card-switch replay: " + e.getMessage());
      return 2;
    }
    try {
      ReplayReport report = new Replayer(targets(config), Clock.systemUTC())
          .run(options, err, System.console() != null);
      report.print(out);
      out.flush();
      return 0;
    } catch (CardSwitchException e) {
      err.println("card-switch replay: " + e.getMessage());
      return 1;
    }
  }

  ReplayOptions options(Clock clock) {
    ReplayFilter.Builder filter = ReplayFilter.builder()
        .reasons(reasons)
        .knotErrorCodes(knotErrorCodes)
        .merchants(merchants)
        .tasks(tasks);
    if (from != null) {
      filter.from(TimeArgument.parse("--from", from, clock));
    }
    if (to != null) {
      filter.to(TimeArgument.parse("--to", to, clock));
    }
    return new ReplayOptions(filter.build(), force, execute, rate);
  }

  /** The running stack's addresses: configured, or the embedded stack's on this machine. */
  static Replayer.Targets targets(AppConfig config) {
    String bootstrap = config.kafkaBootstrapServers().orElse("127.0.0.1:" + config.kafkaPort());
    SchemaRegistryConfig.Builder registry = SchemaRegistryConfig.builder(
        config.schemaRegistryUrl().orElse("http://127.0.0.1:" + config.schemaRegistryPort()));
    config.schemaRegistryUserInfo().ifPresent(u -> registry.credentials(BasicCredentials.parseUserInfo(u)));
    var topology = config.topology();
    return new Replayer.Targets(bootstrap, Map.of(), new HttpSchemaRegistryClient(registry.build()),
        topology.webhookTopic(), topology.outcomeTopic(), topology.deadLetterTopic(),
        Replayer.Targets.ledgerTopicFor(topology.deadLetterTopic()), topology.window(), config.topicPartitions(),
        config.topicReplicationFactor());
  }
}
