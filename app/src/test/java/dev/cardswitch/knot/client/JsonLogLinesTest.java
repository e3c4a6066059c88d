package dev.cardswitch.knot.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.app.logging.JsonLineEncoder;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.knot.KnotCallResult.Outcome;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.SandboxFaults;
import dev.cardswitch.topology.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A call through the real client and the sandbox, its log lines written by the JSON encoder: each
 * line is a JSON object, the call's lines carry the task id (and the outcome once known), and no
 * clear card value reaches them.
 */
class JsonLogLinesTest {

  private static final String PAN = "4111111111111111";
  private static final String CVV = "0419";
  private static final String LAST = "Quarrington";

  /** Encodes what it receives with the encoder under test, as the json console appender does. */
  private static final class JsonCapture extends AppenderBase<ILoggingEvent> {
    private final JsonLineEncoder encoder = new JsonLineEncoder();
    private final List<String> lines = new ArrayList<>();

    @Override
    public void start() {
      encoder.setContext(getContext());
      encoder.start();
      super.start();
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
      lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }

    synchronized List<String> lines() {
      return List.copyOf(lines);
    }
  }

  @Test
  void switchLinesAreJsonObjectsWithTaskIdAndOutcomeAndNoCardData() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = context.getLogger("dev.cardswitch.knot.client");
    Level previous = logger.getLevel();
    JsonCapture capture = new JsonCapture();
    capture.setContext(context);
    capture.start();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(capture);
    try (KnotSandbox sandbox = KnotSandbox.builder().seed(5).start()) {
      TestClock clock = new TestClock(Instant.now());
      TimeWarpScheduler scheduler = new TimeWarpScheduler(clock);
      KnotClientConfig config = KnotClientConfig.builder().knotBaseUrl(sandbox.baseUrl())
          .knotCredentials(sandbox.credentials()).knotMaxAttempts(3).build();
      try (KnotClient client = KnotClient.builder(config).clock(clock).scheduler(scheduler).random(new Random(1)).build();
          CardDocument card = CardDocument.builder().firstName("Zebulon").lastName(LAST)
              .street("77 Obscurity Lane").city("NEW YORK").region("NY").postalCode("10019").country("US")
              .phoneNumber("+14155550199").number(PAN).expiration("11/2031").cvv(CVV).build()) {
        Instant deadline = clock.instant().plusSeconds(15);
        // One 503 first: an attempt line with its verdict, then the switch.
        sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 503).times(1).build());
        assertEquals(Outcome.SWITCHED,
            client.sendCard(4242, TestCards.jweOf(card), deadline).get(10, TimeUnit.SECONDS).outcome());
      } finally {
        scheduler.shutdownNow();
      }
    } finally {
      logger.detachAppender(capture);
      logger.setLevel(previous);
      capture.stop();
    }

    List<String> lines = capture.lines();
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> callLines = new ArrayList<>();
    for (String line : lines) {
      assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line per event: " + line);
      JsonNode json = mapper.readTree(line);
      for (String field : List.of("time", "level", "logger", "thread", "message")) {
        assertTrue(json.hasNonNull(field), field + " in " + line);
      }
      if (json.path("logger").asText().endsWith(".CardCall")) {
        callLines.add(json);
      }
      for (String secret : List.of(PAN, PAN.substring(0, 12), LAST, "Obscurity")) {
        assertFalse(line.contains(secret), "card data in " + line);
      }
    }
    assertTrue(callLines.size() >= 3, "two attempts and the result: " + lines);
    for (JsonNode line : callLines) {
      assertEquals(4242, line.path("task_id").asLong(), line::toString);
      assertTrue(line.path("task_id").isNumber(), line::toString);
    }
    assertTrue(callLines.stream().anyMatch(l -> "SWITCHED".equals(l.path("outcome").asText())), lines::toString);
    assertTrue(callLines.stream().anyMatch(l -> l.path("attempt").asInt() == 1 && l.has("verdict")), lines::toString);
  }
}
