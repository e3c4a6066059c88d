package dev.cardswitch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * What one RocksDB read costs through RocksJava, the library under Kafka Streams' state stores, when
 * the key is there and when it is not: the switch path reads missing keys several times per event
 * (docs/BENCHMARKS.md item 14). The RocksJava version is the build's: compare versions with
 * {@code -Drocksdbjni.version=...} on
 * {@code mvn -B -q -pl topology -am -Pcrypto-bench -DskipTests verify -Djmh.args=StoreMissBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreMissBenchmark {

  private static final int KEYS = 20_000;
  /** About a pending entry's size. */
  private static final int VALUE_BYTES = 600;

  private Path dir;
  private Options options;
  private WriteOptions noWal;
  private RocksDB db;
  private byte[][] present;
  private byte[][] absent;
  private final byte[] value = new byte[VALUE_BYTES];
  private int next;

  @Setup(Level.Trial)
  public void open() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("store-miss-bench");
    options = new Options().setCreateIfMissing(true);
    noWal = new WriteOptions().setDisableWAL(true); // as Kafka Streams writes
    db = RocksDB.open(options, dir.toString());
    present = new byte[KEYS][];
    absent = new byte[KEYS][];
    for (int i = 0; i < KEYS; i++) {
      present[i] = ("task-" + i).getBytes(StandardCharsets.UTF_8);
      absent[i] = ("none-" + i).getBytes(StandardCharsets.UTF_8);
      db.put(noWal, present[i], value);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    db.close();
    noWal.close();
    options.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == KEYS ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public byte[] getMiss() throws RocksDBException {
    return db.get(absent[nextIndex()]);
  }

  @Benchmark
  public byte[] getHit() throws RocksDBException {
    return db.get(present[nextIndex()]);
  }
}
