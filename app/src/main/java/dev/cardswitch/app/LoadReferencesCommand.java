package dev.cardswitch.app;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.loader.CardFileFormat;
import dev.cardswitch.loader.LoadReport;
import dev.cardswitch.loader.ReferenceFingerprint;
import dev.cardswitch.loader.ReferenceLoader;
import dev.cardswitch.loader.ServiceKey;
import dev.cardswitch.registry.BasicCredentials;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch load-references FILE}: the issuer's bulk load of card references from a CSV or
 * JSON-lines file into a running card-switch's card-reference topic (see {@link ReferenceLoader}).
 * Starts nothing embedded: it needs a running stack.
 */
@Command(name = "load-references", mixinStandardHelpOptions = true,
    customSynopsis = "card-switch load-references FILE [--format csv|json_lines] [--keys-url URL | --public-key FILE]"
        + " [--fingerprint-key FILE] [--<setting> VALUE]...",
    description = {
        "Load card references in bulk from a CSV or JSON-lines file (issuers).",
        "Each row is checked against Knot's rules, sealed to the service's current public key and",
        "written to the card-reference topic keyed by card_id. Bad rows are reported by line and",
        "field path, never by value, and do not stop the load. Running the same file again writes",
        "nothing twice: unchanged rows are skipped (after a key rotation they are re-sealed).",
        "Needs a running stack (./card-switch stack or ./card-switch run); starts nothing itself.",
        "",
        "CSV: a header row, then one card a line; columns (any order):",
        "  card_id, external_user_id, first_name, last_name, street, street2 (optional), city,",
        "  region, postal_code, country, phone_number, number, expiration, cvv,",
        "  fido_response_jwt (optional)",
        "JSON lines (.jsonl): one object a line, Knot's card document with the ids beside it:",
        "  {\"card_id\":..,\"external_user_id\":..,\"fido_response_jwt\":..(optional),",
        "   \"user\":{\"name\":{\"first_name\":..,\"last_name\":..},\"address\":{\"street\":..,\"street2\":..,",
        "   \"city\":..,\"region\":..,\"postal_code\":..,\"country\":..},\"phone_number\":..},",
        "   \"card\":{\"number\":..,\"expiration\":..,\"cvv\":..}}",
        "",
        "Settings as for run: KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:KAFKA_PORT),",
        "SCHEMA_REGISTRY_URL (default http://127.0.0.1:SCHEMA_REGISTRY_PORT), CARD_REFERENCE_TOPIC.",
        "Exit status: 0 all rows loaded or unchanged, 1 some rows rejected or the load failed,",
        "2 bad options or settings."},
    footer = {"", "Examples:",
        "  ./card-switch load-references cards.csv",
        "  ./card-switch load-references cards.jsonl --keys-url http://card-switch-admin:8080/keys",
        "  KAFKA_BOOTSTRAP_SERVERS=kafka:9092 SCHEMA_REGISTRY_URL=http://registry:8081 \\",
        "    ./card-switch load-references cards.csv --public-key service-public.jwks.json"})
public final class LoadReferencesCommand implements Callable<Integer> {

  @Option(names = "--format", description = "csv or json_lines (default: from the file name: .csv, .jsonl).")
  CardFileFormat format;

  @Option(names = "--keys-url", description = "The service's GET /keys (default: http://127.0.0.1:ADMIN_PORT/keys).")
  URI keysUrl;

  @Option(names = "--public-key", description = "A JWK or JWK set file with the service's current public key"
      + " (instead of --keys-url).")
  Path publicKey;

  @Option(names = "--fingerprint-key", description = "The secret key of the fingerprints that make re-runs skip"
      + " unchanged rows (default: DATA_DIR/" + ReferenceFingerprint.DEFAULT_KEY_FILE + ", created on first use).")
  Path fingerprintKey;

  @CommandLine.Unmatched
  List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Path file;
    AppConfig config;
    try {
      List<String> settings = new ArrayList<>();
      file = splitFile(arguments, settings);
      config = Launch.configure(System.getenv(), settings);
      if (keysUrl != null && publicKey != null) {
        throw new IllegalArgumentException("give either --keys-url or --public-key, not both");
      }
    } catch (CardSwitchException | IllegalArgumentException e) {
      err.println("card-switch load-references: " + e.getMessage());
      return 2;
    }
    try {
      return load(file, config, out, err);
    } catch (CardSwitchException e) {
      err.println("card-switch load-references: " + e.getMessage());
      return 1;
    }
  }

  private int load(Path file, AppConfig config, PrintStream out, PrintStream err) {
    CardFileFormat fileFormat = format != null ? format : CardFileFormat.of(file);
    ECKey key = publicKey != null ? ServiceKey.fromFile(publicKey)
        : ServiceKey.fromUrl(keysUrl != null ? keysUrl : URI.create("http://127.0.0.1:" + config.adminPort() + "/keys"));
    ReferenceLoader loader = new ReferenceLoader(targets(config), key,
        ReferenceFingerprint.withKeyFile(fingerprintKey != null ? fingerprintKey
            : config.dataDir().resolve(ReferenceFingerprint.DEFAULT_KEY_FILE)), Clock.systemUTC());
    LoadReport report = loader.load(file, fileFormat, err, System.console() != null);
    report.print(out);
    out.flush();
    return report.exitCode();
  }

  /** The running stack's addresses: configured, or the embedded stack's on this machine. */
  static ReferenceLoader.Targets targets(AppConfig config) {
    String bootstrap = config.kafkaBootstrapServers().orElse("127.0.0.1:" + config.kafkaPort());
    SchemaRegistryConfig.Builder registry = SchemaRegistryConfig.builder(
        config.schemaRegistryUrl().orElse("http://127.0.0.1:" + config.schemaRegistryPort()));
    config.schemaRegistryUserInfo().ifPresent(u -> registry.credentials(BasicCredentials.parseUserInfo(u)));
    return new ReferenceLoader.Targets(bootstrap, Map.of(), new HttpSchemaRegistryClient(registry.build()),
        config.topology().cardReferenceTopic());
  }

  /** The one positional argument (the file); the rest are settings given as {@code --name value} flags. */
  static Path splitFile(List<String> arguments, List<String> settings) {
    Path file = null;
    for (int i = 0; i < arguments.size(); i++) {
      String a = arguments.get(i);
      if (a.startsWith("--")) {
        settings.add(a);
        if (!a.contains("=") && i + 1 < arguments.size()) {
          settings.add(arguments.get(++i));
        }
      } else if (file == null) {
        file = Path.of(a);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + a + "': give one FILE");
      }
    }
    if (file == null) {
      throw new IllegalArgumentException("no FILE given: ./card-switch load-references cards.csv (see --help)");
    }
    return file;
  }
}
