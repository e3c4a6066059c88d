package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.topology.SwitchCounters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /stats} and {@code POST /stats/reset} of the admin server, over HTTP on 127.0.0.1. */
class AdminStatsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant RESET_AT = Instant.parse("2026-11-25T10:15:30Z");
  private static final long MIB = 1024 * 1024;

  private final SwitchCounters counters = new SwitchCounters();
  private final HttpClient http = HttpClient.newHttpClient();
  private AdminServer admin;
  private String base;

  @BeforeEach
  void start() {
    JwkSetKeyRing keyRing = JwkSetKeyRing.of(List.of(JwkSetKeyRing.generate("stats-test")), JwkSetKeyRing.Options.DEFAULT);
    admin = AdminServer.start("127.0.0.1", 0, keyRing, () -> KafkaStreams.State.RUNNING, () -> false,
        () -> io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED, counters,
        new ProcessStats(counters, Clock.fixed(RESET_AT, ZoneOffset.UTC)));
    base = "http://127.0.0.1:" + admin.port();
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  @Test
  void statsReportHeapCpuAndTheSwitchCounters() throws Exception {
    counters.outcome("SWITCHED");
    counters.outcome("SWITCHED");
    counters.deadLetter("DEADLINE_EXCEEDED");
    counters.inFlight(3);

    HttpResponse<String> response = get("/stats");

    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode stats = JSON.readTree(response.body());
    assertTrue(stats.get("heap_used_bytes").asLong() > 0, response.body());
    assertTrue(stats.get("heap_committed_bytes").asLong() >= stats.get("heap_used_bytes").asLong() / 2, response.body());
    assertTrue(stats.get("heap_peak_bytes").asLong() > 0, response.body());
    assertTrue(stats.get("process_cpu_ns").asLong() > 0, "this JVM has used CPU: " + response.body());
    assertTrue(stats.get("heap_pools").size() > 0, response.body());
    JsonNode switches = stats.get("switches");
    assertEquals(2, switches.get("outcomes").get("SWITCHED").asLong());
    assertEquals(1, switches.get("dead_letters").get("DEADLINE_EXCEEDED").asLong());
    assertEquals(3, switches.get("in_flight").asLong());
  }

  @Test
  void statsSplitTheJavaThreadsCpuByWhatTheThreadsDo() throws Exception {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    Thread busy = new Thread(() -> {
      long spin = 0;
      // Burns 50 ms of its own CPU (measured, not slept), then waits to be read while still alive.
      while (mx.getCurrentThreadCpuTime() < 50_000_000L) {
        spin += Long.numberOfTrailingZeros(spin + 1);
      }
      done.complete(null);
      try {
        Thread.currentThread().join(); // parks until the test ends it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "card-switch-test-StreamThread-1");
    busy.setDaemon(true);
    busy.start();
    try {
      done.get(30, java.util.concurrent.TimeUnit.SECONDS);
      JsonNode cpu = JSON.readTree(get("/stats").body()).get("thread_cpu_ns");

      assertTrue(cpu.get("stream").asLong() >= 50_000_000L, cpu.toString());
      assertTrue(cpu.has("card_crypto") && cpu.has("http") && cpu.has("kafka_clients") && cpu.has("other"),
          cpu.toString());
    } finally {
      busy.interrupt();
    }
    assertEquals("http", ProcessStats.threadGroup("HttpClient-2-Worker-7"));
    assertEquals("kafka_clients", ProcessStats.threadGroup("kafka-producer-network-thread | x"));
    // A stream thread's producer carries the stream thread's name: it is a Kafka client thread all the same.
    assertEquals("kafka_clients", ProcessStats.threadGroup(
        "kafka-producer-network-thread | card-switch-0c1d-StreamThread-1-producer"));
    assertEquals("stream", ProcessStats.threadGroup("card-switch-0c1d-StreamThread-1"));
    assertEquals("stream", ProcessStats.threadGroup("app-1b2-StateUpdater-1"));
    assertEquals("card_crypto", ProcessStats.threadGroup("card-crypto-2"));
    assertEquals("other", ProcessStats.threadGroup("card-switch-admin"));
  }

  @Test
  void thePeakHoldsWhatWasAllocatedAndAResetStartsItAfresh() throws Exception {
    long[] held = new long[(int) (128 * MIB / Long.BYTES)];
    held[held.length - 1] = 1;
    long peakWhileHeld = JSON.readTree(get("/stats").body()).get("heap_peak_bytes").asLong();
    assertTrue(peakWhileHeld >= 128 * MIB, "a live 128 MiB array is in the peak: " + peakWhileHeld);
    assertEquals(1, held[held.length - 1]);
    held = null;
    System.gc(); // the array must be gone before the reset for the new peak to be lower

    HttpResponse<String> reset = post("/stats/reset");

    assertEquals(200, reset.statusCode(), reset.body());
    JsonNode after = JSON.readTree(reset.body());
    assertEquals(RESET_AT.toString(), after.get("peaks_since").asText());
    assertTrue(after.get("heap_peak_bytes").asLong() < peakWhileHeld - 64 * MIB,
        "after the reset the peak is today's usage, without the freed array: " + reset.body());
  }

  @Test
  void thePeakHoldsWhatWasFreedBetweenTwoReadsAndNeverExceedsTheHeap() throws Exception {
    post("/stats/reset");
    long[] shortLived = new long[(int) (128 * MIB / Long.BYTES)];
    shortLived[shortLived.length - 1] = 1;
    assertEquals(1, shortLived[shortLived.length - 1]);
    shortLived = null;
    System.gc(); // collected before any read: only the collection's own record still shows it

    JsonNode stats = JSON.readTree(get("/stats").body());

    long peak = stats.get("heap_peak_bytes").asLong();
    assertTrue(peak >= 128 * MIB, "the freed 128 MiB array is in the peak: " + stats);
    assertTrue(stats.get("heap_used_bytes").asLong() < 128 * MIB, "the array is gone: " + stats);
    long max = stats.get("heap_max_bytes").asLong();
    assertTrue(max <= 0 || peak <= max, "the heap in use at once never exceeds its max: " + stats);
  }

  @Test
  void statsTakesGetAndResetTakesPost() throws Exception {
    HttpResponse<String> postStats = post("/stats");
    assertEquals(405, postStats.statusCode());
    assertEquals("GET", postStats.headers().firstValue("Allow").orElse(""));
    HttpResponse<String> getReset = get("/stats/reset");
    assertEquals(405, getReset.statusCode());
    assertEquals("POST", getReset.headers().firstValue("Allow").orElse(""));
    assertEquals(404, get("/statsx").statusCode());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
