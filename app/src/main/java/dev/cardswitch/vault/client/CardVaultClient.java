package dev.cardswitch.vault.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.vault.CardVault;
import dev.cardswitch.vault.CardVaultException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The card-vault client: {@link CardVault} over the JDK's asynchronous {@link HttpClient}, guarded by a
 * Resilience4j circuit breaker and retry, speaking {@link VaultProtocol}.
 *
 * <p>One lookup: get the platform's public key ({@link PlatformKeyCache}); generate a one-use P-256
 * key pair; encrypt the card token to the platform's key (seed 003: request elements that cannot
 * travel in clear are JWEs {@code ECDH-ES}/{@code A256GCM} with the platform's {@code kid}); post it
 * with the one-use public key; check that the answer is a JWE {@code ECDH-ES}/{@code A256GCM} whose
 * {@code kid} is the one-use key's, and open it with the one-use private key. That private key lives
 * only in the lookup's local variables: it is never stored, logged or sent, and a retry makes a new
 * one. If the platform answers {@code UNKNOWN_KID} (it rotated its key), the key is fetched again and
 * the attempt repeated once.
 *
 * <p>Retries: a card-details lookup reads and changes nothing, so it is safe to repeat, even after a
 * time-out. A 5xx, 408, 429, a connection failure and a time-out are retried (full-jitter back-off,
 * {@link CardVaultClientConfig#BACKOFF_BASE} doubling up to {@link CardVaultClientConfig#BACKOFF_CAP})
 * only if the retry can start with a full {@code CARD_VAULT_CALL_TIMEOUT} before the switch's deadline:
 * the card still has to reach Knot afterwards. Each attempt's time-out is {@code min(CARD_VAULT_CALL_TIMEOUT,
 * deadline − now)}; a time-out cut short by the deadline ends the lookup as {@code DEADLINE_EXCEEDED}
 * (the window closed; the vault may be healthy) and is not counted against the platform by the circuit
 * breaker; every other final failure is {@code CARD_VAULT_UNAVAILABLE}.
 *
 * <p>Redirects are never followed (the platform's address is configured, not discovered), so the
 * credentials and the encrypted token go only to {@code CARD_VAULT_BASE_URL}'s origin. Messages never
 * hold the card token, card data or the secret.
 *
 * <p>Thread-safe. One instance per process and platform account.
 */
public final class CardVaultClient implements CardVault, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CardVaultClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one attempt came to: the clear document, or a failure, and whether to try again after {@code retryIn}. */
  private record Step(byte[] document, CardVaultException failure, Duration retryIn) {
    static Step ok(byte[] document) {
      return new Step(document, null, null);
    }

    static Step fail(CardVaultException failure) {
      return new Step(null, failure, null);
    }
  }

  private final CardVaultClientConfig config;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final HttpClient http;
  private final PlatformKeyCache keys;
  private final CircuitBreaker circuitBreaker;
  private final Retry retry;
  private final URI detailsUri;
  private final URI keyUri;

  public CardVaultClient(CardVaultClientConfig config) {
    this(config, Clock.systemUTC(), null);
  }

  /**
   * @param clock the clock of every time decision (deadline, back-off, circuit breaker)
   * @param scheduler runs retries after their back-off; null: a daemon thread of this client's own
   */
  public CardVaultClient(CardVaultClientConfig config, Clock clock, ScheduledExecutorService scheduler) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ownsScheduler = scheduler == null;
    this.scheduler = scheduler != null ? scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "card-vault-client-scheduler");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(config.callTimeout())
        .build();
    this.detailsUri = config.endpoint(VaultProtocol.CARD_DETAILS_PATH);
    this.keyUri = config.endpoint(VaultProtocol.PUBLIC_KEY_PATH);
    this.keys = new PlatformKeyCache(this::fetchPublicKey);
    this.circuitBreaker = CircuitBreaker.of("card-vault", CircuitBreakerConfig.custom()
        .clock(clock)
        .slidingWindow(CardVaultClientConfig.CIRCUIT_WINDOW, CardVaultClientConfig.CIRCUIT_MINIMUM_CALLS,
            CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(CardVaultClientConfig.CIRCUIT_FAILURE_RATE)
        .waitDurationInOpenState(CardVaultClientConfig.CIRCUIT_OPEN_WAIT)
        .build());
    this.circuitBreaker.getEventPublisher().onStateTransition(event -> LOG.warn(
        "card vault circuit breaker {}: lookups meanwhile become CARD_VAULT_UNAVAILABLE dead letters",
        event.getStateTransition()));
    this.retry = Retry.of("card-vault", RetryConfig.<Step>custom()
        .maxAttempts(config.maxAttempts())
        .retryOnResult(step -> step.retryIn() != null)
        .retryOnException(e -> false)
        .intervalBiFunction((attempt, either) -> either.isRight() && either.get().retryIn() != null
            ? either.get().retryIn().toMillis() : 0L)
        .build());
  }

  @Override
  public CompletableFuture<byte[]> cardDocument(String cardToken, Instant deadline) {
    Objects.requireNonNull(cardToken, "cardToken");
    Objects.requireNonNull(deadline, "deadline");
    int[] attempts = {0};
    return Retry.decorateCompletionStage(retry, scheduler, () -> attempt(cardToken, deadline, ++attempts[0], false))
        .get()
        .toCompletableFuture()
        .thenApply(step -> {
          if (step.failure() != null) {
            throw step.failure();
          }
          return step.document();
        });
  }

  /** The circuit breaker's state, for health reports. */
  public CircuitBreaker.State circuitState() {
    return circuitBreaker.getState();
  }

  public CardVaultClientConfig config() {
    return config;
  }

  private CompletableFuture<Step> attempt(String cardToken, Instant deadline, int attempt, boolean afterRotation) {
    Instant now = clock.instant();
    if (!now.isBefore(deadline)) {
      return CompletableFuture.completedFuture(Step.fail(new CardVaultException(DeadLetterReason.DEADLINE_EXCEEDED,
          "the window closed before the card vault could be asked (attempt " + attempt + "); Knot was not called")));
    }
    if (!circuitBreaker.tryAcquirePermission()) {
      return CompletableFuture.completedFuture(Step.fail(new CardVaultException(DeadLetterReason.CARD_VAULT_UNAVAILABLE,
          "the card vault's circuit breaker is open (most recent lookups failed); no lookup is sent for "
              + CardVaultClientConfig.CIRCUIT_OPEN_WAIT.toSeconds() + " s: check the card-management platform at "
              + config.baseUrl())));
    }
    return keys.get()
        .handle((platformKey, keyError) -> {
          if (keyError != null) {
            circuitBreaker.onError(0, java.util.concurrent.TimeUnit.NANOSECONDS, keyError);
            return CompletableFuture.completedFuture(retryOrFail(failureOf(keyError), deadline, attempt));
          }
          return exchange(cardToken, deadline, attempt, afterRotation, platformKey);
        })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Step> exchange(String cardToken, Instant deadline, int attempt, boolean afterRotation,
      ECKey platformKey) {
    ECKey oneUse;
    byte[] body;
    try {
      oneUse = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.ENCRYPTION).generate();
      byte[] token = cardToken.getBytes(StandardCharsets.UTF_8);
      ObjectNode request = JSON.createObjectNode();
      request.put(VaultProtocol.ENCRYPTED_CARD_TOKEN, new EnvelopeEncrypter(platformKey).encrypt(token));
      request.set(VaultProtocol.PUBLIC_KEY, JSON.valueToTree(oneUse.toPublicJWK().toJSONObject()));
      body = JSON.writeValueAsBytes(request);
    } catch (JOSEException | IOException | RuntimeException e) {
      circuitBreaker.releasePermission();
      return CompletableFuture.failedFuture(new CardVaultException(DeadLetterReason.CARD_VAULT_UNAVAILABLE,
          "could not build the card vault request: " + e.getClass().getSimpleName(), null, e));
    }
    Duration left = Duration.between(clock.instant(), deadline);
    boolean cutByDeadline = left.compareTo(config.callTimeout()) < 0;
    Duration timeout = cutByDeadline ? left : config.callTimeout();
    if (timeout.isNegative() || timeout.isZero()) {
      circuitBreaker.releasePermission();
      return CompletableFuture.completedFuture(Step.fail(new CardVaultException(DeadLetterReason.DEADLINE_EXCEEDED,
          "the window closed before the card vault could be asked; Knot was not called")));
    }
    HttpRequest request = HttpRequest.newBuilder(detailsUri)
        .timeout(timeout)
        .header("Authorization", config.credentials().basicAuthorization())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    long started = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, failure) -> {
          long took = System.nanoTime() - started;
          if (failure != null) {
            Throwable cause = unwrap(failure);
            if (cause instanceof HttpTimeoutException && cutByDeadline) {
              // The window, not the platform, ended it: not the platform's failure.
              circuitBreaker.releasePermission();
              return CompletableFuture.completedFuture(Step.fail(new CardVaultException(DeadLetterReason.DEADLINE_EXCEEDED,
                  "the card vault did not answer within the " + timeout.toMillis() + " ms left of the window (attempt "
                      + attempt + "); Knot was not called: the platform is slow, see its latency")));
            }
            circuitBreaker.onError(took, java.util.concurrent.TimeUnit.NANOSECONDS, cause);
            String what = cause instanceof HttpTimeoutException
                ? "did not answer within CARD_VAULT_CALL_TIMEOUT (" + config.callTimeout().toMillis() + " ms)"
                : "could not be reached (" + cause.getClass().getSimpleName() + ")";
            return CompletableFuture.completedFuture(retryOrFail(unavailable(
                "the card vault at " + config.baseUrl() + " " + what + " on attempt " + attempt, null), deadline, attempt));
          }
          return answer(response, took, cardToken, deadline, attempt, afterRotation, platformKey, oneUse);
        })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Step> answer(HttpResponse<byte[]> response, long took, String cardToken, Instant deadline,
      int attempt, boolean afterRotation, ECKey platformKey, ECKey oneUse) {
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      circuitBreaker.onError(took, java.util.concurrent.TimeUnit.NANOSECONDS,
          new IOException("HTTP " + status));
      return CompletableFuture.completedFuture(retryOrFail(
          unavailable("the card vault answered HTTP " + status + " on attempt " + attempt, status), deadline, attempt));
    }
    circuitBreaker.onSuccess(took, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (status == 200) {
      return CompletableFuture.completedFuture(open(response.body(), oneUse));
    }
    String errorCode = errorCode(response.body());
    if (status == 404) {
      return CompletableFuture.completedFuture(Step.fail(new CardVaultException(DeadLetterReason.CARD_NOT_FOUND,
          "the card-management platform does not know the card reference's card_token (HTTP 404"
              + (errorCode == null ? "" : " " + printable(errorCode)) + "): load the card into the platform or correct the"
              + " card reference's card_token, then replay", status, null)));
    }
    if (status == 400 && VaultProtocol.UNKNOWN_KID.equals(errorCode)) {
      if (afterRotation) {
        return CompletableFuture.completedFuture(Step.fail(unavailable("the card vault refused its own freshly"
            + " fetched key id " + platformKey.getKeyID() + " (UNKNOWN_KID twice): check the platform's key rotation",
            status)));
      }
      keys.invalidate(platformKey.getKeyID());
      return attempt(cardToken, deadline, attempt, true);
    }
    if (status == 401 || status == 403) {
      return CompletableFuture.completedFuture(Step.fail(unavailable("the card vault refused card-switch's"
          + " credentials (HTTP " + status + "): check CARD_VAULT_CLIENT_ID and CARD_VAULT_SECRET", status)));
    }
    if (status >= 300 && status < 400) {
      return CompletableFuture.completedFuture(Step.fail(unavailable("the card vault answered with a redirect (HTTP "
          + status + "), not followed: credentials and card tokens go only to CARD_VAULT_BASE_URL; set it to the"
          + " platform's final address", status)));
    }
    return CompletableFuture.completedFuture(Step.fail(unavailable("the card vault rejected the lookup (HTTP " + status
        + (errorCode == null ? "" : " " + printable(errorCode)) + "): check CARD_VAULT_BASE_URL and the platform's API version",
        status)));
  }

  /** Opens the platform's answer with the one-use key; anything but a well-formed JWE to that key is refused. */
  private static Step open(byte[] body, ECKey oneUse) {
    String compact;
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode field = node == null ? null : node.get(VaultProtocol.ENCRYPTED_CARD_DETAILS);
      compact = field == null || !field.isTextual() ? null : field.asText();
    } catch (IOException e) {
      compact = null;
    }
    if (compact == null || compact.length() > VaultProtocol.MAX_JWE_CHARS) {
      return Step.fail(invalid("has no " + VaultProtocol.ENCRYPTED_CARD_DETAILS + " JWE (or one over "
          + VaultProtocol.MAX_JWE_CHARS + " characters)"));
    }
    JWEObject jwe;
    try {
      jwe = JWEObject.parse(compact);
    } catch (java.text.ParseException e) {
      return Step.fail(invalid("is not a JWE compact serialization"));
    }
    JWEHeader header = jwe.getHeader();
    if (!JWEAlgorithm.ECDH_ES.equals(header.getAlgorithm()) || !EncryptionMethod.A256GCM.equals(header.getEncryptionMethod())) {
      return Step.fail(invalid("uses alg " + header.getAlgorithm() + " / enc " + header.getEncryptionMethod()
          + ": seed 003's scheme is ECDH-ES with A256GCM"));
    }
    if (!oneUse.getKeyID().equals(header.getKeyID())) {
      return Step.fail(invalid("names kid " + printable(header.getKeyID())
          + ", not the one-use key sent with the request: it was encrypted to another key"));
    }
    try {
      jwe.decrypt(new ECDHDecrypter(oneUse));
    } catch (JOSEException e) {
      return Step.fail(invalid("does not open with the one-use key sent with the request: it was encrypted to"
          + " another key or altered on the way"));
    }
    byte[] clear = jwe.getPayload().toBytes();
    return Step.ok(clear);
  }

  private static CardVaultException invalid(String what) {
    return new CardVaultException(DeadLetterReason.CARD_VAULT_RESPONSE_INVALID,
        "the card vault's answer " + what + "; Knot was not called: check the card-management platform's"
            + " encryption (seed 003 response flow), then replay");
  }

  private static CardVaultException unavailable(String message, Integer status) {
    return new CardVaultException(DeadLetterReason.CARD_VAULT_UNAVAILABLE, message, status, null);
  }

  /** A retryable failure: retried after a full-jitter back-off if a full attempt still fits before the deadline. */
  private Step retryOrFail(CardVaultException failure, Instant deadline, int attempt) {
    long capMillis = Math.min(CardVaultClientConfig.BACKOFF_CAP.toMillis(),
        CardVaultClientConfig.BACKOFF_BASE.toMillis() << Math.min(attempt, 10));
    Duration backoff = Duration.ofMillis(ThreadLocalRandom.current().nextLong(capMillis + 1));
    if (attempt >= config.maxAttempts()) {
      return Step.fail(failure);
    }
    if (clock.instant().plus(backoff).plus(config.callTimeout()).isAfter(deadline)) {
      // Not DEADLINE_EXCEEDED: the platform failed; the window only leaves no room to ask it again.
      return Step.fail(new CardVaultException(failure.deadLetterReason(), failure.getMessage()
          + "; no further attempt fits in the window (each needs CARD_VAULT_CALL_TIMEOUT)", failure.httpStatus(), null));
    }
    return new Step(null, failure, backoff);
  }

  private static CardVaultException failureOf(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof CardVaultException v ? v
        : unavailable("the card vault's public key could not be fetched (" + cause.getClass().getSimpleName() + ")", null);
  }

  private CompletableFuture<byte[]> fetchPublicKey() {
    HttpRequest request = HttpRequest.newBuilder(keyUri)
        .timeout(config.callTimeout())
        .header("Authorization", config.credentials().basicAuthorization())
        .header("Accept", "application/json")
        .GET()
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
      if (failure != null) {
        throw unavailable("the card vault's public key (GET " + VaultProtocol.PUBLIC_KEY_PATH + ") could not be fetched from "
            + config.baseUrl() + " (" + unwrap(failure).getClass().getSimpleName() + ")", null);
      }
      if (response.statusCode() != 200) {
        throw unavailable("the card vault answered HTTP " + response.statusCode() + " to GET " + VaultProtocol.PUBLIC_KEY_PATH
            + (response.statusCode() == 401 || response.statusCode() == 403
                ? ": check CARD_VAULT_CLIENT_ID and CARD_VAULT_SECRET" : ""), response.statusCode());
      }
      return response.body();
    });
  }

  private static String errorCode(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode code = node == null ? null : node.get(VaultProtocol.ERROR_CODE);
      return code != null && code.isTextual() ? code.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A value from the platform fit for a message: quoted, cut, without control characters. */
  private static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof java.util.concurrent.ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  @Override
  public void close() {
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "CardVaultClient[" + config + "]";
  }
}
