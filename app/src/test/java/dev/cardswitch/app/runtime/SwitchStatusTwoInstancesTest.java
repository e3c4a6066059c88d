package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.app.CardSwitchCommand;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.topology.TestCards;
import dev.cardswitch.topology.TopologySerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code GET /switches/{task_id}} and {@code card-switch status} with two card-switch instances on
 * the real (embedded) broker: every task, in each state, asked of both instances, so each instance
 * is asked for tasks the other one holds and forwards the question; both give the owner's answer.
 * Then one instance stops and the other answers for all tasks from the restored store.
 */
class SwitchStatusTwoInstancesTest {

  static final int PARTITIONS = 2;
  /** Long, so that a task waiting for its card reference stays PENDING for the whole test. */
  static final Duration WINDOW = Duration.ofSeconds(60);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private Map<String, String> env(String instance) {
    Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", dir.toString(), "KAFKA_PORT", "0",
        "SCHEMA_REGISTRY_PORT", "0", "SANDBOX_PORT", "0", "ADMIN_PORT", "0", "INGRESS_PORT", "0",
        "TOPIC_PARTITIONS", Integer.toString(PARTITIONS), "NUM_STREAM_THREADS", "1",
        "SWITCH_WINDOW", WINDOW.toSeconds() + "s", "STATE_DIR", dir.resolve("state-" + instance).toString()));
    return env;
  }

  /** One task id per status partition for each state, so whatever the assignment both instances hold some. */
  private static Map<String, List<Long>> tasksByState(long base) {
    Map<String, List<Long>> tasks = new LinkedHashMap<>();
    long next = base;
    for (String state : List.of("PENDING", "SWITCHED", "SKIPPED", "DEAD_LETTERED")) {
      List<Long> ids = new ArrayList<>();
      for (int partition = 0; partition < PARTITIONS; partition++) {
        while (partitionOf(next) != partition) {
          next++;
        }
        ids.add(next++);
      }
      tasks.put(state, ids);
    }
    return tasks;
  }

  /** The producer's default partitioner, as Kafka Streams' queryMetadataForKey computes it. */
  private static int partitionOf(long task) {
    return Utils.toPositive(Utils.murmur2(Long.toString(task).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  @Test
  void eachInstanceAnswersForEveryTaskInEachState() throws Exception {
    AppConfig configA = Launch.configure(env("a"), List.of());
    AppConfig configB = Launch.configure(env("b"), List.of());
    try (EmbeddedStack stack = EmbeddedStack.start(configA)) {
      JwkSetKeyRing keyRing = JwkSetKeyRing.of(List.of(JwkSetKeyRing.generate("status-test-1")),
          JwkSetKeyRing.Options.DEFAULT);
      var knot = configA.knotClientConfig(stack.sandboxEndpoint().orElseThrow());
      CardSwitchService a = CardSwitchService.start(configA, stack.bootstrapServers(), stack.registryUrl(), knot,
          keyRing, true);
      boolean aClosed = false;
      try (CardSwitchService b = CardSwitchService.start(configB, stack.bootstrapServers(), stack.registryUrl(), knot,
              keyRing, true)) {
        assertTrue(a.awaitRunning(Duration.ofSeconds(60)), "instance a runs");
        assertTrue(b.awaitRunning(Duration.ofSeconds(60)), "instance b runs");
        String urlA = "http://127.0.0.1:" + a.adminPort();
        String urlB = "http://127.0.0.1:" + b.adminPort();
        Map<String, List<Long>> tasks = tasksByState(System.currentTimeMillis() * 1000);
        produce(stack, keyRing, configA, tasks);

        // Each task reaches its state; asked of instance a, which forwards what b holds.
        Instant deadline = Instant.now().plusSeconds(45);
        for (Map.Entry<String, List<Long>> state : tasks.entrySet()) {
          for (long task : state.getValue()) {
            JsonNode answer = awaitStatus(urlA, task, s -> s.path("status").asText().equals(state.getKey()), deadline);
            assertEquals(state.getKey(), answer.path("status").asText(), "task " + task + ": " + answer);
          }
        }
        for (Map.Entry<String, List<Long>> state : tasks.entrySet()) {
          for (long task : state.getValue()) {
            JsonNode fromA = awaitStatus(urlA, task, s -> true, deadline);
            JsonNode fromB = awaitStatus(urlB, task, s -> true, deadline);
            assertEquals(fromA, fromB, "both instances give the owner's answer for task " + task);
            String owner = fromA.path("served_by").asText();
            assertTrue(owner.equals("127.0.0.1:" + a.adminPort()) || owner.equals("127.0.0.1:" + b.adminPort()), owner);
            // Asked of both, so the instance that does not hold the task forwarded the question.
            assertEquals(task, fromA.path("task_id").asLong());
            assertFalse(fromA.toString().contains(TestCards.PAN), "no card number in a status");
            switch (state.getKey()) {
              case "PENDING" -> {
                assertEquals("Uber", fromA.path("merchant").path("name").asText());
                assertEquals("AUTHENTICATED", fromA.path("history").get(0).path("event_type").asText());
                assertTrue(fromA.hasNonNull("received_at"));
              }
              case "SWITCHED" -> {
                assertEquals(TestCards.PAN.substring(TestCards.PAN.length() - 4), fromA.path("card_last_four").asText());
                assertEquals(1, fromA.path("attempts").asInt());
                assertEquals(List.of("PENDING", "SWITCHED"), statuses(fromA));
              }
              case "SKIPPED" -> assertEquals(List.of("PENDING", "SKIPPED"), statuses(fromA));
              case "DEAD_LETTERED" -> {
                assertEquals("DEADLINE_EXCEEDED", fromA.path("reason").asText());
                assertTrue(fromA.path("detail").asText().length() > 10, fromA.toString());
              }
              default -> throw new AssertionError(state.getKey());
            }
          }
        }

        // An unknown task: 404 from either instance, whoever would hold it.
        for (String url : List.of(urlA, urlB)) {
          HttpResponse<String> unknown = get(url + "/switches/7");
          assertEquals(404, unknown.statusCode(), unknown.body());
          assertEquals("UNKNOWN_TASK", JSON.readTree(unknown.body()).path("error").asText());
          HttpResponse<String> bad = get(url + "/switches/card-1");
          assertEquals(400, bad.statusCode(), bad.body());
        }

        // The command, against instance b, for a task held by either.
        long switched = tasks.get("SWITCHED").get(0);
        Run human = status("--admin-url", urlB, Long.toString(switched));
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().startsWith("task " + switched + ": SWITCHED"), human.out());
        assertTrue(human.out().contains("ending " + TestCards.PAN.substring(TestCards.PAN.length() - 4)), human.out());
        long dead = tasks.get("DEAD_LETTERED").get(1);
        Run json = status("--admin-url", urlA, "--json", Long.toString(dead));
        assertEquals(0, json.exit(), json.err());
        ObjectNode line = (ObjectNode) JSON.readTree(json.out().strip());
        assertEquals("DEAD_LETTERED", line.path("status").asText());
        assertEquals("DEADLINE_EXCEEDED", line.path("reason").asText());
        Run unknown = status("--admin-url", urlA, "7");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("no record of task 7"), unknown.err());

        // Instance a stops: b takes its partitions over, restores their statuses from the changelog
        // and answers for every task itself.
        a.close();
        aClosed = true;
        Instant restored = Instant.now().plusSeconds(60);
        for (Map.Entry<String, List<Long>> state : tasks.entrySet()) {
          for (long task : state.getValue()) {
            JsonNode answer = awaitStatus(urlB, task,
                s -> s.path("served_by").asText().equals("127.0.0.1:" + b.adminPort()), restored);
            assertEquals(state.getKey(), answer.path("status").asText(), "task " + task + " after the handover");
          }
        }
      } finally {
        if (!aClosed) {
          a.close();
        }
      }
    }
  }

  private static List<String> statuses(JsonNode status) {
    List<String> out = new ArrayList<>();
    status.path("history").forEach(e -> out.add(e.path("status").asText()));
    return out;
  }

  private void produce(EmbeddedStack stack, JwkSetKeyRing keyRing, AppConfig config, Map<String, List<Long>> tasks) {
    TopologySerdes serdes = TopologySerdes.of(new dev.cardswitch.registry.HttpSchemaRegistryClient(
        dev.cardswitch.registry.SchemaRegistryConfig.builder(stack.registryUrl()).build()));
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      String topic = config.topology().webhookTopic();
      producer.send(new ProducerRecord<>(config.topology().cardReferenceTopic(), "status-card",
          serdes.cardReference().serializer().serialize(config.topology().cardReferenceTopic(),
              TestCards.reference("status-card", TestCards.seedDocument(), keyRing.currentPublicKey(), Instant.now()))));
      producer.flush();
      Instant now = Instant.now();
      for (long task : tasks.get("PENDING")) {
        send(producer, serdes, topic, TestCards.authenticated(task, "no-such-card", true, now));
      }
      for (long task : tasks.get("SWITCHED")) {
        send(producer, serdes, topic, TestCards.authenticated(task, "status-card", true, now));
      }
      for (long task : tasks.get("SKIPPED")) {
        send(producer, serdes, topic, TestCards.authenticated(task, "status-card", false, now));
      }
      for (long task : tasks.get("DEAD_LETTERED")) {
        send(producer, serdes, topic, TestCards.authenticated(task, "status-card", true,
            now.minus(WINDOW).minusSeconds(1)));
      }
      producer.flush();
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, TopologySerdes serdes, String topic,
      KnotWebhookEvent event) {
    producer.send(new ProducerRecord<>(topic, Long.toString(event.getTaskId()),
        serdes.event().serializer().serialize(topic, event)));
  }

  /** Asks until the answer is a 200 that {@code done} accepts, or the deadline passes (then the last answer). */
  private JsonNode awaitStatus(String url, long task, Predicate<JsonNode> done, Instant deadline) throws Exception {
    while (true) {
      HttpResponse<String> response = get(url + "/switches/" + task);
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() == 200 && done.test(body)) {
        return body;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("task " + task + " at " + url + ": HTTP " + response.statusCode() + " " + body);
      }
      // 404 until the task's first record is read, 503 while the instances rebalance: ask again shortly.
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private record Run(int exit, String out, String err) {}

  private static Run status(String... args) {
    CommandLine cli = CardSwitchCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "status";
    System.arraycopy(args, 0, all, 1, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }
}
