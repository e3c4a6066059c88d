package dev.cardswitch.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import dev.cardswitch.knot.KnotJwk;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.ingress.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox as Knot's development environment: real HTTP, real RSA, nimbus on the client side. */
class KnotSandboxTest {

  /** Seed 001's example document, which "is sufficient to pass validation" in Knot's development environment. */
  static final String SEED_001_DOCUMENT =
      "{\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"},"
          + "\"address\":{\"street\":\"100 Main Street\",\"street2\":\"#100\",\"city\":\"NEW YORK\","
          + "\"region\":\"NY\",\"postal_code\":\"12345\",\"country\":\"US\"},"
          + "\"phone_number\":\"+11234567890\"},"
          + "\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}}";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static KnotSandbox sandbox;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    sandbox = KnotSandbox.builder().seed(3).start();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  /**
   * A new client per test: an outage test stops the server, and a connection pooled before it,
   * closed by the stop, could otherwise be taken by the next test's POST before the client notices
   * and fail with "received no bytes" (seen once in mvn verify; b238a4c fixed the outage tests' own).
   */
  @BeforeEach
  void reset() {
    sandbox.reset();
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(sandbox.baseUrl().resolve(path)).timeout(Duration.ofSeconds(10));
  }

  private static HttpRequest.Builder knot(String path) {
    return request(path)
        .header("Authorization", sandbox.credentials().basicAuthorization())
        .header("Knot-Version", "2.0");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends on a new client, so on a new connection: a refusing outage stops the server, and a pooled
   * connection it closed would fail with "received no bytes" rather than a refused connect.
   */
  private static HttpResponse<String> sendOnNewConnection(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postCard(String body) throws Exception {
    return send(knot("/card").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String cardBody(long taskId, String jwe) {
    return JSON.createObjectNode().put("task_id", taskId).put("jwe", jwe).toString();
  }

  /** Seed 000's recipe, with nimbus directly: RSA-OAEP-256 + A256GCM, header alg and enc only. */
  private static String seed000Jwe(RSAKey publicKey, String document) throws Exception {
    JWEObject jwe = new JWEObject(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM), new Payload(document));
    jwe.encrypt(new RSAEncrypter(publicKey));
    return jwe.serialize();
  }

  private static RSAKey fetchPublicKey() throws Exception {
    HttpResponse<String> r = send(knot("/jwe/key").GET());
    assertEquals(200, r.statusCode(), r.body());
    return RSAKey.parse(r.body());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static void assertKnotError(HttpResponse<String> r, int status, String type, String code, String message) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode n = json(r);
    assertEquals(type, n.path("error_type").asText(), r.body());
    assertEquals(code, n.path("error_code").asText(), r.body());
    assertEquals(message, n.path("error_message").asText(), r.body());
  }

  @Test
  void servesAnRsa2048KeyShapedLikeSeed000() throws Exception {
    HttpResponse<String> r = send(knot("/jwe/key").GET());
    assertEquals(200, r.statusCode());
    JsonNode n = json(r);
    Set<String> members = new TreeSet<>();
    n.fieldNames().forEachRemaining(members::add);
    assertEquals(Set.of("alg", "e", "key_ops", "kid", "kty", "n", "use"), members);
    assertEquals("RSA-OAEP-256", n.get("alg").asText());
    assertEquals("[\"encrypt\"]", n.get("key_ops").toString());
    assertEquals("enc", n.get("use").asText());
    KnotJwk key = KnotJwk.parse(r.body());
    assertEquals(2048, key.modulusBits());
    assertEquals(sandbox.currentKid(), key.kid());
  }

  @Test
  void acceptsAJweBuiltByTheRecipeOfSeed000() throws Exception {
    HttpResponse<String> r = postCard(cardBody(408321, seed000Jwe(fetchPublicKey(), SEED_001_DOCUMENT)));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"message\":\"Success\"}", r.body());
    assertEquals(new TaskCalls(408321, 1, 1), sandbox.calls(408321));
    assertEquals(1, sandbox.stats().jweVerified());
  }

  @Test
  void afterAnAcceptedCardItSendsSignedLifecycleWebhooksAndRetriesARefusedOne() throws Exception {
    String secret = "sandbox-webhook-secret";
    WebhookSignature verifier = new WebhookSignature(secret);
    java.util.concurrent.BlockingQueue<JsonNode> received = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
    HttpServer receiver = HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/knot/webhooks", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      JsonNode event = JSON.readTree(body);
      boolean signed = verifier.verify(new WebhookSignature.SignedFields(
          exchange.getRequestHeaders().getFirst("Content-Length"), exchange.getRequestHeaders().getFirst("Content-Type"),
          exchange.getRequestHeaders().getFirst(WebhookSignature.ENCRYPTION_TYPE_HEADER), event.path("event").asText(),
          event.path("session_id").asText()), exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER));
      // The first webhook is refused once, as a busy receiver would: Knot (and the sandbox) send it again.
      int status = !signed ? 401 : answers.getAndIncrement() == 0 ? 503 : 200;
      if (status == 200) {
        received.add(event);
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiver.start();
    try {
      sandbox.lifecycleWebhooks(new LifecycleWebhooks.Settings(
          URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/knot/webhooks"), secret,
          Duration.ofMillis(50), 1.0));
      assertEquals(200, postCard(cardBody(408322, seed000Jwe(fetchPublicKey(), SEED_001_DOCUMENT))).statusCode());

      // The refused CARD_UPDATING is sent again after the CARD_FAILED, as Knot's retries can reorder webhooks.
      java.util.Map<String, JsonNode> byEvent = new java.util.TreeMap<>();
      for (int i = 0; i < 2; i++) {
        JsonNode event = received.poll(10, TimeUnit.SECONDS);
        assertTrue(event != null, "two webhooks arrive: " + byEvent);
        byEvent.put(event.path("event").asText(), event);
      }
      assertEquals(Set.of("CARD_UPDATING", "CARD_FAILED"), byEvent.keySet());
      JsonNode updating = byEvent.get("CARD_UPDATING");
      JsonNode failed = byEvent.get("CARD_FAILED");
      assertEquals(408322, failed.path("task_id").asLong());
      assertEquals(updating.path("session_id").asText(), failed.path("session_id").asText());
      assertTrue(LifecycleWebhooks.FAILURE_REASONS.contains(failed.path("data").path("reason").asText()), failed.toString());
      assertEquals(3, answers.get(), "one refusal, then both delivered");
      // Counted once the sandbox has read the answer, just after the receiver queued the event.
      java.util.Map<String, Long> both = java.util.Map.of("CARD_FAILED", 1L, "CARD_UPDATING", 1L);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!both.equals(sandbox.lifecycleStats().delivered()) && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertEquals(both, sandbox.lifecycleStats().delivered());
    } finally {
      sandbox.lifecycleWebhooks(null);
      receiver.stop(0);
    }
  }

  @Test
  void lifecycleWebhookSettingsNameTheBadValue() {
    URI target = URI.create("http://127.0.0.1:1/knot/webhooks");
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new LifecycleWebhooks.Settings(target, "s", Duration.ZERO, 1.5)).getMessage().contains("1.5"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new LifecycleWebhooks.Settings(target, "", Duration.ZERO, 0.1)).getMessage().contains("secret"));
    assertFalse(new LifecycleWebhooks.Settings(target, "hush-hush", Duration.ZERO, 0.1).toString().contains("hush"));
  }

  @Test
  void refusesBadCredentialsWithKnotsBody() throws Exception {
    String wrong = "Basic " + Base64.getEncoder().encodeToString((sandbox.credentials().clientId() + ":nope").getBytes(StandardCharsets.UTF_8));
    for (HttpRequest.Builder req : List.of(
        request("/jwe/key").header("Authorization", wrong).header("Knot-Version", "2.0").GET(),
        request("/card").header("Knot-Version", "2.0").POST(HttpRequest.BodyPublishers.ofString(cardBody(1, "x"))))) {
      assertKnotError(send(req), 401, "INVALID_INPUT", "INVALID_API_KEYS", "Invalid client_id or secret provided.");
    }
  }

  @Test
  void refusesEvenTheRightCredentialsWhileTheyAreRevoked() throws Exception {
    sandbox.faults(SandboxFaults.builder().rejectCredentials(true).build());
    assertKnotError(send(request("/jwe/key").header("Authorization", sandbox.credentials().basicAuthorization())
        .header("Knot-Version", "2.0").GET()), 401, "INVALID_INPUT", "INVALID_API_KEYS", "Invalid client_id or secret provided.");
    assertKnotError(postCard(cardBody(77, "x")), 401, "INVALID_INPUT", "INVALID_API_KEYS",
        "Invalid client_id or secret provided.");
    assertEquals(0, sandbox.calls(77).successes());

    sandbox.faults(SandboxFaults.NONE);
    assertEquals(200, send(request("/jwe/key").header("Authorization", sandbox.credentials().basicAuthorization())
        .header("Knot-Version", "2.0").GET()).statusCode());
  }

  @Test
  void requiresTheKnotVersionHeader() throws Exception {
    HttpResponse<String> r = send(request("/jwe/key").header("Authorization", sandbox.credentials().basicAuthorization()).GET());
    assertKnotError(r, 400, "INVALID_REQUEST", "INVALID_FIELD", "the Knot-Version header is required");
  }

  @Test
  void namesMissingRequestFields() throws Exception {
    assertKnotError(postCard("{\"jwe\":\"x\"}"), 400, "INVALID_REQUEST", "INVALID_FIELD", "the task_id field is required");
    assertKnotError(postCard("{\"task_id\":5}"), 400, "INVALID_REQUEST", "INVALID_FIELD", "the jwe field is required");
    assertKnotError(postCard("{\"task_id\":\"5\",\"jwe\":\"x\"}"), 400, "INVALID_REQUEST", "INVALID_FIELD", "the task_id field must be a number");
    assertKnotError(postCard("not json"), 400, "INVALID_REQUEST", "INVALID_FIELD", "the request body must be a JSON object");
    assertEquals(null, json(postCard("{\"task_id\":5}")).get("display_message").textValue(), "display_message is null as in seed 000");
  }

  @Test
  void answersInvalidJweForWhatItCannotDecrypt() throws Exception {
    assertKnotError(postCard(cardBody(6, "not-a-jwe")), 400, "INVALID_INPUT", "INVALID_JWE", "invalid jwe");
    RSAKey stranger = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
    assertKnotError(postCard(cardBody(6, seed000Jwe(stranger.toPublicJWK(), SEED_001_DOCUMENT))), 400, "INVALID_INPUT", "INVALID_JWE", "invalid jwe");
  }

  @Test
  void aJweForARotatedOutKeyIsInvalid() throws Exception {
    RSAKey old = fetchPublicKey();
    String oldKid = sandbox.currentKid();
    String newKid = sandbox.rotateKey();
    assertNotEquals(oldKid, newKid);
    assertKnotError(postCard(cardBody(7, seed000Jwe(old, SEED_001_DOCUMENT))), 400, "INVALID_INPUT", "INVALID_JWE", "invalid jwe");
    assertEquals(200, postCard(cardBody(7, seed000Jwe(fetchPublicKey(), SEED_001_DOCUMENT))).statusCode());
  }

  @Test
  void namesTheFieldOfAnInvalidDocumentWithoutItsValue() throws Exception {
    String noFirstName = SEED_001_DOCUMENT.replace("\"first_name\":\"Ada\",", "");
    HttpResponse<String> r = postCard(cardBody(8, seed000Jwe(fetchPublicKey(), noFirstName)));
    assertKnotError(r, 400, "INVALID_REQUEST", "INVALID_FIELD", "the user.name.first_name field is required");

    String badRegion = SEED_001_DOCUMENT.replace("\"region\":\"NY\"", "\"region\":\"QQ\"");
    r = postCard(cardBody(8, seed000Jwe(fetchPublicKey(), badRegion)));
    assertEquals(400, r.statusCode());
    assertTrue(json(r).get("error_message").asText().startsWith("the user.address.region field must be"), r.body());
    assertFalse(r.body().contains("QQ"), r.body());
    assertEquals(new TaskCalls(8, 2, 0), sandbox.calls(8));
  }

  @Test
  void verifiesOnlyTheConfiguredShareOfJwes() throws Exception {
    try (KnotSandbox sampling = KnotSandbox.builder().verifyShare(0.0).credentials(sandbox.credentials()).start()) {
      RSAKey key = RSAKey.parse(http.send(HttpRequest.newBuilder(sampling.baseUrl().resolve("/jwe/key"))
          .header("Authorization", sampling.credentials().basicAuthorization()).header("Knot-Version", "2.0").build(),
          HttpResponse.BodyHandlers.ofString()).body());
      String invalidDocument = SEED_001_DOCUMENT.replace("\"cvv\":\"012\"", "\"cvv\":\"1\"");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(sampling.baseUrl().resolve("/card"))
          .header("Authorization", sampling.credentials().basicAuthorization()).header("Knot-Version", "2.0")
          .POST(HttpRequest.BodyPublishers.ofString(cardBody(9, seed000Jwe(key, invalidDocument)))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), "not decrypted, so not validated");
      assertKnotError(http.send(HttpRequest.newBuilder(sampling.baseUrl().resolve("/card"))
              .header("Authorization", sampling.credentials().basicAuthorization()).header("Knot-Version", "2.0")
              .POST(HttpRequest.BodyPublishers.ofString(cardBody(9, "garbage"))).build(), HttpResponse.BodyHandlers.ofString()),
          400, "INVALID_INPUT", "INVALID_JWE", "invalid jwe");
      SandboxStats s = sampling.stats();
      assertEquals(0.0, s.verifyShare());
      assertEquals(0, s.jweVerified());
      assertEquals(2, s.jweNotVerified());
    }
  }

  @Test
  void latencyHoldsNoThreadSoManySlowRequestsWaitTogether() throws Exception {
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofMillis(400))).build());
    int requests = 200;
    // 200 connections, left idle on the server afterwards: below the JDK server's idle limit only
    // because the build raises it to 1024 as the launcher does (pom.xml, surefire).
    HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      pending.add(many.sendAsync(knot("/card").POST(HttpRequest.BodyPublishers.ofString(cardBody(10_000 + i, "garbage"))).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : pending) {
      assertEquals(400, f.get(30, TimeUnit.SECONDS).statusCode());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // With a thread held per delayed answer, the few handler threads would need 200 x 0.4 s / threads.
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
    assertEquals(requests, sandbox.stats().cardRequests());
  }

  /**
   * The cause of a "Connection reset" seen once in `mvn verify`: with the JDK's default idle limit
   * (200), a sandbox that already holds 200 idle connections (the test above leaves that many)
   * closes a new client's connection right after its answer, and a second request on it fails. The
   * build raises the limit as the launcher does; a raw socket shows whether the server closed it.
   */
  @Test
  void keepsAConnectionOpenAfterItsAnswerWhileTwoHundredOthersAreIdle() throws Exception {
    try (KnotSandbox own = KnotSandbox.builder().seed(5).credentials(sandbox.credentials()).start()) {
      HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      own.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofMillis(300))).build());
      List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        pending.add(many.sendAsync(HttpRequest.newBuilder(own.baseUrl().resolve("/jwe/key"))
            .header("Authorization", own.credentials().basicAuthorization()).header("Knot-Version", "2.0").build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : pending) {
        assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
      }
      own.reset();

      try (Socket socket = new Socket(own.baseUrl().getHost(), own.baseUrl().getPort())) {
        socket.getOutputStream().write(("GET /jwe/key HTTP/1.1\r\nHost: sandbox\r\nAuthorization: "
            + own.credentials().basicAuthorization() + "\r\nKnot-Version: 2.0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(1500);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        int read = 0;
        boolean closedByServer = false;
        try {
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            read += n;
          }
          closedByServer = true;
        } catch (SocketTimeoutException stillOpen) {
          // The answer was read and the server kept the connection for the next request.
        }
        assertTrue(read > 0, "the key was answered");
        assertFalse(closedByServer, "the server closed the connection after its answer (maxIdleConnections="
            + System.getProperty("sun.net.httpserver.maxIdleConnections") + ")");
      }
    }
  }

  @Test
  void theAdminEndpointInjectsFaultsAndReportsCounts() throws Exception {
    HttpResponse<String> set = send(request("/_sandbox/faults").PUT(HttpRequest.BodyPublishers.ofString(
        "{\"error_share\":1.0,\"error_statuses\":[502],\"times\":1}")));
    assertEquals(200, set.statusCode(), set.body());
    String jwe = seed000Jwe(fetchPublicKey(), SEED_001_DOCUMENT);
    assertEquals(502, postCard(cardBody(11, jwe)).statusCode());
    assertEquals(200, postCard(cardBody(11, jwe)).statusCode(), "the fault was for one request only");

    JsonNode task = json(send(request("/_sandbox/tasks/11").GET()));
    assertEquals(2, task.get("calls").asInt());
    assertEquals(1, task.get("successes").asInt());
    JsonNode stats = json(send(request("/_sandbox/stats").GET()));
    assertEquals(1, stats.get("injected_faults").asInt());
    assertEquals(1.0, stats.get("verify_share").asDouble());
    assertEquals(1, stats.get("jwe_verified").asInt());

    String kid = json(send(request("/_sandbox/rotate-key").POST(HttpRequest.BodyPublishers.noBody()))).get("kid").asText();
    assertEquals(sandbox.currentKid(), kid);
    assertEquals(200, send(request("/_sandbox/reset").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    assertEquals(0, sandbox.stats().cardRequests());
    assertEquals(400, send(request("/_sandbox/faults").PUT(HttpRequest.BodyPublishers.ofString("{\"error_share\":2}"))).statusCode());
  }

  @Test
  void throttlesWithRetryAfter() throws Exception {
    sandbox.faults(SandboxFaults.builder().tooManyRequests(1.0, 4).build());
    HttpResponse<String> r = postCard(cardBody(12, "x"));
    assertEquals(429, r.statusCode());
    assertEquals("4", r.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void redirectsTheCardToItselfOrElsewhere() throws Exception {
    sandbox.faults(SandboxFaults.builder().sameOriginRedirect().build());
    HttpResponse<String> r = postCard(cardBody(13, "x"));
    assertEquals(307, r.statusCode());
    assertEquals(KnotSandbox.ALT_CARD_PATH, r.headers().firstValue("Location").orElseThrow());
    String jwe = seed000Jwe(fetchPublicKey(), SEED_001_DOCUMENT);
    assertEquals(200, send(knot(KnotSandbox.ALT_CARD_PATH).POST(HttpRequest.BodyPublishers.ofString(cardBody(13, jwe)))).statusCode());

    sandbox.faults(SandboxFaults.builder().crossOriginRedirect(URI.create("http://127.0.0.2:1/card")).redirectStatus(308).build());
    r = postCard(cardBody(13, "x"));
    assertEquals(308, r.statusCode());
    assertEquals("http://127.0.0.2:1/card", r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void anUnavailableOutageAnswers503Everywhere() throws Exception {
    sandbox.faults(SandboxFaults.builder().outage(SandboxFaults.Outage.UNAVAILABLE).build());
    assertEquals(503, send(knot("/jwe/key").GET()).statusCode());
    assertEquals(503, postCard(cardBody(14, "x")).statusCode());
    assertEquals(200, send(request("/_sandbox/stats").GET()).statusCode(), "the admin endpoints stay up");
  }

  @Test
  void aRefusingOutageClosesTheSocketUntilCleared() throws Exception {
    sandbox.faults(SandboxFaults.builder().outage(SandboxFaults.Outage.REFUSE).build());
    Exception e = assertThrows(Exception.class, () -> sendOnNewConnection(knot("/jwe/key").GET()));
    assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException, e.toString());
    sandbox.faults(SandboxFaults.NONE);
    assertEquals(200, sendOnNewConnection(knot("/jwe/key").GET()).statusCode());
  }

  @Test
  void aTimedOutageEndsByItself() throws Exception {
    // The endpoint answers before the outage starts (it closes its own socket), so the test waits to see
    // a refusal first and then the first answer after it; 2 s leaves room for a slow machine to see one.
    HttpResponse<String> set = send(request("/_sandbox/faults").PUT(HttpRequest.BodyPublishers.ofString(
        "{\"outage\":\"refuse\",\"outage_ms\":2000}")));
    assertEquals(200, set.statusCode(), set.body());
    Instant giveUp = Instant.now().plusSeconds(15);
    boolean refused = false;
    int status = 0;
    while (!(refused && status == 200) && Instant.now().isBefore(giveUp)) {
      try {
        status = sendOnNewConnection(knot("/jwe/key").GET()).statusCode();
      } catch (ConnectException e) {
        refused = true;
      }
    }
    assertTrue(refused, "the sandbox refused connections during the outage");
    assertEquals(200, status, "the sandbox answered again after the outage");
    assertEquals(SandboxFaults.Outage.NONE, sandbox.faults().outage());
  }

  @Test
  void aRefusingOutageThroughTheAdminEndpointNeedsADuration() throws Exception {
    HttpResponse<String> r = send(request("/_sandbox/faults").PUT(HttpRequest.BodyPublishers.ofString("{\"outage\":\"refuse\"}")));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("outage_ms"), r.body());
  }
}
