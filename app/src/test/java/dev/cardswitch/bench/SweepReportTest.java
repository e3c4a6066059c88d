package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.demo.Tallies;
import dev.cardswitch.demo.TaskResult;
import dev.cardswitch.schemas.SwitchStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_790_000_000_000L;
  private static final BenchEnvironment SANDBOX =
      new BenchEnvironment(6, 2, "exactly_once_v2", 2048, "embedded", "sandbox", "corretto");
  private static final BenchSettings SETTINGS =
      BenchSettings.builder().events(10).warmup(5).sweep(List.of(100.0, 400.0)).build();

  /** Ten switches at {@code perSecond}, receipt → /card of {@code baseMs} + 10..100 ms. */
  private static RunFigures step(double perSecond, long baseMs) {
    long[] completions = LongStream.range(0, 10).map(i -> T0 + Math.round(i * 1000 / perSecond)).toArray();
    long[] card = LongStream.rangeClosed(1, 10).map(i -> baseMs + i * 10).toArray();
    long[] outcome = LongStream.rangeClosed(1, 10).map(i -> baseMs + 100 + i * 10).toArray();
    List<Map.Entry<Long, TaskResult>> read = new ArrayList<>();
    for (long task = 1; task <= 10; task++) {
      read.add(Map.entry(task, TaskResult.of(SwitchStatus.SWITCHED)));
    }
    CollectedResults results = Tallies.switches(10, read);
    return new RunFigures("card-switch", results, SustainedThroughput.of(completions), LatencyDistribution.of(card),
        LatencyDistribution.of(LongStream.of(card).map(ms -> ms - 100).toArray()), LatencyDistribution.of(outcome),
        Duration.ofSeconds(2), true, Duration.ofMillis(500), Duration.ofMillis(100),
        300L * 1024 * 1024, 6144L * 1024 * 1024, 400L * 1024, true, 0, 10L, 1L, 9L, Duration.ofSeconds(3), false,
        List.of(), Duration.ofSeconds(1),
        Map.of("stream", Duration.ofMillis(200), "card_crypto", Duration.ofMillis(350)));
  }

  private final SweepReport report =
      new SweepReport(SETTINGS, SANDBOX, Warmup.Done.fixed(5), List.of(step(100, 200), step(400, 900)),
          Duration.ofSeconds(40));

  @Test
  void theJsonLineHasOneStepPerRateWithItsFigures() throws Exception {
    JsonNode json = JSON.readTree(report.jsonLine());

    JsonNode steps = json.get("steps");
    assertEquals(2, steps.size());
    assertEquals(100.0, steps.get(0).get("rate").asDouble());
    assertEquals(400.0, steps.get(1).get("rate").asDouble());
    assertEquals(300, steps.get(0).get("p99_card_ms").asLong(), "200 ms + the 10th of 10..100 ms");
    assertEquals(1000, steps.get(1).get("p99_card_ms").asLong());
    assertEquals(0, steps.get(1).get("missing").asLong());
    assertEquals(20.0, steps.get(1).get("thread_cpu_ms_per_switch").get("stream").asDouble(), "200 ms for 10 switches");
    assertEquals(35.0, steps.get(1).get("thread_cpu_ms_per_switch").get("card_crypto").asDouble());
    assertEquals(200, json.get("latency_ms").asLong());
    assertEquals("corretto", json.get("crypto_provider").asText());
    assertTrue(report.table().contains("exactly_once_v2, card crypto by corretto; took"), report.table());
    assertEquals(10, json.get("events_per_step").asInt());
  }

  @Test
  void describesTheServicesAndTheWarmUpWithTheSameKeysAsARunsJsonLine() throws Exception {
    JsonNode sweep = JSON.readTree(report.jsonLine());
    JsonNode run = JSON.readTree(new BenchReport(SETTINGS, SANDBOX, Warmup.Done.fixed(5), step(400, 900), null,
        Duration.ofSeconds(40)).jsonLine());

    for (String key : List.of("instances", "partitions", "threads", "processing_guarantee", "max_in_flight",
        "crypto_provider", "warmup", "warmup_until_settled", "warmup_jit_share")) {
      assertTrue(sweep.has(key), key + " in " + sweep);
      assertEquals(run.get(key), sweep.get(key), key);
    }
    assertEquals(6, sweep.get("partitions").asInt());
    assertEquals(2048, sweep.get("max_in_flight").asInt());
    assertEquals(5, sweep.get("warmup").asInt());
    assertFalse(sweep.get("warmup_until_settled").asBoolean());
  }

  @Test
  void printsATableRowPerRateAndTheJsonLineLast() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

    assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("100 ")), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("400 ")), String.join("\n", lines));
    assertTrue(lines.get(lines.size() - 1).startsWith("{\"events_per_step\":10"));
    assertTrue(report.succeeded());
  }

  @Test
  void namesThePlotBeforeTheJsonLineAndInIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sweep.png");
    report.plot(file);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

    assertEquals("plot: " + file.toAbsolutePath(), lines.get(lines.size() - 2));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals(file.toAbsolutePath().toString(), json.get("plot").asText());
  }

  @Test
  void drawsAPngWithTheLinesOfTheSteps(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plots/sweep.png");
    report.plot(file);

    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(LatencyPlot.WIDTH, image.getWidth());
    assertEquals(LatencyPlot.HEIGHT, image.getHeight());
    assertTrue(Files.size(file) > 5_000, "more than a blank image");
    assertTrue(containsColour(image, 0xc92a2a), "the p99 line is drawn");
    assertTrue(containsColour(image, 0x2b8a3e), "the p50 line is drawn");
  }

  @Test
  void theTitleNamesTheKnotItRanAgainstAndTheStreamThreads() {
    assertEquals("card-switch: latency vs offered load (Knot sandbox 200 ms ± 20 %, 1 instance(s) × 2 stream"
        + " thread(s), exactly_once_v2)", report.plotTitle());
    SweepReport real = new SweepReport(SETTINGS, new BenchEnvironment(6, 1, "exactly_once_v2", 2048, "embedded",
        "https://knot.example", "corretto"), Warmup.Done.fixed(5), List.of(step(100, 200), step(400, 900)),
        Duration.ofSeconds(40));
    assertEquals("card-switch: latency vs offered load (Knot at https://knot.example, 1 instance(s) × 1 stream"
        + " thread(s), exactly_once_v2)", real.plotTitle());
  }

  @Test
  void drawsTheTargetLineOnlyWhereTheSandboxSetKnotsLatency() {
    List<LatencyPlot.Point> points = List.of(new LatencyPlot.Point(100, 100.0, 210L, 250L, 300L, 400L, 0),
        new LatencyPlot.Point(400, 400.0, 220L, 260L, 320L, 420L, 0));
    BufferedImage withTarget = LatencyPlot.render("t", OptionalLong.of(200), points);
    BufferedImage without = LatencyPlot.render("t", OptionalLong.empty(), points);
    long differing = 0;
    for (int x = 0; x < withTarget.getWidth(); x++) {
      for (int y = 0; y < withTarget.getHeight(); y++) {
        if (withTarget.getRGB(x, y) != without.getRGB(x, y)) {
          differing++;
        }
      }
    }
    assertTrue(differing > 500, "the L + 300 ms line and its label are drawn with L only: " + differing);
  }

  @Test
  void refusesASweepWithTheBaselineOrARateNotAbove0() {
    assertThrows(IllegalArgumentException.class,
        () -> BenchSettings.builder().sweep(List.of(100.0)).baseline(true).build());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> BenchSettings.builder().sweep(List.of(100.0, 0.0)).build());
    assertTrue(zero.getMessage().contains("--sweep"));
    assertFalse(BenchSettings.builder().build().sweep().iterator().hasNext());
  }

  @Test
  void roundsTheLoadAxisUpToANiceValue() {
    assertEquals(1000, LatencyPlot.niceCeiling(840));
    assertEquals(250, LatencyPlot.niceCeiling(210));
    assertEquals(1500, LatencyPlot.niceCeiling(1050));
    assertEquals(3000, LatencyPlot.niceCeiling(2520));
    assertEquals(4000, LatencyPlot.niceCeiling(3001));
  }

  private static boolean containsColour(BufferedImage image, int rgb) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          return true;
        }
      }
    }
    return false;
  }
}
