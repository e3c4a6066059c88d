package dev.cardswitch.app.runtime;

import dev.cardswitch.soak.CardDataScan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.loader.CardFileFormat;
import dev.cardswitch.loader.LoadException;
import dev.cardswitch.loader.LoadReport;
import dev.cardswitch.loader.ReferenceFingerprint;
import dev.cardswitch.loader.ReferenceLoader;
import dev.cardswitch.loader.ServiceKey;
import dev.cardswitch.loader.StoredReferences;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load-references} against the real embedded stack: a file of good and bad rows, the exact
 * report, nothing written twice on a re-run, the loaded cards switched, no card value in any topic,
 * log line or report.
 */
class LoadReferencesEndToEndTest {

  @TempDir Path dir;

  /** Cards the loader accepts: distinct Luhn-valid numbers, names, streets, phones. */
  static List<String[]> goodCards(int count) {
    List<String[]> cards = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      cards.add(new String[] {"card-" + i, "user-card-" + i, "Grace" + (char) ('a' + i), "Hopper" + (char) ('k' + i),
          (70 + i) + " Loader Way", "", "NEW YORK", "NY", "1000" + i, "US", "+1415555010" + i,
          luhn("400000123456" + (100 + i)), "11/2031", "7" + (10 + i), ""});
    }
    return cards;
  }

  static String luhn(String body) {
    int sum = 0;
    boolean doubleIt = true;
    for (int i = body.length() - 1; i >= 0; i--) {
      int d = body.charAt(i) - '0';
      if (doubleIt) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      doubleIt = !doubleIt;
    }
    return body + (10 - sum % 10) % 10;
  }

  static String csv(List<String[]> rows) {
    StringBuilder s = new StringBuilder("card_id,external_user_id,first_name,last_name,street,street2,city,region,"
        + "postal_code,country,phone_number,number,expiration,cvv,fido_response_jwt\n");
    for (String[] r : rows) {
      s.append(String.join(",", r)).append('\n');
    }
    return s.toString();
  }

  /** The clear values of {@code cards} as they could leak: number, names, street, phone, CVV as JSON. */
  static Set<String> secretsOf(List<String[]> cards) {
    Set<String> secrets = new LinkedHashSet<>();
    for (String[] c : cards) {
      secrets.add(c[11]);
      secrets.add(c[2]);
      secrets.add(c[3]);
      secrets.add(c[4]);
      secrets.add(c[10]);
      secrets.add("\"" + c[13] + "\"");
    }
    return secrets;
  }

  @Test
  void loadsGoodRowsReportsBadOnesExactlyAndWritesNothingTwice() throws Exception {
    List<String[]> good = goodCards(4);
    List<String[]> rows = new ArrayList<>(good.subList(0, 2));
    String[] badLuhn = good.get(0).clone();
    badLuhn[0] = "card-bad-luhn";
    badLuhn[11] = "4000001234567891"; // Luhn check fails
    rows.add(badLuhn); // line 4
    String[] noCountryNoCvv = good.get(1).clone();
    noCountryNoCvv[0] = "card-bad-2";
    noCountryNoCvv[9] = "";
    noCountryNoCvv[13] = "";
    rows.add(noCountryNoCvv); // line 5
    rows.add(good.get(2)); // line 6
    rows.add(good.get(0)); // line 7: card-0 again
    rows.add(good.get(3)); // line 8
    Path file = dir.resolve("cards.csv");
    Files.writeString(file, csv(rows), StandardCharsets.UTF_8);
    Set<String> secrets = secretsOf(good);
    secrets.add(badLuhn[11]);

    try (LogCapture logs = LogCapture.capture(Level.DEBUG)) {
      AppConfig config = Launch.configure(Map.of("DATA_DIR", dir.resolve("data").toString(), "KAFKA_PORT", "0",
          "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0", "TOPIC_PARTITIONS", "2",
          "NUM_STREAM_THREADS", "1"), List.of());
      try (Launch launch = Launch.start(config, new PrintStream(new ByteArrayOutputStream(), true))
          .awaitRunning(Duration.ofSeconds(90))) {
        String bootstrap = launch.stack().bootstrapServers();
        var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(launch.stack().registryUrl()).build());
        ReferenceLoader.Targets targets =
            new ReferenceLoader.Targets(bootstrap, Map.of(), registry, config.topology().cardReferenceTopic());
        var serviceKey = ServiceKey.fromUrl(URI.create("http://127.0.0.1:" + launch.service().adminPort() + "/keys"));
        assertEquals(launch.service().keyRing().currentKid(), serviceKey.getKeyID());
        ReferenceLoader loader = new ReferenceLoader(targets, serviceKey,
            ReferenceFingerprint.withKeyFile(dir.resolve("fingerprint.key")), Clock.systemUTC());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        LoadReport first = loader.load(file, CardFileFormat.CSV, new PrintStream(progress, true), false);
        assertEquals(7, first.rows());
        assertEquals(4, first.loaded());
        assertEquals(0, first.skippedUnchanged());
        assertEquals(3, first.rejected());
        assertEquals(Map.of(
                new Violation("card.number", "must pass the Luhn check digit test"), 1L,
                new Violation("user.address.country", "is required"), 1L,
                new Violation("card.cvv", "is required"), 1L,
                new Violation("card_id", "repeats the card_id of an earlier line: one row per card"), 1L),
            first.rejectedBy());
        assertEquals(Set.of(4L, 5L, 7L), first.rejectedRows().keySet());
        assertEquals(1, first.exitCode());

        LoadReport second = loader.load(file, CardFileFormat.CSV, new PrintStream(progress, true), false);
        assertEquals(0, second.loaded());
        assertEquals(4, second.skippedUnchanged());
        assertEquals(first.rejectedBy(), second.rejectedBy());

        StoredReferences stored = StoredReferences.read(bootstrap, Map.of(), config.topology().cardReferenceTopic(),
            dev.cardswitch.topology.TopologySerdes.of(registry).cardReference().deserializer());
        assertEquals(4, stored.size());
        assertEquals(Map.of(serviceKey.getKeyID(), 4), stored.countByKid());
        assertEquals(4, CardDataScan.topicRecordCount(bootstrap, config.topology().cardReferenceTopic()),
            "one record per loaded card, none from the re-run");

        // The references open and switch: events for the four cards all end SWITCHED.
        Set<Long> tasks;
        try (EventFeed feed = new EventFeed(bootstrap, registry, config.topology())) {
          tasks = feed.events(7000, 8, 4);
        }
        try (ResultTopics results = new ResultTopics(bootstrap, registry, config.topology())) {
          Map<Long, List<Object>> byTask = results.until(ResultTopics.allOf(tasks), Duration.ofSeconds(30));
          for (long task : tasks) {
            assertEquals(SwitchStatus.SWITCHED, ((SwitchOutcome) byTask.get(task).get(0)).getStatus(), "task " + task);
          }
        }

        assertEquals(Map.of(), CardDataScan.scan(bootstrap, dev.cardswitch.soak.CardSecrets.of(secrets)),
            "card data in clear in these topics");
        String printed = progress + first.json() + second.json();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        first.print(new PrintStream(table, true));
        printed += table;
        assertTrue(printed.contains("rejected line 4: card.number must pass the Luhn check digit test"), printed);
        for (String secret : secrets) {
          assertFalse(printed.contains(secret), "a card value in the report");
        }
      }
      for (String line : logs.lines()) {
        for (String secret : secrets) {
          assertFalse(line.contains(secret), "a card value in a log line: " + line.substring(0, Math.min(80, line.length())));
        }
      }
    }
  }

  @Test
  void saysToStartTheStackWhenTheBrokerIsNotThere() throws Exception {
    Path file = dir.resolve("cards.csv");
    Files.writeString(file, csv(goodCards(1)), StandardCharsets.UTF_8);
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.builder("http://127.0.0.1:" + closedPort).build());
    ReferenceLoader loader = new ReferenceLoader(
        new ReferenceLoader.Targets("127.0.0.1:" + closedPort, Map.of(), registry, "card-references"),
        dev.cardswitch.envelope.JwkSetKeyRing.generate("k1").toPublicJWK(),
        ReferenceFingerprint.withKeyFile(dir.resolve("fp.key")), Clock.systemUTC());
    LoadException e = assertThrows(LoadException.class,
        () -> loader.load(file, CardFileFormat.CSV, new PrintStream(new ByteArrayOutputStream()), false));
    assertEquals(LoadException.UNREACHABLE, e.reason());
    assertTrue(e.getMessage().contains("./card-switch stack"), e.getMessage());
  }
}
