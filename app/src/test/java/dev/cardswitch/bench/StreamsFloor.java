package dev.cardswitch.bench;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * What Kafka Streams alone costs per event on this machine, with the service's settings
 * (exactly-once v2, one stream thread, 25 ms commits, fuller fetches): the floor under the stream
 * thread and the Kafka clients' threads of {@code ./card-switch bench}, against which issue 6's CPU
 * target is weighed (docs/BENCHMARKS.md item 17). No card, no crypto, no HTTP, no Avro: byte values
 * of about the size of the service's records, through four topologies of growing need.
 *
 * <ul>
 *   <li>{@code pass}: the webhook topic straight to the outcome topic (1 record consumed, 1 produced);
 *   <li>{@code hop}: through a repartition topic on a second key, as the switch goes from task id
 *       to card id (2 consumed, 2 produced);
 *   <li>{@code switch}: the hop, a left join with a table of 300 card references, and a pending
 *       entry written and deleted in a logged store, as the switch's restart safety needs (2
 *       consumed, 4 produced: repartition, two changelog records, outcome);
 *   <li>{@code full}: the records of the service's switch at the bench, without its code: the
 *       switch's, plus the dedup window's entry, a status entry read and written per webhook, and
 *       the outcome topic read back to read and write a status and a lifecycle entry (3 consumed, 8
 *       produced).
 * </ul>
 *
 * <p>The broker runs in this process, as the bench's does beside its service; the CPU counted is
 * that of the topology's own threads only (its stream thread, and its producer's, consumer's and
 * admin's network threads), read per thread, so neither the broker, the load nor the JIT and GC are
 * in it. Run: {@code mvn -B -q -pl app -am -Pstreams-floor -DskipTests verify} with
 * {@code -Dfloor.args="--rate 1000 --events 20000 --warmup 60000 --shapes pass,hop,switch,full"};
 * {@code --guarantee at_least_once} measures the same without exactly-once, what dropping it would
 * save (item 26).
 *
 * <p>A measuring program, not part of the product. Not thread-safe.
 */
public final class StreamsFloor {

  private static final int PARTITIONS = 6;
  private static final int CARDS = 300;
  /** About the service's records: an AUTHENTICATED webhook, a switch request, a pending entry, an outcome. */
  private static final int EVENT_BYTES = 400;
  private static final int PENDING_BYTES = 250;
  private static final int REFERENCE_BYTES = 600;
  private static final String REFERENCES = "floor-card-references";
  private static final String PENDING = "pending-store";
  private static final String SWITCHED = "switched-store";
  private static final String STATUS = "status-store";
  private static final String LIFECYCLE = "lifecycle-store";
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  private final EmbeddedKafka kafka;
  private final Path stateRoot;
  private final double rate;
  private final String guarantee;
  private final KafkaProducer<String, byte[]> load;

