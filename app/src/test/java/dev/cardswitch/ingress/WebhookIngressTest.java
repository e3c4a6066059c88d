package dev.cardswitch.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.schemas.KnotWebhookEvent;
import dev.cardswitch.topology.TopologySerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingress over real HTTP on 127.0.0.1 and the real embedded broker: what is answered, and what
 * lands on the webhook topic (read to its end with a read_committed consumer). Each test has its own
 * topic and ingress, so "nothing produced" means an empty topic.
 */
class WebhookIngressTest {

  private static final String SECRET = "ingress-test-secret-" + System.nanoTime();
  private static final String SESSION = "fb5aa994-ed1c-4c3e-b29a-b2a53222e584";
  private static final Instant RECEIVED = Instant.parse("2026-11-25T12:00:00.123Z");
  private static final AtomicInteger TOPICS = new AtomicInteger();

  private static EmbeddedKafka kafka;
  private static DevSchemaRegistry registry;
  private static TopologySerdes serdes;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private String topic;
  private IngressCounters counters;
  private WebhookIngress ingress;

  @BeforeAll
  static void startBrokerAndRegistry() {
    kafka = EmbeddedKafka.start(null);
    registry = DevSchemaRegistry.builder().build().start();
    serdes = TopologySerdes.of(new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build()));
  }

  @AfterAll
  static void stopBrokerAndRegistry() {
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void startIngress() {
    topic = "knot-webhooks-" + TOPICS.incrementAndGet();
    kafka.createTopic(topic, 3, Map.of());
    counters = new IngressCounters();
    ingress = start(IngressConfig.builder().bind("127.0.0.1").port(0).build(), kafka.bootstrapServers());
  }

  @AfterEach
  void stopIngress() {
    if (ingress != null) {
      ingress.close();
    }
  }

  private WebhookIngress start(IngressConfig config, String bootstrap) {
    return WebhookIngress.start(config, new WebhookSignature(SECRET), topic, serdes.event().serializer(), bootstrap,
        Map.of(), counters, Clock.fixed(RECEIVED, ZoneOffset.UTC));
  }

  static String body(String event, long taskId, String sessionId) {
    return KnotSigner.body(event, taskId, sessionId, "card-" + taskId, 1710864923198L);
  }

  static String signatureOf(String secret, String body, String event, String session) {
    return KnotSigner.signatureOf(secret, body, event, session);
  }

  private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(ingress.url("127.0.0.1"))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(r::header);
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postSigned(String body, String signature) throws Exception {
    return post(body, Map.of("Content-Type", "application/json", "Encryption-Type", "HMAC-SHA256",
        "Knot-Signature", signature));
  }

  private List<ConsumerRecord<String, byte[]>> readTopic() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      Instant deadline = Instant.now().plusSeconds(30);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertTrue(Instant.now().isBefore(deadline), "the topic was not read to its end in time");
        c.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }

  private void assertNothingProduced() {
    assertEquals(List.of(), readTopic(), "nothing may be produced");
    assertEquals(0, counters.acceptedCount());
  }

  // --- accepted ---------------------------------------------------------------------------------

  @Test
  void producesASignedWebhookOnceKeyedByTaskAndStampedWithItsReceipt() throws Exception {
    String body = body("AUTHENTICATED", 25605, SESSION);

    HttpResponse<String> response = postSigned(body, signatureOf(SECRET, body, "AUTHENTICATED", SESSION));

    assertEquals(200, response.statusCode(), response.body());
    List<ConsumerRecord<String, byte[]>> records = readTopic();
    assertEquals(1, records.size());
    assertEquals("25605", records.get(0).key());
    KnotWebhookEvent event = serdes.event().deserializer().deserialize(topic, records.get(0).value());
    assertEquals("AUTHENTICATED", event.getEvent());
    assertEquals(SESSION, event.getSessionId());
    assertEquals(25605L, event.getTaskId());
    assertEquals("3dcbb19a-b2f1-4a7b-8792-d76027b627b3", event.getExternalUserId());
    assertEquals(10L, event.getMerchant().getId());
    assertEquals("Uber", event.getMerchant().getName());
    assertEquals("card-25605", event.getData().getCardId());
    assertEquals(Boolean.TRUE, event.getData().getSendCard());
    assertEquals("onboarding", event.getData().getEntrypoint());
    assertEquals(Instant.ofEpochMilli(1710864923198L), event.getTimestamp());
    assertEquals(RECEIVED, event.getReceivedAt());
    assertEquals(1, counters.acceptedCount());
    assertEquals(1, counters.latency().cumulative()[IngressCounters.LATENCY_BUCKETS_MILLIS.size()]);
    assertEquals(1, counters.ownLatency().cumulative()[IngressCounters.LATENCY_BUCKETS_MILLIS.size()]);
    assertTrue(counters.ownLatency().sumSeconds() <= counters.latency().sumSeconds(),
        "the ingress's own time is part of the whole");
  }

  @Test
  void everyEventOfATaskLandsInOnePartition() throws Exception {
    for (String type : List.of("AUTHENTICATED", "CARD_UPDATING", "CARD_UPDATED")) {
      String body = body(type, 777, SESSION);
      assertEquals(200, postSigned(body, signatureOf(SECRET, body, type, SESSION)).statusCode());
    }
    List<ConsumerRecord<String, byte[]>> records = readTopic();
    assertEquals(3, records.size());
    assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count());
    assertEquals(List.of("AUTHENTICATED", "CARD_UPDATING", "CARD_UPDATED"), records.stream()
        .map(r -> serdes.event().deserializer().deserialize(topic, r.value()).getEvent()).toList(),
        "in the order Knot sent them");
  }

  @Test
  void acceptsAnEventWithoutSessionIdSignedWithoutIt() throws Exception {
    String body = body("CREDENTIALS_FAILED", 4242, null);
    assertEquals(200, postSigned(body, signatureOf(SECRET, body, "CREDENTIALS_FAILED", null)).statusCode());
    KnotWebhookEvent event = serdes.event().deserializer().deserialize(topic, readTopic().get(0).value());
    assertEquals(null, event.getSessionId());
  }

  // --- 401: the signature ------------------------------------------------------------------------

  @Test
  void refusesASignatureMadeWithAnotherSecret() throws Exception {
    String body = body("AUTHENTICATED", 1, SESSION);
    HttpResponse<String> response = postSigned(body, signatureOf("not-the-secret", body, "AUTHENTICATED", SESSION));
    assertEquals(401, response.statusCode());
    assertTrue(response.body().contains("bad_signature"), response.body());
    assertNothingProduced();
    assertEquals(1, counters.rejectedCount(Rejection.BAD_SIGNATURE));
  }

  @Test
  void refusesABodyWhoseSignedFieldWasChanged() throws Exception {
    String signedBody = body("CARD_UPDATING", 2, SESSION);
    String signature = signatureOf(SECRET, signedBody, "CARD_UPDATING", SESSION);
    // Same length, another event type (one that would send a card): only the signature can tell.
    String changedEvent = signedBody.replace("CARD_UPDATING", "AUTHENTICATED");
    assertEquals(signedBody.length(), changedEvent.length());
    assertEquals(401, postSigned(changedEvent, signature).statusCode());
    String changedSession = signedBody.replace(SESSION, SESSION.replace('f', 'e'));
    assertEquals(401, postSigned(changedSession, signature).statusCode());
    assertNothingProduced();
  }

  @Test
  void refusesAMissingSignatureOrSignedHeader() throws Exception {
    String body = body("AUTHENTICATED", 3, SESSION);
    String signature = signatureOf(SECRET, body, "AUTHENTICATED", SESSION);
    HttpResponse<String> noSignature = post(body, Map.of("Content-Type", "application/json",
        "Encryption-Type", "HMAC-SHA256"));
    assertEquals(401, noSignature.statusCode());
    assertTrue(noSignature.body().contains("Knot-Signature"), noSignature.body());
    assertEquals(401, post(body, Map.of("Content-Type", "application/json", "Knot-Signature", signature))
        .statusCode(), "no Encryption-Type");
    assertEquals(401, post(body, Map.of("Encryption-Type", "HMAC-SHA256", "Knot-Signature", signature))
        .statusCode(), "no Content-Type");
    assertNothingProduced();
    assertEquals(3, counters.rejectedCount(Rejection.MISSING_SIGNATURE_HEADER));
  }

  @Test
  void refusesABodyWhoseContentLengthChanged() throws Exception {
    String body = body("AUTHENTICATED", 4, SESSION);
    String signature = signatureOf(SECRET, body, "AUTHENTICATED", SESSION);
    // The same fields, the same event and session, one more byte: the signed Content-Length no longer holds.
    String padded = body.replace("\"task_id\":4", "\"task_id\": 4");
    assertEquals(401, postSigned(padded, signature).statusCode());
    assertNothingProduced();
  }

  @Test
  void refusesAnotherContentTypeThanTheSignedOne() throws Exception {
    String body = body("AUTHENTICATED", 5, SESSION);
    String signature = signatureOf(SECRET, body, "AUTHENTICATED", SESSION);
    assertEquals(401, post(body, Map.of("Content-Type", "text/plain", "Encryption-Type", "HMAC-SHA256",
        "Knot-Signature", signature)).statusCode());
    assertNothingProduced();
  }

  // --- 400, 405, 413 -----------------------------------------------------------------------------

  @Test
  void refusesABodyThatIsNotJson() throws Exception {
    HttpResponse<String> response = postSigned("{\"event\":\"AUTHENTICATED\",", "c2lnbmF0dXJl");
    assertEquals(400, response.statusCode());
    assertTrue(response.body().contains("malformed_json"), response.body());
    assertTrue(response.body().contains("not valid JSON"), response.body());
    assertEquals(400, postSigned("[1,2]", "c2lnbmF0dXJl").statusCode(), "an array");
    assertEquals(400, postSigned("{\"event\":\"A\",\"event\":\"B\"}", "c2lnbmF0dXJl").statusCode(), "a duplicate key");
    assertNothingProduced();
    assertEquals(3, counters.rejectedCount(Rejection.MALFORMED_JSON));
  }

  @Test
  void refusesASignedBodyThatIsNotAKnotEventNamingTheFieldNotItsValue() throws Exception {
    String body = body("AUTHENTICATED", 6, SESSION).replace("\"task_id\":6", "\"task_id\":\"secret-looking-6\"");
    HttpResponse<String> response = postSigned(body, signatureOf(SECRET, body, "AUTHENTICATED", SESSION));
    assertEquals(400, response.statusCode());
    assertTrue(response.body().contains("not_a_knot_event"), response.body());
    assertTrue(response.body().contains("task_id: must be an integer, was a string"), response.body());
    assertFalse(response.body().contains("secret-looking-6"), "the value is never echoed");

    String noMerchantName = body("AUTHENTICATED", 7, SESSION).replace(",\"name\":\"Uber\"", "");
    HttpResponse<String> second = postSigned(noMerchantName,
        signatureOf(SECRET, noMerchantName, "AUTHENTICATED", SESSION));
    assertEquals(400, second.statusCode());
    assertTrue(second.body().contains("merchant.name: required"), second.body());

    HttpResponse<String> noEvent = postSigned("{\"hello\":\"world\"}", "c2lnbmF0dXJl");
    assertEquals(400, noEvent.statusCode());
    assertTrue(noEvent.body().contains("event: required"), noEvent.body());
    assertNothingProduced();
  }

  @Test
  void refusesAnOversizedBody() throws Exception {
    String body = body("AUTHENTICATED", 8, SESSION);
    String huge = body.replace("\"onboarding\"", "\"" + "x".repeat(IngressConfig.DEFAULT_MAX_BODY_BYTES) + "\"");
    HttpResponse<String> response = postSigned(huge, signatureOf(SECRET, huge, "AUTHENTICATED", SESSION));
    assertEquals(413, response.statusCode());
    assertNothingProduced();
    assertEquals(1, counters.rejectedCount(Rejection.BODY_TOO_LARGE));
  }

  @Test
  void refusesOtherMethodsAndPaths() throws Exception {
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(ingress.url("127.0.0.1")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    HttpResponse<String> elsewhere = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ingress.port() + "/knot/other")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, elsewhere.statusCode());
    assertNothingProduced();
  }

  // --- 503: no acknowledgement -------------------------------------------------------------------

  @Test
  void answers503WithRetryAfterWhenNoBrokerAcknowledges() throws Exception {
    ingress.close();
    // A port nothing listens on: the record is never acknowledged.
    ingress = start(IngressConfig.builder().bind("127.0.0.1").port(0).produceTimeout(Duration.ofSeconds(1)).build(),
        "127.0.0.1:1");
    String body = body("AUTHENTICATED", 9, SESSION);
    HttpResponse<String> response = postSigned(body, signatureOf(SECRET, body, "AUTHENTICATED", SESSION));
    assertEquals(503, response.statusCode(), response.body());
    assertNotNull(response.headers().firstValue("Retry-After").orElse(null));
    assertEquals(1, counters.rejectedCount(Rejection.NOT_ACKNOWLEDGED) + counters.rejectedCount(Rejection.PRODUCE_FAILED));
    assertNothingProduced();
  }
}
