package dev.cardswitch.knot.client;

import dev.cardswitch.topology.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotCallResult.Outcome;
import dev.cardswitch.knot.KnotError;
import dev.cardswitch.knot.KnotJwk;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.Latency;
import dev.cardswitch.sandbox.SandboxFaults;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Knot client against a real sandbox over HTTP, with real crypto; time decided by the test. */
class KnotClientTest {

  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static KnotSandbox sandbox;

  private final List<KnotClient> clients = new ArrayList<>();
  private TestClock clock;
  private TimeWarpScheduler scheduler;
  private CardDocument document;

  @BeforeAll
  static void startSandbox() {
    sandbox = KnotSandbox.builder().seed(7).start();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    sandbox.reset();
    clock = new TestClock(T0);
    scheduler = new TimeWarpScheduler(clock);
    document = TestCards.seed001().build();
  }

  @AfterEach
  void tearDown() {
    clients.forEach(KnotClient::close);
    scheduler.shutdownNow();
    document.close();
  }

  private KnotClient client(Consumer<KnotClientConfig.Builder> settings) {
    KnotClientConfig.Builder b = KnotClientConfig.builder()
        .knotBaseUrl(sandbox.baseUrl())
        .knotCredentials(sandbox.credentials())
        .knotCallTimeout(Duration.ofSeconds(3))
        .knotBackoffBase(Duration.ofMillis(200))
        .knotBackoffCap(Duration.ofSeconds(2));
    settings.accept(b);
    KnotClient c = KnotClient.builder(b.build()).clock(clock).scheduler(scheduler).random(new Random(42)).build();
    clients.add(c);
    return c;
  }

  private KnotClient client() {
    return client(b -> {});
  }

  private KnotCallResult send(KnotClient client, long taskId) throws Exception {
    return send(client, taskId, TestCards.jweOf(document), clock.instant().plusSeconds(15));
  }

  private static KnotCallResult send(KnotClient client, long taskId, Function<KnotJwk, String> jwe, Instant deadline) throws Exception {
    return client.sendCard(taskId, jwe, deadline).get(20, TimeUnit.SECONDS);
  }

  @Test
  void switchesACard() throws Exception {
    KnotCallResult r = send(client(), 408321);
    assertEquals(Outcome.SWITCHED, r.outcome(), r.toString());
    assertEquals(200, r.httpStatus());
    assertEquals(1, r.attempts());
    assertEquals(T0, r.firstAttemptAt().orElseThrow());
    assertEquals(1, sandbox.calls(408321).successes());
    assertEquals(1, sandbox.stats().jweVerified());
  }

