package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.keys.KeyRingFiles;
import dev.cardswitch.loader.CardFileFormat;
import dev.cardswitch.loader.LoadReport;
import dev.cardswitch.loader.ReferenceFingerprint;
import dev.cardswitch.loader.ReferenceLoader;
import dev.cardswitch.loader.ServiceKey;
import dev.cardswitch.loader.StoredReferences;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.topology.TopologySerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's rotation procedure on the real embedded stack, with events flowing: a new key is added
 * to the ring as current, the instances are rolled (a second instance with the new ring joins, the
 * first leaves), references sealed to the old key and to the new key all switch, none fails; after
 * the references are re-loaded no reference uses the old key and it is retired.
 */
class KeyRotationEndToEndTest {

  @TempDir Path dir;

  @Test
  void rotatesTheCardKeyMidRunWithZeroFailedSwitches() throws Exception {
    Path ring = dir.resolve("card-keys.json");
    KeyRingFiles.writeNew(ring, KeyRingFiles.newKeySet("k1"));
    Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", dir.resolve("data").toString(), "KAFKA_PORT", "0",
        "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0", "TOPIC_PARTITIONS", "2",
        "NUM_STREAM_THREADS", "1", "CARD_KEYS_FILE", ring.toString()));
    env.put("STATE_DIR", dir.resolve("state-1").toString());
    AppConfig config1 = Launch.configure(env, List.of());
    env.put("STATE_DIR", dir.resolve("state-2").toString());
    AppConfig config2 = Launch.configure(env, List.of());
    List<String[]> cards = LoadReferencesEndToEndTest.goodCards(8);
    Path oldCards = dir.resolve("old.csv");
    Files.writeString(oldCards, LoadReferencesEndToEndTest.csv(cards.subList(0, 4)), StandardCharsets.UTF_8);
    Path newCards = dir.resolve("new.csv");
    Files.writeString(newCards, LoadReferencesEndToEndTest.csv(cards.subList(4, 8)), StandardCharsets.UTF_8);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);

    try (EmbeddedStack stack = EmbeddedStack.start(config1)) {
      String bootstrap = stack.bootstrapServers();
      var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(stack.registryUrl()).build());
      ReferenceLoader.Targets targets =
          new ReferenceLoader.Targets(bootstrap, Map.of(), registry, config1.topology().cardReferenceTopic());
      ReferenceFingerprint fingerprint = ReferenceFingerprint.withKeyFile(dir.resolve("fingerprint.key"));
      CardSwitchService first = CardSwitchService.start(config1, bootstrap, stack.registryUrl(),
          config1.knotClientConfig(stack.sandboxEndpoint().orElseThrow()), JwkSetKeyRing.fromFile(ring), true);
      CardSwitchService second = null;
      Set<Long> tasks = new LinkedHashSet<>();
      try {
        assertTrue(first.awaitRunning(Duration.ofSeconds(60)), "first instance running");
        var oldKey = ServiceKey.fromUrl(URI.create("http://127.0.0.1:" + first.adminPort() + "/keys"));
        assertEquals("k1", oldKey.getKeyID());
        LoadReport oldLoad = new ReferenceLoader(targets, oldKey, fingerprint, Clock.systemUTC())
            .load(oldCards, CardFileFormat.CSV, quiet, false);
        assertEquals(4, oldLoad.loaded());

        try (EventFeed feed = new EventFeed(bootstrap, registry, config1.topology())) {
          tasks.addAll(feed.events(1000, 8, 4)); // in flight while the instances roll

          // Rotation: a new key, added to the ring as current; roll the instances.
          Path newKey = dir.resolve("new-key.json");
          KeyRingFiles.writeNew(newKey, KeyRingFiles.newKeySet("k2"));
          assertEquals(List.of("k2", "k1"), KeyRingFiles.add(newKey, ring));
          second = CardSwitchService.start(config2, bootstrap, stack.registryUrl(),
              config2.knotClientConfig(stack.sandboxEndpoint().orElseThrow()), JwkSetKeyRing.fromFile(ring), true);
          first.close();
          first = null;
          assertTrue(second.awaitRunning(Duration.ofSeconds(60)), "second instance running");

          var currentKey = ServiceKey.fromUrl(URI.create("http://127.0.0.1:" + second.adminPort() + "/keys"));
          assertEquals("k2", currentKey.getKeyID(), "the new key is served first");
          ReferenceLoader loader = new ReferenceLoader(targets, currentKey, fingerprint, Clock.systemUTC());
          assertEquals(4, loader.load(newCards, CardFileFormat.CSV, quiet, false).loaded());
          assertEquals(Map.of("k1", 4, "k2", 4), usage(targets));

          tasks.addAll(feed.events(2000, 16, 8)); // cards 0-3 sealed to k1, 4-7 to k2
        }
        try (ResultTopics results = new ResultTopics(bootstrap, registry, config1.topology())) {
          Map<Long, List<Object>> byTask = results.until(ResultTopics.allOf(tasks), Duration.ofSeconds(60));
          assertEquals(tasks, byTask.keySet());
          for (long task : tasks) {
            List<Object> r = byTask.get(task);
            assertEquals(1, r.size(), "task " + task + ": " + r);
            assertTrue(r.get(0) instanceof SwitchOutcome o && o.getStatus() == SwitchStatus.SWITCHED,
                "task " + task + ": " + r);
          }
        }

        // Re-seal the old references at leisure; then no reference uses k1 and it can go.
        var currentKey = ServiceKey.fromUrl(URI.create("http://127.0.0.1:" + second.adminPort() + "/keys"));
        LoadReport reload = new ReferenceLoader(targets, currentKey, fingerprint, Clock.systemUTC())
            .load(oldCards, CardFileFormat.CSV, quiet, false);
        assertEquals(4, reload.loaded(), "unchanged rows sealed to the old key are re-sealed, not skipped");
        assertEquals(Map.of("k2", 8), usage(targets));
        assertEquals(List.of("k2"), KeyRingFiles.retire("k1", ring));
      } finally {
        if (first != null) {
          first.close();
        }
        if (second != null) {
          second.close();
        }
      }
    }
  }

  private static Map<String, Integer> usage(ReferenceLoader.Targets targets) {
    return StoredReferences.read(targets.bootstrapServers(), Map.of(), targets.topic(),
        TopologySerdes.of(targets.registry()).cardReference().deserializer()).countByKid();
  }
}
