package dev.cardswitch.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.schemas.internal.SwitchHistory;
import dev.cardswitch.schemas.internal.SwitchHistoryEntry;
import dev.cardswitch.schemas.internal.SwitchState;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's answers for each kind of lookup, on real HTTP servers on 127.0.0.1 (two instances
 * where forwarding is concerned); the lookup itself is a table, since Kafka Streams' metadata is
 * what {@code SwitchStatusTwoInstancesTest} covers.
 */
class SwitchStatusEndpointTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final List<HttpServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** An instance whose lookup answers from {@code answers} (Missing for the rest); returns its port. */
  private int instance(Map<Long, StatusLookup.Answer> answers) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int port = server.getAddress().getPort();
    server.createContext(SwitchStatusEndpoint.PATH, new SwitchStatusEndpoint(
        task -> answers.getOrDefault(task, new StatusLookup.Missing()), "127.0.0.1:" + port, Duration.ofSeconds(2)));
    server.start();
    servers.add(server);
    return port;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static SwitchHistory switched(long task) {
    return SwitchHistory.newBuilder().setTaskId(task).setState(SwitchState.SWITCHED).setCardLastFour("4242")
        .setMerchantId(10L).setMerchantName("Uber").setAttempts(1).setHttpStatus(200).setReceivedAt(T0)
        .setCompletedAt(T0.plusMillis(900)).setUpdatedAt(T0.plusMillis(900))
        .setHistory(List.of(
            SwitchHistoryEntry.newBuilder().setAt(T0).setKind("WEBHOOK").setEventType("AUTHENTICATED")
                .setState(SwitchState.PENDING).setSourceTopic("knot-webhooks").setSourcePartition(1)
                .setSourceOffset(7).build(),
            SwitchHistoryEntry.newBuilder().setAt(T0.plusMillis(900)).setKind("OUTCOME").setReason("SWITCHED")
                .setState(SwitchState.SWITCHED).setSourceTopic("switch-outcomes").setSourcePartition(1)
                .setSourceOffset(3).build()))
        .build();
  }

  @Test
  void servesTheStatusItHoldsAsJson() throws Exception {
    int port = instance(Map.of(408321L, new StatusLookup.Found(switched(408321))));
    HttpResponse<String> response = get(port, "/switches/408321");

    assertEquals(200, response.statusCode());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(408321, body.path("task_id").asLong());
    assertEquals("SWITCHED", body.path("status").asText());
    assertEquals("4242", body.path("card_last_four").asText());
    assertEquals("Uber", body.path("merchant").path("name").asText());
    assertEquals("2026-11-25T10:00:00Z", body.path("received_at").asText());
    assertEquals("switch-outcomes-1@3", body.path("history").get(1).path("source").asText());
    assertEquals("127.0.0.1:" + port, body.path("served_by").asText());
  }

  @Test
  void forwardsToTheInstanceHoldingTheTaskAndReturnsItsAnswer() throws Exception {
    int owner = instance(Map.of(5L, new StatusLookup.Found(switched(5))));
    int asked = instance(Map.of(5L, new StatusLookup.Elsewhere("127.0.0.1", owner),
        6L, new StatusLookup.Elsewhere("127.0.0.1", owner)));

    HttpResponse<String> found = get(asked, "/switches/5");
    assertEquals(200, found.statusCode(), found.body());
    assertEquals("127.0.0.1:" + owner, JSON.readTree(found.body()).path("served_by").asText());
    HttpResponse<String> missing = get(asked, "/switches/6");
    assertEquals(404, missing.statusCode(), "the owner's 404, relayed");
    assertEquals("UNKNOWN_TASK", JSON.readTree(missing.body()).path("error").asText());
  }

  @Test
  void twoInstancesThatEachThinkTheOtherHoldsTheTaskAnswer503InsteadOfLooping() throws Exception {
    Map<Long, StatusLookup.Answer> first = new ConcurrentHashMap<>();
    Map<Long, StatusLookup.Answer> second = new ConcurrentHashMap<>();
    int a = instance(first);
    int b = instance(second);
    first.put(9L, new StatusLookup.Elsewhere("127.0.0.1", b));
    second.put(9L, new StatusLookup.Elsewhere("127.0.0.1", a));

    HttpResponse<String> response = get(a, "/switches/9");
    assertEquals(503, response.statusCode(), response.body());
    assertEquals("2", response.headers().firstValue("Retry-After").orElse(""));
    assertTrue(JSON.readTree(response.body()).path("message").asText().contains("rebalance"), response.body());
  }

  @Test
  void anOwnerThatDoesNotAnswerIs503WithARetryHint() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    int asked = instance(Map.of(11L, new StatusLookup.Elsewhere("127.0.0.1", closed)));

    HttpResponse<String> response = get(asked, "/switches/11");
    assertEquals(503, response.statusCode());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("UNAVAILABLE", body.path("error").asText());
    assertEquals(2, body.path("retry_after_seconds").asInt());
    assertTrue(body.path("message").asText().contains("127.0.0.1:" + closed), body.toString());
  }

  @Test
  void rebalancingIs503WithRetryAfter() throws Exception {
    int port = instance(Map.of(12L, new StatusLookup.Unavailable("the instances are rebalancing")));
    HttpResponse<String> response = get(port, "/switches/12");

    assertEquals(503, response.statusCode());
    assertEquals("2", response.headers().firstValue("Retry-After").orElse(""));
    assertTrue(response.body().contains("the instances are rebalancing: ask again in 2 s"), response.body());
  }

  @Test
  void refusesWhatIsNotATaskIdOrNotAGet() throws Exception {
    int port = instance(Map.of());
    HttpResponse<String> notANumber = get(port, "/switches/card-1");
    assertEquals(400, notANumber.statusCode());
    assertEquals("BAD_TASK_ID", JSON.readTree(notANumber.body()).path("error").asText());
    assertEquals(400, get(port, "/switches/").statusCode());
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/switches/1"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void anInstanceWithTheStatusOffSaysHowToTurnItOn() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(SwitchStatusEndpoint.PATH, SwitchStatusEndpoint.off("SWITCH_STATUS"));
    server.start();
    servers.add(server);
    HttpResponse<String> response = get(server.getAddress().getPort(), "/switches/1");

    assertEquals(404, response.statusCode());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("SWITCH_STATUS_OFF", body.path("error").asText());
    assertTrue(body.path("message").asText().contains("SWITCH_STATUS=on"), body.toString());
  }
}