  @Test
  void callsRunWithoutAThreadPoolOfTheHttpClient() throws Exception {
    // The JDK client's default pool hands each stage of each call to another thread (hundreds of them
    // under load): the client runs its stages where they complete instead (see KnotClient).
    Set<String> before = threadNames();
    KnotClient client = client();
    List<CompletableFuture<KnotCallResult>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(client.sendCard(500_000 + i, TestCards.jweOf(document), clock.instant().plusSeconds(15)));
    }
    for (CompletableFuture<KnotCallResult> call : calls) {
      assertEquals(Outcome.SWITCHED, call.get(20, TimeUnit.SECONDS).outcome());
    }
    Set<String> started = threadNames();
    started.removeAll(before);
    String selector = started.stream().filter(n -> n.matches("HttpClient-\\d+-SelectorManager")).findFirst()
        .orElseThrow(() -> new AssertionError("no HTTP client selector thread started: " + started));
    String workers = selector.replace("SelectorManager", "Worker-");
    assertTrue(started.stream().noneMatch(n -> n.startsWith(workers)), () -> "pool threads started: " + started);
  }

  @Test
  void answersAreTakenOnTheThreadThatReadThem() throws Exception {
    // JDK 17's sendAsync hands its own future to the common pool before completing it: a thread
    // wake-up per call. The answer is taken from the body's end instead, on the selector thread.
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofMillis(100))).build());
    KnotClient client = client();
    String caller = Thread.currentThread().getName();
    List<String> completedOn = new CopyOnWriteArrayList<>();
    List<CompletableFuture<KnotCallResult>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<KnotCallResult> call = client.sendCard(600_000 + i, TestCards.jweOf(document), clock.instant().plusSeconds(15));
      calls.add(call.whenComplete((r, e) -> completedOn.add(Thread.currentThread().getName())));
    }
    for (CompletableFuture<KnotCallResult> call : calls) {
      assertEquals(Outcome.SWITCHED, call.get(20, TimeUnit.SECONDS).outcome());
    }
    // The caller's own thread only for a call that ended before its whenComplete was added.
    assertTrue(completedOn.stream().allMatch(n -> n.matches("HttpClient-\\d+-SelectorManager") || n.equals(caller)),
        () -> "answers taken on other threads: " + completedOn);
    assertTrue(completedOn.stream().anyMatch(n -> n.startsWith("HttpClient-")), () -> "none on the selector: " + completedOn);
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
  }

  @Test
  void invalidFieldIsPermanentWithKnotsCode() throws Exception {
    try (CardDocument wrongRegion = TestCards.seed001().region("ZZ").build()) {
      KnotCallResult r = send(client(), 2, TestCards.jweOf(wrongRegion), clock.instant().plusSeconds(15));
      assertEquals(Outcome.PERMANENT, r.outcome(), r.toString());
      assertEquals(400, r.httpStatus());
      KnotError e = r.knotError().orElseThrow();
      assertEquals("INVALID_REQUEST", e.errorType());
      assertEquals("INVALID_FIELD", e.errorCode());
      assertTrue(e.errorMessage().contains("user.address.region"), e.errorMessage());
      assertEquals(1, r.attempts());
    }
  }

  @Test
  void undecryptableJweIsPermanentInvalidJweAfterOneKeyRefetch() throws Exception {
    KnotClient client = client();
    KnotCallResult r = send(client, 3, key -> "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.AAAA.AAAA.AAAA.AAAA", clock.instant().plusSeconds(15));
    assertEquals(Outcome.PERMANENT, r.outcome(), r.toString());
    assertEquals("INVALID_JWE", r.knotError().orElseThrow().errorCode());
    assertEquals("INVALID_INPUT", r.knotError().orElseThrow().errorType());
    assertEquals(2, sandbox.stats().keyRequests(), "one fetch, one refetch after INVALID_JWE");
    assertEquals(1, r.attempts(), "the key did not change, so the JWE is not sent again");
  }

  @Test
  void badCredentialsAreAnAuthFailureWithoutRetry() throws Exception {
    KnotClient client = client(b -> b.knotSecret("wrong-secret"));
    assertFalse(client.authenticationFailing());
    KnotCallResult r = send(client, 4);
    assertEquals(Outcome.AUTH, r.outcome(), r.toString());
    assertEquals(401, r.httpStatus());
    assertEquals("INVALID_API_KEYS", r.knotError().orElseThrow().errorCode());
    assertEquals(0, r.attempts());
    assertEquals(1, sandbox.stats().keyRequests(), "a 401 is not retried");
    assertTrue(client.authenticationFailing());
    assertEquals(T0, client.lastAuthenticationFailure().orElseThrow());
    assertTrue(scheduler.delays().isEmpty());
  }

  @Test
  void a401ToTheCardIsAnAuthFailureWithoutRetry() throws Exception {
    KnotClient client = client(b -> b.knotSecret("revoked-secret"));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey())); // as if fetched before the secret was revoked
    KnotCallResult r = send(client, 41);
    assertEquals(Outcome.AUTH, r.outcome(), r.toString());
    assertEquals(401, r.httpStatus());
    assertEquals(1, r.attempts());
    assertTrue(r.detail().startsWith("POST /card answered HTTP 401"), r.detail());
    assertTrue(client.authenticationFailing());
    assertEquals(1, sandbox.calls(41).calls());
  }

  @Test
  void concurrentCallsAllSwitch() throws Exception {
    KnotClient client = client();
    List<CompletableFuture<KnotCallResult>> calls = new ArrayList<>();
    for (int task = 500; task < 550; task++) {
      calls.add(client.sendCard(task, TestCards.jweOf(document), clock.instant().plusSeconds(15)));
    }
    for (CompletableFuture<KnotCallResult> call : calls) {
      assertEquals(Outcome.SWITCHED, call.get(20, TimeUnit.SECONDS).outcome());
    }
    assertEquals(50, sandbox.stats().switched());
    assertTrue(sandbox.stats().keyRequests() >= 1);
  }

  @Test
  void sendCardReturnsBeforeKnotAnswers() throws Exception {
    KnotClient client = client();
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofMillis(300))).build());
    CompletableFuture<KnotCallResult> call = client.sendCard(42, TestCards.jweOf(document), clock.instant().plusSeconds(15));
    assertFalse(call.isDone(), "the caller's thread does not wait for Knot");
    assertEquals(Outcome.SWITCHED, call.get(10, TimeUnit.SECONDS).outcome());
  }

  @Test
  void serverErrorsAreRetriedUntilKnotAnswers() throws Exception {
    sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 500, 502, 503).times(2).build());
    KnotCallResult r = send(client(), 5);
    assertEquals(Outcome.SWITCHED, r.outcome(), r.toString());
    assertEquals(3, r.attempts());
    assertEquals(3, sandbox.calls(5).calls());
    assertEquals(2, scheduler.delays().size());
    // Full jitter: each delay within [0, min(cap, base * 2^(n-1))].
    assertTrue(scheduler.delays().get(0).compareTo(Duration.ofMillis(200)) <= 0, scheduler.delays().toString());
    assertTrue(scheduler.delays().get(1).compareTo(Duration.ofMillis(400)) <= 0, scheduler.delays().toString());
  }

  @Test
  void retryStopsBeforeTheDeadline() throws Exception {
    sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 503).build());
    Duration callTimeout = Duration.ofSeconds(2);
    KnotClient client = client(b -> b.knotMaxAttempts(50).knotCallTimeout(callTimeout)
        .knotBackoffBase(Duration.ofMillis(500)).knotBackoffCap(Duration.ofSeconds(3)));
    Instant deadline = T0.plusSeconds(10);
    KnotCallResult r = send(client, 6, TestCards.jweOf(document), deadline);

    assertEquals(Outcome.DEADLINE, r.outcome(), r.toString());
    assertEquals(503, r.httpStatus());
    assertTrue(r.attempts() >= 2 && r.attempts() < 50, r.toString());
    assertEquals(r.attempts(), sandbox.calls(6).calls());
    assertFalse(r.lastAttemptAt().orElseThrow().plus(callTimeout).isAfter(deadline),
        "the last retry started with a full call time-out before the deadline: " + r);
    assertEquals(r.attempts() - 1, scheduler.delays().size(), "no attempt was scheduled that did not run");
    Duration sum = scheduler.delays().stream().reduce(Duration.ZERO, Duration::plus);
    assertEquals(T0.plus(sum), r.lastAttemptAt().orElseThrow());
    assertTrue(r.detail().contains("no room for attempt " + (r.attempts() + 1)), r.detail());
  }

  @Test
  void attemptsAreBoundedByMaxAttempts() throws Exception {
    sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 500).build());
    KnotCallResult r = send(client(b -> b.knotMaxAttempts(3)), 7);
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertEquals(3, r.attempts());
    assertTrue(r.detail().contains("gave up after 3 attempts"), r.detail());
  }

  @Test
  void tooManyRequestsHonoursRetryAfterSeconds() throws Exception {
    sandbox.faults(SandboxFaults.builder().tooManyRequests(1.0, 3).times(1).build());
    KnotCallResult r = send(client(), 8);
    assertEquals(Outcome.SWITCHED, r.outcome(), r.toString());
    assertEquals(2, r.attempts());
    assertEquals(List.of(Duration.ofSeconds(3)), scheduler.delays(), "Retry-After: 3 outweighs a jitter of at most 200 ms");
    assertEquals(Duration.ofSeconds(3), Duration.between(r.firstAttemptAt().orElseThrow(), r.lastAttemptAt().orElseThrow()));
  }

  @Test
  void tooManyRequestsHonoursRetryAfterDate() throws Exception {
    try (KnotSandbox dated = KnotSandbox.builder().clock(clock).credentials(sandbox.credentials()).start()) {
      dated.faults(SandboxFaults.builder().tooManyRequests(1.0, 5).retryAfterAsDate(true).times(1).build());
      KnotClient client = KnotClient.builder(KnotClientConfig.builder().knotBaseUrl(dated.baseUrl())
              .knotCredentials(dated.credentials()).build())
          .clock(clock).scheduler(scheduler).random(new Random(1)).build();
      clients.add(client);
      KnotCallResult r = send(client, 9);
      assertEquals(Outcome.SWITCHED, r.outcome(), r.toString());
      assertEquals(List.of(Duration.ofSeconds(5)), scheduler.delays());
    }
  }

  @Test
  void retryAfterBeyondTheDeadlineEndsTheCall() throws Exception {
    sandbox.faults(SandboxFaults.builder().tooManyRequests(1.0, 30).build());
    KnotCallResult r = send(client(), 10);
    assertEquals(Outcome.DEADLINE, r.outcome(), r.toString());
    assertEquals(429, r.httpStatus());
    assertEquals(1, r.attempts());
    assertTrue(scheduler.delays().isEmpty());
  }

  @Test
  void aTimeOutAfterSendingIsNeverResentAndSaysKnotMayHaveSwitched() throws Exception {
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofSeconds(5))).build());
    KnotClient client = client(b -> b.knotCallTimeout(Duration.ofMillis(300)).knotMaxAttempts(3));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey())); // the key endpoint is not slowed; skip it anyway
    KnotCallResult r = send(client, 11);
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertEquals(0, r.httpStatus());
    assertEquals(1, r.attempts(), "a POST /card Knot may have taken is not sent again: " + r);
    assertEquals(1, sandbox.calls(11).calls());
    assertTrue(r.mayHaveSwitched(), r.toString());
    assertTrue(r.detail().contains(KnotCallResult.MAY_HAVE_SWITCHED) && r.detail().contains("KNOT_CALL_TIMEOUT=300 ms"),
        r.detail());
    assertTrue(scheduler.delays().isEmpty(), "no retry was scheduled: " + scheduler.delays());
  }

  @Test
  void aTimeOutCutShortByTheDeadlineIsNotAKnotFailureAndSaysKnotMayHaveSwitched() throws Exception {
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofSeconds(2))).build());
    KnotClient client = client(b -> b.knotCallTimeout(Duration.ofSeconds(3)).knotMaxAttempts(3)
        .knotCircuitWindow(2).knotCircuitMinimumCalls(2).knotCircuitFailureRate(50));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
    for (long task = 300; task < 304; task++) {
      // The test clock stands still: 250 ms of the window are left, shorter than the 3 s call time-out.
      KnotCallResult r = send(client, task, TestCards.jweOf(document), clock.instant().plusMillis(250));
      assertEquals(Outcome.DEADLINE, r.outcome(), r.toString());
      assertEquals(1, r.attempts(), r.toString());
      assertTrue(r.mayHaveSwitched(), r.toString());
      assertTrue(r.detail().contains(KnotCallResult.MAY_HAVE_SWITCHED) && r.detail().contains("250 ms left before the deadline"),
          r.detail());
    }
    assertEquals(CircuitBreaker.State.CLOSED, client.circuitState(), "calls our own deadline cut short are not Knot's failures");
    assertEquals(0, client.circuitBreaker.getMetrics().getNumberOfFailedCalls());
    sandbox.faults(SandboxFaults.NONE);
    assertEquals(Outcome.SWITCHED, send(client, 304).outcome());
  }

  @Test
  void timeOutsOfTheFullCallTimeOutOpenTheCircuit() throws Exception {
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofSeconds(2))).build());
    KnotClient client = client(b -> b.knotCallTimeout(Duration.ofMillis(250)).knotMaxAttempts(3)
        .knotCircuitWindow(2).knotCircuitMinimumCalls(2).knotCircuitFailureRate(50));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
    try (dev.cardswitch.testing.LogCapture logs = dev.cardswitch.testing.LogCapture.capture()) {
      for (long task = 310; task < 312; task++) {
        KnotCallResult r = send(client, task);
        assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
        assertTrue(r.mayHaveSwitched(), r.toString());
      }
      assertTrue(logs.text().contains("Knot circuit breaker CLOSED -> OPEN"), "an SRE sees the circuit open: " + logs.text());
    }
    assertEquals(CircuitBreaker.State.OPEN, client.circuitState(), "Knot not answering within KNOT_CALL_TIMEOUT is Knot failing");
    assertEquals(0, send(client, 312).attempts(), "an open circuit does not call Knot");
  }

  @Test
  void aConnectionErrorAfterSendingIsNeverResent() throws Exception {
    try (RecordingServer dropping = RecordingServer.closingEveryConnection()) {
      KnotClient client = KnotClient.builder(KnotClientConfig.builder().knotBaseUrl(dropping.url(""))
              .knotCredentials(sandbox.credentials()).knotMaxAttempts(3).build())
          .clock(clock).scheduler(scheduler).random(new Random(3)).build();
      clients.add(client);
      client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
      KnotCallResult r = send(client, 13);
      assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
      assertEquals(1, r.attempts(), r.toString());
      assertEquals(1, dropping.requests().size(), "the request reached the server once and was not sent again");
      assertTrue(r.mayHaveSwitched() && r.detail().contains("connection error"), r.toString());
    }
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    KnotClient client = client(b -> b.knotMaxAttempts(2));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
    sandbox.faults(SandboxFaults.builder().outage(SandboxFaults.Outage.REFUSE).build());
    KnotCallResult r = send(client, 12);
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertEquals(2, r.attempts());
    assertTrue(r.detail().contains("connection refused"), r.detail());
    sandbox.faults(SandboxFaults.NONE);
    assertEquals(Outcome.SWITCHED, send(client, 12).outcome());
  }

  @Test
  void aServiceUnavailableOutageIsRetriedAndReported() throws Exception {
    sandbox.faults(SandboxFaults.builder().outage(SandboxFaults.Outage.UNAVAILABLE).build());
    KnotCallResult r = send(client(b -> b.knotMaxAttempts(2)), 13);
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertEquals(503, r.httpStatus());
    assertEquals(0, r.attempts(), "the key could not be fetched, so no card was posted");
  }

  @Test
  void circuitOpensAfterABurstOfServerErrorsAndHalfOpensLater() throws Exception {
    KnotClient client = client(b -> b.knotMaxAttempts(1).knotCircuitWindow(4).knotCircuitMinimumCalls(4)
        .knotCircuitFailureRate(50).knotCircuitOpenWait(Duration.ofSeconds(30)).knotCircuitHalfOpenCalls(1));
    List<CircuitBreaker.StateTransition> transitions = new CopyOnWriteArrayList<>();
    client.circuitBreaker.getEventPublisher().onStateTransition(e -> transitions.add(e.getStateTransition()));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
    sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 502).build());
    for (int task = 100; task < 104; task++) {
      assertEquals(Outcome.UNAVAILABLE, send(client, task).outcome());
    }
    assertEquals(CircuitBreaker.State.OPEN, client.circuitState());

    KnotCallResult shed = send(client, 104);
    assertEquals(Outcome.UNAVAILABLE, shed.outcome());
    assertEquals(0, shed.attempts(), "an open circuit does not call Knot");
    assertTrue(shed.detail().contains("circuit breaker OPEN"), shed.detail());
    assertEquals(4, sandbox.stats().cardRequests());

    sandbox.faults(SandboxFaults.NONE);
    clock.advance(Duration.ofSeconds(29));
    assertEquals(0, send(client, 105).attempts(), "still open before the wait is over");
    clock.advance(Duration.ofSeconds(2));
    KnotCallResult probe = send(client, 106);
    assertEquals(Outcome.SWITCHED, probe.outcome(), probe.toString());
    assertEquals(List.of(CircuitBreaker.StateTransition.CLOSED_TO_OPEN, CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN,
        CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED), transitions);
  }

  @Test
  void clientErrorsDoNotOpenTheCircuit() throws Exception {
    KnotClient client = client(b -> b.knotCircuitWindow(2).knotCircuitMinimumCalls(2));
    try (CardDocument bad = TestCards.seed001().cvv("12").build()) {
      for (int i = 0; i < 4; i++) {
        assertEquals(Outcome.PERMANENT, send(client, 200 + i, TestCards.jweOf(bad), clock.instant().plusSeconds(15)).outcome());
      }
    }
    assertEquals(CircuitBreaker.State.CLOSED, client.circuitState());
  }

  @Test
  void crossOriginRedirectIsNeverFollowed() throws Exception {
    try (RecordingServer other = new RecordingServer()) {
      sandbox.faults(SandboxFaults.builder().crossOriginRedirect(other.url("/card")).build());
      KnotCallResult r = send(client(), 14);
      assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
      assertEquals(307, r.httpStatus());
      assertTrue(r.detail().contains("another origin"), r.detail());
      assertEquals(1, r.attempts());
      assertTrue(other.requests().isEmpty(), "the other origin received " + other.requests());
    }
  }

  @Test
  void crossOriginRedirectOfTheKeyFetchIsNeverFollowed() throws Exception {
    try (RecordingServer other = new RecordingServer()) {
      KnotClient client = KnotClient.builder(KnotClientConfig.builder().knotBaseUrl(other.url("/"))
          .knotCredentials(sandbox.credentials()).build()).clock(clock).scheduler(scheduler).build();
      clients.add(client);
      // The recording server itself redirects GET /jwe/key to the sandbox: another origin.
      other.redirectTo(sandbox.baseUrl().resolve("/jwe/key"));
      KnotKeyFetch fetch = client.fetchKey().get(10, TimeUnit.SECONDS);
      assertTrue(fetch.acceptedKey().isEmpty());
      assertTrue(fetch.problem().contains("another origin"), fetch.problem());
      assertEquals(0, sandbox.stats().keyRequests());
    }
  }

  @Test
  void sameOriginRedirectIsFollowedWithMethodAndBody() throws Exception {
    sandbox.faults(SandboxFaults.builder().sameOriginRedirect().build());
    KnotCallResult r = send(client(), 15);
    assertEquals(Outcome.SWITCHED, r.outcome(), r.toString());
    assertEquals(1, r.attempts());
    assertEquals(1, sandbox.calls(15).successes());
  }

  @Test
  void redirectsBeyondTheLimitAreNotFollowed() throws Exception {
    sandbox.faults(SandboxFaults.builder().sameOriginRedirect().build());
    KnotCallResult r = send(client(b -> b.knotMaxRedirects(0)), 16);
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertTrue(r.detail().contains("KNOT_MAX_REDIRECTS"), r.detail());
    assertEquals(0, sandbox.calls(16).calls());
  }

  @Test
  void a302ToAPostIsNotFollowed() throws Exception {
    sandbox.faults(SandboxFaults.builder().sameOriginRedirect().redirectStatus(302).build());
    KnotCallResult r = send(client(), 17);
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertEquals(302, r.httpStatus());
    assertTrue(r.detail().contains("only 307 and 308"), r.detail());
  }

  @Test
  void keyRotationIsRecoveredByExactlyOneRefetch() throws Exception {
    KnotClient client = client();
    assertEquals(Outcome.SWITCHED, send(client, 18).outcome());
    String oldKid = sandbox.currentKid();
    String newKid = sandbox.rotateKey();

    TestCards.Recording jwe = new TestCards.Recording(TestCards.jweOf(document));
    KnotCallResult r = send(client, 19, jwe, clock.instant().plusSeconds(15));
    assertEquals(Outcome.SWITCHED, r.outcome(), r.toString());
    assertEquals(2, r.attempts());
    assertEquals(List.of(oldKid, newKid), jwe.keys().stream().map(KnotJwk::kid).toList());
    assertEquals(2, sandbox.stats().keyRequests(), "the first fetch, then one refetch");
    assertEquals(2, sandbox.calls(19).calls());
    assertTrue(scheduler.delays().isEmpty(), "the refetch is part of the attempt, not a retry");
  }

  @Test
  void theKeyIsCachedAndRefreshedAfterItsTtl() throws Exception {
    KnotClient client = client(b -> b.knotKeyTtl(Duration.ofMinutes(10)));
    for (int i = 0; i < 3; i++) {
      assertEquals(Outcome.SWITCHED, send(client, 20 + i).outcome());
    }
    assertEquals(1, sandbox.stats().keyRequests());
    clock.advance(Duration.ofMinutes(10));
    assertEquals(Outcome.SWITCHED, send(client, 23).outcome());
    assertEquals(2, sandbox.stats().keyRequests());
  }

  @Test
  void theRateLimiterShedsCallsBeyondTheAllowance() throws Exception {
    KnotClient client = client(b -> b.knotRateLimitPerSecond(2).knotRateLimitMaxWait(Duration.ZERO).knotMaxAttempts(1));
    assertEquals(Outcome.SWITCHED, send(client, 24).outcome());
    assertEquals(Outcome.SWITCHED, send(client, 25).outcome());
    KnotCallResult third = send(client, 26);
    assertEquals(Outcome.UNAVAILABLE, third.outcome(), third.toString());
    assertTrue(third.detail().contains("KNOT_RATE_LIMIT_PER_SECOND=2"), third.detail());
    assertEquals(0, third.attempts());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Outcome.SWITCHED, send(client, 27).outcome(), "a new second, new permits");
  }

  @Test
  void theRateLimiterDelaysACallByScheduling() throws Exception {
    KnotClient client = client(b -> b.knotRateLimitPerSecond(1).knotRateLimitMaxWait(Duration.ofSeconds(2)));
    assertEquals(Outcome.SWITCHED, send(client, 28).outcome());
    KnotCallResult second = send(client, 29);
    assertEquals(Outcome.SWITCHED, second.outcome(), second.toString());
    assertEquals(1, scheduler.delays().size());
    assertTrue(second.firstAttemptAt().orElseThrow().isAfter(T0), "the attempt waited for the next permit");
  }

  @Test
  void theBulkheadBoundsCallsInFlight() throws Exception {
    KnotClient client = client(b -> b.knotMaxInFlight(1).knotMaxAttempts(1));
    client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
    sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofMillis(500))).build());
    CompletableFuture<KnotCallResult> slow = client.sendCard(30, TestCards.jweOf(document), clock.instant().plusSeconds(15));
    KnotCallResult rejected = send(client, 31);
    assertEquals(Outcome.UNAVAILABLE, rejected.outcome(), rejected.toString());
    assertTrue(rejected.detail().contains("KNOT_MAX_IN_FLIGHT=1"), rejected.detail());
    assertEquals(Outcome.SWITCHED, slow.get(10, TimeUnit.SECONDS).outcome());
  }

  @Test
  void aPassedDeadlineMakesNoAttempt() throws Exception {
    KnotCallResult r = send(client(), 32, TestCards.jweOf(document), T0);
    assertEquals(Outcome.DEADLINE, r.outcome());
    assertEquals(0, r.attempts());
    assertEquals(0, sandbox.stats().keyRequests() + sandbox.stats().cardRequests());
  }

  @Test
  void aFailureToBuildTheJweFailsTheFuture() {
    IllegalStateException boom = new IllegalStateException("no document");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client().sendCard(33, key -> { throw boom; }, clock.instant().plusSeconds(15)).get(10, TimeUnit.SECONDS));
    assertSame(boom, e.getCause());
    assertEquals(0, sandbox.calls(33).calls());
  }

  @Test
  void theJweIsBuiltOncePerKeyAcrossRetries() throws Exception {
    sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 500).times(2).build());
    TestCards.Recording jwe = new TestCards.Recording(TestCards.jweOf(document));
    KnotCallResult r = send(client(), 34, jwe, clock.instant().plusSeconds(15));
    assertEquals(Outcome.SWITCHED, r.outcome());
    assertEquals(3, r.attempts());
    assertEquals(1, jwe.keys().size());
  }

  @Test
  void fetchKeyReportsAnAcceptableKeyAndCachesIt() throws Exception {
    KnotClient client = client();
    KnotKeyFetch fetch = client.fetchKey().get(10, TimeUnit.SECONDS);
    assertEquals(200, fetch.httpStatus());
    assertEquals(sandbox.currentKid(), fetch.acceptedKey().orElseThrow().kid());
    assertEquals(Outcome.SWITCHED, send(client, 35).outcome());
    assertEquals(1, sandbox.stats().keyRequests(), "sendCard used the key fetchKey cached");
    assertNotEquals(0, fetch.body().length());
  }
}
