package dev.cardswitch.loader;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.app.console.ProgressBar;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.topology.TopologySerdes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an issuer's card file into card references: each row is read ({@link CardFileReader}),
 * checked against Knot's rules ({@link CardDocumentValidator}), sealed as an envelope to the
 * service's current key and produced to the card-reference topic keyed by card id, with its
 * {@link ReferenceFingerprint} as a header. A bad row is reported by line number and field path and
 * the load goes on.
 *
 * <p>Idempotent: the topic's latest reference of every card is read first; a row whose fingerprint
 * equals the stored one and whose stored envelope is sealed to the current kid is skipped. So running
 * the same file twice writes nothing the second time, and after a key rotation the same file re-seals
 * every reference to the new key (the way to retire the old one). The producer is idempotent with
 * {@code acks=all}, so a retried send is no duplicate either.
 *
 * <p>Not thread-safe: one load at a time per instance.
 */
public final class ReferenceLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceLoader.class);

  /** How long a send may wait for metadata or buffer space. */
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(30);

  /**
   * Where references go.
   *
   * @param clientProperties extra Kafka client properties (security settings)
   */
  public record Targets(String bootstrapServers, Map<String, Object> clientProperties, SchemaRegistryClient registry,
      String topic) {
    public Targets {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      clientProperties = Map.copyOf(clientProperties);
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(topic, "topic");
    }
  }

  private final Targets targets;
  private final EnvelopeEncrypter encrypter;
  private final ReferenceFingerprint fingerprint;
  private final CardDocumentValidator validator;
  private final Clock clock;

  public ReferenceLoader(Targets targets, ECKey serviceKey, ReferenceFingerprint fingerprint, Clock clock) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.encrypter = new EnvelopeEncrypter(serviceKey);
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.validator = new CardDocumentValidator(clock);
  }

  /**
   * Loads {@code file}.
   *
   * @param progress where the progress bar draws (standard error for the command)
   * @param terminal whether {@code progress} is a terminal (the bar redraws in place)
   * @throws LoadException when the file, the broker or the registry cannot be used; rows that are bad
   *     are counted in the report instead
   */
  public LoadReport load(Path file, CardFileFormat format, PrintStream progress, boolean terminal) {
    TopologySerdes serdes = TopologySerdes.of(targets.registry());
    requireRegistry();
    StoredReferences stored = StoredReferences.read(targets.bootstrapServers(), targets.clientProperties(),
        targets.topic(), serdes.cardReference().deserializer());
    long total = CardFileReader.countRows(file, format);
    long rows = 0;
    long skipped = 0;
    Map<Violation, Long> rejectedBy = new HashMap<>();
    Map<Long, List<Violation>> rejectedRows = new LinkedHashMap<>();
    Map<String, Long> seen = new HashMap<>();
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    try (CardFileReader reader = CardFileReader.open(file, format);
        KafkaProducer<String, byte[]> producer = producer();
        ProgressBar bar = ProgressBar.builder("references", total).out(progress).terminal(terminal).build()) {
      CardRow row;
      while ((row = reader.next()) != null) {
        try (CardRow r = row) {
          rows++;
          List<Violation> problems = problems(r, seen);
          if (!problems.isEmpty()) {
            rejectedRows.put(r.line(), problems);
            problems.forEach(p -> rejectedBy.merge(p, 1L, Long::sum));
            LOG.debug("line {} rejected: {}", r.line(), problems);
            continue;
          }
          byte[] json = r.document().toJson();
          try {
            String print = fingerprint.of(r.cardId(), r.externalUserId(), r.fidoResponseJwt(), json);
            StoredReferences.Stored previous = stored.get(r.cardId());
            if (previous != null && print.equals(previous.fingerprint()) && encrypter.kid().equals(previous.kid())) {
              skipped++;
              continue;
            }
            CardReference reference = CardReference.newBuilder()
                .setCardId(r.cardId())
                .setExternalUserId(r.externalUserId())
                .setLastFour(r.document().lastFour())
                .setCardEnvelope(encrypter.encrypt(json))
                .setFidoResponseJwt(r.fidoResponseJwt())
                .setUpdatedAt(clock.instant())
                .build();
            byte[] value = serdes.cardReference().serializer().serialize(targets.topic(), reference);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(targets.topic(), r.cardId(), value);
            record.headers().add(ReferenceFingerprint.HEADER, print.getBytes(StandardCharsets.US_ASCII));
            producer.send(record, (metadata, e) -> {
              if (e == null) {
                acknowledged.incrementAndGet();
              } else {
                failure.compareAndSet(null, e);
              }
            });
            sent++;
          } finally {
            Arrays.fill(json, (byte) 0);
          }
        } finally {
          bar.step();
        }
        throwIfFailed(failure);
      }
      producer.flush();
      throwIfFailed(failure);
    } catch (KafkaException e) {
      throw unreachable(e);
    }
    long rejected = rejectedRows.size();
    LOG.info("loaded {} of {} card rows into {} ({} unchanged, {} rejected), sealed to kid {}", sent, rows,
        targets.topic(), skipped, rejected, encrypter.kid());
    return new LoadReport(rows, acknowledged.get(), skipped, rejected, rejectedBy, rejectedRows, encrypter.kid());
  }

  private List<Violation> problems(CardRow row, Map<String, Long> seen) {
    List<Violation> problems = new ArrayList<>(row.problems());
    if (row.cardId() == null || row.cardId().isBlank()) {
      problems.add(new Violation(CardFileReader.CARD_ID, "is required"));
    } else {
      Long earlier = seen.putIfAbsent(row.cardId(), row.line());
      if (earlier != null) {
        problems.add(new Violation(CardFileReader.CARD_ID, "repeats the card_id of an earlier line: one row per card"));
      }
    }
    if (row.externalUserId() == null || row.externalUserId().isBlank()) {
      problems.add(new Violation(CardFileReader.EXTERNAL_USER_ID, "is required"));
    }
    if (row.document() != null) {
      for (Violation v : validator.validate(row.document())) {
        if (!CardFileReader.isIdentifierField(v.fieldPath())) {
          problems.add(v);
        }
      }
    }
    return problems;
  }

  private KafkaProducer<String, byte[]> producer() {
    Map<String, Object> config = new HashMap<>(targets.clientProperties());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, targets.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "card-switch-reference-loader");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEFAULT_MAX_BLOCK.toMillis());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private void requireRegistry() {
    try {
      targets.registry().subjects();
    } catch (RuntimeException e) {
      throw new LoadException(LoadException.UNREACHABLE, "cannot reach the schema registry at "
          + targets.registry().url() + " (" + e.getClass().getSimpleName() + "): start the stack first"
          + " (./card-switch stack, or ./card-switch run), or set SCHEMA_REGISTRY_URL to the running registry", e);
    }
  }

  private void throwIfFailed(AtomicReference<Exception> failure) {
    Exception e = failure.get();
    if (e != null) {
      throw new LoadException(LoadException.UNREACHABLE, "the broker at " + targets.bootstrapServers()
          + " refused a card reference for " + targets.topic() + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "): check the broker and the topic, then run the same file again (loaded rows are"
          + " skipped)", e);
    }
  }

  private LoadException unreachable(KafkaException e) {
    return new LoadException(LoadException.UNREACHABLE, "cannot produce to " + targets.topic() + " on the Kafka broker at "
        + targets.bootstrapServers() + " (" + e.getClass().getSimpleName() + "): start the stack first"
        + " (./card-switch stack, or ./card-switch run), then run the same file again", e);
  }
}