  private StreamsFloor(EmbeddedKafka kafka, Path stateRoot, double rate, String guarantee) {
    this.kafka = kafka;
    this.stateRoot = stateRoot;
    this.rate = rate;
    this.guarantee = guarantee;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "load");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.load = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    double rate = Double.parseDouble(options.getOrDefault("rate", "1000"));
    int events = Integer.parseInt(options.getOrDefault("events", "20000"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "60000"));
    List<String> shapes = List.of(options.getOrDefault("shapes", "pass,hop,switch,full").split(","));
    String guarantee = options.getOrDefault("guarantee", StreamsConfig.EXACTLY_ONCE_V2);
    if (!List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE).contains(guarantee)) {
      throw new IllegalArgumentException("--guarantee is \"" + guarantee + "\": expected "
          + StreamsConfig.EXACTLY_ONCE_V2 + " (the service's default) or " + StreamsConfig.AT_LEAST_ONCE);
    }
    Path work = Files.createTempDirectory("streams-floor-");
    List<String> json = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
      kafka.createTopic(REFERENCES, PARTITIONS, Map.of("cleanup.policy", "compact"));
      StreamsFloor floor = new StreamsFloor(kafka, work.resolve("state"), rate, guarantee);
      floor.loadReferences();
      for (String shape : shapes) {
        json.add(floor.run(shape.trim(), warmup, events));
      }
      floor.load.close();
    } finally {
      deleteQuietly(work);
    }
    System.out.println("{\"rate\":" + rate + ",\"events\":" + events + ",\"warmup\":" + warmup
        + ",\"processing_guarantee\":\"" + guarantee + "\""
        + ",\"shapes\":{" + String.join(",", json) + "}}");
  }

  /** One shape: its own topics and application; warm-up, then the measured events; its JSON member. */
  private String run(String shape, int warmup, int events) throws Exception {
    String in = "floor-" + shape + "-webhooks";
    String out = "floor-" + shape + "-outcomes";
    kafka.createTopic(in, PARTITIONS, Map.of());
    kafka.createTopic(out, PARTITIONS, Map.of());
    String applicationId = "floor-" + shape;
    try (KafkaStreams streams = new KafkaStreams(topology(shape, in, out), streamsProperties(applicationId));
        KafkaConsumer<String, byte[]> results = resultConsumer(out)) {
      streams.start();
      long seen = offer(shape + " warm-up", in, 0, warmup, results, 0);
      Map<String, Long> before = topologyThreadCpu(applicationId);
      Map<String, Double> loopsBefore = threadLoopTotals(streams);
      long startNanos = System.nanoTime();
      seen = offer(shape, in, warmup, events, results, seen);
      long spanNanos = System.nanoTime() - startNanos;
      Map<String, Long> after = topologyThreadCpu(applicationId);
      Map<String, Double> loopsAfter = threadLoopTotals(streams);
      double stream = perEventMs(after.get("stream") - before.get("stream"), events);
      double clients = perEventMs(after.get("kafka_clients") - before.get("kafka_clients"), events);
      // How many events each poll and each commit carried: whether a guarantee changes the stream
      // thread's loop, not only its commit (item 26: it does not; 12 per poll, 36 per commit).
      double perPoll = events / Math.max(1, loopsAfter.get("poll-total") - loopsBefore.get("poll-total"));
      double perCommit = events / Math.max(1, loopsAfter.get("commit-total") - loopsBefore.get("commit-total"));
      System.out.printf(Locale.ROOT, "%-6s %d events at %.0f/s in %.1f s: stream thread %.3f ms, Kafka clients' threads %.3f ms,"
              + " together %.3f ms of CPU per event; %.1f events per poll, %.1f per commit%n",
          shape, events, rate, spanNanos / 1e9, stream, clients, stream + clients, perPoll, perCommit);
      if (seen != (long) warmup + events) {
        throw new IllegalStateException(shape + ": " + seen + " results for " + (warmup + events) + " events");
      }
      streams.close(Duration.ofSeconds(30));
      return String.format(Locale.ROOT, "\"%s\":{\"stream_ms\":%.3f,\"kafka_clients_ms\":%.3f,\"total_ms\":%.3f,"
              + "\"events_per_poll\":%.2f,\"events_per_commit\":%.2f}",
          shape, stream, clients, stream + clients, perPoll, perCommit);
    }
  }

  private static Topology topology(String shape, String in, String out) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, byte[]> events = builder.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray())
        .withName("webhooks-source"));
    if (shape.equals("pass")) {
      events.to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("outcome-sink"));
      return builder.build();
    }
    KStream<String, byte[]> byCard = events
        .selectKey((task, event) -> cardOf(task), Named.as("by-card"))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("switch-requests"));
    if (shape.equals("hop")) {
      byCard.to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("outcome-sink"));
      return builder.build();
    }
    if (!shape.equals("switch") && !shape.equals("full")) {
      throw new IllegalArgumentException("unknown shape " + shape + ": use pass, hop, switch or full");
    }
    boolean full = shape.equals("full");
    KTable<String, byte[]> references = builder.table(REFERENCES,
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("card-references-source"),
        Materialized.<String, byte[], KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("card-references-store")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(PENDING), Serdes.String(), Serdes.ByteArray()));
    if (full) {
      builder.addStateStore(Stores.windowStoreBuilder(
          Stores.persistentWindowStore(SWITCHED, Duration.ofHours(1), Duration.ofMillis(1), false),
          Serdes.String(), Serdes.Long()));
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(STATUS), Serdes.String(), Serdes.ByteArray()));
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(LIFECYCLE), Serdes.String(), Serdes.ByteArray()));
      events.process(() -> new StoreWrites(STATUS), Named.as("status-webhook"), STATUS);
      builder.stream(out, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("outcomes-source"))
          .process(() -> new StoreWrites(STATUS, LIFECYCLE), Named.as("status-and-lifecycle"), STATUS, LIFECYCLE);
    }
    byCard.leftJoin(references, (event, reference) -> event)
        .process(() -> new PendingEntry(full), Named.as("switch"), full ? new String[] {PENDING, SWITCHED} : new String[] {PENDING})
        .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("outcome-sink"));
    return builder.build();
  }

  /** Reads each store's entry for the record's key and writes one, as the status view and the lifecycle do. */
  private static final class StoreWrites implements Processor<String, byte[], Void, Void> {
    private final String[] names;
    private final List<KeyValueStore<String, byte[]>> stores = new ArrayList<>();

    StoreWrites(String... names) {
      this.names = names;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      for (String name : names) {
        stores.add(context.getStateStore(name));
      }
    }

    @Override
    public void process(Record<String, byte[]> record) {
      for (KeyValueStore<String, byte[]> store : stores) {
        store.get(record.key());
        store.put(record.key(), record.value());
      }
    }
  }

  /** Writes a pending entry and deletes it, as a switch does around its call, then passes the event on. */
  private static final class PendingEntry implements Processor<String, byte[], String, byte[]> {
    private final byte[] entry = new byte[PENDING_BYTES];
    private final boolean deduplicate;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> pending;
    private WindowStore<String, Long> switched;

    PendingEntry(boolean deduplicate) {
      this.deduplicate = deduplicate;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.pending = context.getStateStore(PENDING);
      this.switched = deduplicate ? context.getStateStore(SWITCHED) : null;
    }

    @Override
    public void process(Record<String, byte[]> record) {
      String task = new String(record.value(), 0, 16, java.nio.charset.StandardCharsets.US_ASCII).trim();
      if (deduplicate) {
        try (var seen = switched.fetch(task, record.timestamp() - 3_600_000L, record.timestamp())) {
          if (seen.hasNext()) {
            return;
          }
        }
      }
      pending.put(task, entry);
      pending.put(task, null); // the delete writes a tombstone without reading, as the switch's does
      if (deduplicate) {
        switched.put(task, record.timestamp(), record.timestamp());
      }
      context.forward(record.withKey(task));
    }
  }

  private Properties streamsProperties(String applicationId) {
    // The service's settings (CardSwitchService.streamsProperties), defaults elsewhere.
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 25);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 65_536);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
    return props;
  }

  private KafkaConsumer<String, byte[]> resultConsumer(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "results");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "results-" + topic);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private void loadReferences() {
    for (int card = 0; card < CARDS; card++) {
      load.send(new ProducerRecord<>(REFERENCES, "card-" + card, new byte[REFERENCE_BYTES]));
    }
    load.flush();
  }

  /**
   * Offers {@code count} events at the rate, numbered from {@code first}, and returns once every
   * one of them has a committed result; {@code seen} results were read before.
   */
  private long offer(String label, String topic, int first, int count, KafkaConsumer<String, byte[]> results, long seen) {
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_EVERY.toNanos();
    long target = seen + count;
    int sent = 0;
    while (seen < target) {
      long now = System.nanoTime();
      int due = (int) Math.min(count, (now - start) * rate / 1e9 + 1);
      for (; sent < due; sent++) {
        String task = String.format(Locale.ROOT, "%016d", first + sent);
        byte[] event = new byte[EVENT_BYTES];
        System.arraycopy(task.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, event, 0, 16);
        load.send(new ProducerRecord<>(topic, task, event));
      }
      ConsumerRecords<String, byte[]> polled = results.poll(Duration.ofMillis(sent < count ? 1 : 100));
      seen += polled.count();
      if (now >= nextProgress) {
        System.out.printf(Locale.ROOT, "%s: %d of %d offered, %d results%n", label, sent, count, seen - (target - count));
        nextProgress += PROGRESS_EVERY.toNanos();
      }
      if (sent < count) {
        LockSupport.parkNanos((long) (1e9 / rate)); // pacing the load, not waiting for a result
      }
    }
    return seen;
  }

  /** CPU of this application's own threads, by group; the broker, the load and the results reader are left out. */
  private static Map<String, Long> topologyThreadCpu(String applicationId) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new LinkedHashMap<>(Map.of("stream", 0L, "kafka_clients", 0L));
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null || !info.getThreadName().contains(applicationId)) {
        continue;
      }
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      String group = info.getThreadName().startsWith("kafka-") ? "kafka_clients" : "stream";
      byGroup.merge(group, Math.max(nanos, 0), Long::sum);
    }
    return byGroup;
  }

  /** The stream threads' polls and commits so far ({@code poll-total}, {@code commit-total}). */
  private static Map<String, Double> threadLoopTotals(KafkaStreams streams) {
    Map<String, Double> totals = new HashMap<>(Map.of("poll-total", 0.0, "commit-total", 0.0));
    streams.metrics().forEach((name, metric) -> {
      if (name.group().equals("stream-thread-metrics") && totals.containsKey(name.name())) {
        totals.merge(name.name(), ((Number) metric.metricValue()).doubleValue(), Double::sum);
      }
    });
    return totals;
  }

  private static String cardOf(String task) {
    return "card-" + Math.floorMod(task.hashCode(), CARDS);
  }

  private static double perEventMs(long nanos, int events) {
    return nanos / 1e6 / events;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!List.of("rate", "events", "warmup", "shapes", "guarantee").contains(name) || i + 1 == args.length) {
        throw new IllegalArgumentException("expected --rate N, --events N, --warmup N, --shapes pass,hop,switch,full"
            + " or --guarantee exactly_once_v2|at_least_once;"
            + " got " + args[i] + (i + 1 == args.length ? " without a value" : ""));
      }
      options.put(name, args[i + 1]);
    }
    return options;
  }

  private static void deleteQuietly(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
