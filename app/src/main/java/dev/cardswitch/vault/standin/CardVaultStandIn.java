package dev.cardswitch.vault.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.vault.client.CardVaultCredentials;
import dev.cardswitch.vault.client.VaultProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the issuer's card-management platform, for the embedded default, the demo and tests:
 * a real HTTP server on 127.0.0.1 implementing both endpoints of {@link VaultProtocol} (the Encryption
 * Utilities' public key, and the card-details lookup that answers with the card document encrypted to
 * the caller's one-use key, seed 003), holding card documents by token, with faults to inject: latency,
 * 5xx answers, answers encrypted to another key, tampered answers, and key rotation.
 *
 * <p>Delayed answers are sent from a scheduler, not by a sleeping thread. The stand-in holds card
 * documents in clear in memory (it plays the platform) and never logs them or the tokens.
 *
 * <p>Thread-safe.
 */
public final class CardVaultStandIn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CardVaultStandIn.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CardVaultCredentials credentials;
  private final Map<String, byte[]> cards = new ConcurrentHashMap<>();
  private final AtomicReference<ECKey> key = new AtomicReference<>();
  private final AtomicInteger keyGeneration = new AtomicInteger();
  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicInteger keyFetches = new AtomicInteger();
  private final AtomicInteger unknownKidAnswers = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private volatile Duration latency = Duration.ZERO;
  private volatile boolean encryptToAnotherKey;
  private volatile boolean tamper;
  private final ExecutorService handlers;
  private final ScheduledExecutorService delays;
  private final HttpServer server;

  private CardVaultStandIn(CardVaultCredentials credentials, int port) {
    this.credentials = credentials;
    rotateKey();
    this.handlers = Executors.newFixedThreadPool(4, daemon("card-vault-standin-http"));
    this.delays = Executors.newSingleThreadScheduledExecutor(daemon("card-vault-standin-delays"));
    try {
      this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    } catch (IOException e) {
      throw new UncheckedIOException("the card vault stand-in could not listen on 127.0.0.1:" + port, e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(handlers);
    server.start();
    LOG.info("Card vault stand-in listening on {}", baseUrl());
  }

  /** Starts a stand-in on a free port of 127.0.0.1 with generated credentials. */
  public static CardVaultStandIn start() {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    return start(new CardVaultCredentials("card-switch-dev",
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret)), 0);
  }

  /** Starts a stand-in taking {@code credentials} on {@code port} of 127.0.0.1 (0: any free port). */
  public static CardVaultStandIn start(CardVaultCredentials credentials, int port) {
    return new CardVaultStandIn(credentials, port);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public CardVaultCredentials credentials() {
    return credentials;
  }

  /** Holds a card document (Knot's {@code {user, card}} JSON, copied) under {@code token}. */
  public void putCard(String token, byte[] documentJson) {
    cards.put(token, documentJson.clone());
  }

  /** Generates a new platform key; lookups encrypted to the previous kid are answered {@code UNKNOWN_KID}. */
  public String rotateKey() {
    try {
      ECKey next = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.ENCRYPTION)
          .keyID("card-vault-key-" + keyGeneration.incrementAndGet()).generate();
      key.set(next);
      return next.getKeyID();
    } catch (JOSEException e) {
      throw new IllegalStateException("could not generate the stand-in's key", e);
    }
  }

  public String currentKid() {
    return key.get().getKeyID();
  }

  /** The next {@code count} lookups are answered {@code status} (a 5xx) without looking. */
  public void failNext(int count, int status) {
    this.failureStatus = status;
    this.failuresLeft.set(count);
  }

  /** Every answer waits this long before it is sent (0: none). */
  public void latency(Duration latency) {
    this.latency = latency;
  }

  /** Answers encrypted to a key other than the caller's (with the caller's kid in the header). */
  public void encryptToAnotherKey(boolean on) {
    this.encryptToAnotherKey = on;
  }

  /** Answers whose ciphertext is altered after encryption. */
  public void tamper(boolean on) {
    this.tamper = on;
  }

  public int lookups() {
    return lookups.get();
  }

  public int keyFetches() {
    return keyFetches.get();
  }

  public int unknownKidAnswers() {
    return unknownKidAnswers.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    boolean lookup = "POST".equals(exchange.getRequestMethod())
        && VaultProtocol.CARD_DETAILS_PATH.equals(exchange.getRequestURI().getPath());
    Answer answer = route(exchange, lookup);
    Duration delay = latency;
    if (lookup && !delay.isZero() && !delay.isNegative()) {
      later(exchange, delay, answer); // the scheduled send closes the exchange
      return;
    }
    try (exchange) {
      send(exchange, answer.status(), answer.body());
    }
  }

  private Answer route(HttpExchange exchange, boolean lookup) throws IOException {
    if (!credentials.matchesAuthorization(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return new Answer(401, error("UNAUTHORIZED"));
    }
    if ("GET".equals(exchange.getRequestMethod()) && VaultProtocol.PUBLIC_KEY_PATH.equals(exchange.getRequestURI().getPath())) {
      keyFetches.incrementAndGet();
      return new Answer(200, key.get().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
    }
    if (!lookup) {
      return new Answer(404, error("NOT_FOUND"));
    }
    lookups.incrementAndGet();
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(256 * 1024);
    }
    return cardDetails(body);
  }

  private record Answer(int status, byte[] body) {}

  private Answer cardDetails(byte[] body) {
    if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
      return new Answer(failureStatus, error("UNAVAILABLE"));
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      return new Answer(400, error("INVALID_REQUEST"));
    }
    JsonNode tokenJwe = request == null ? null : request.get(VaultProtocol.ENCRYPTED_CARD_TOKEN);
    JsonNode publicKey = request == null ? null : request.get(VaultProtocol.PUBLIC_KEY);
    if (tokenJwe == null || !tokenJwe.isTextual() || publicKey == null || !publicKey.isObject()) {
      return new Answer(400, error("INVALID_REQUEST"));
    }
    ECKey current = key.get();
    String token;
    try {
      JWEObject jwe = JWEObject.parse(tokenJwe.asText());
      if (!current.getKeyID().equals(jwe.getHeader().getKeyID())) {
        unknownKidAnswers.incrementAndGet();
        return new Answer(400, error(VaultProtocol.UNKNOWN_KID));
      }
      if (!JWEAlgorithm.ECDH_ES.equals(jwe.getHeader().getAlgorithm())
          || !EncryptionMethod.A256GCM.equals(jwe.getHeader().getEncryptionMethod())) {
        return new Answer(400, error("INVALID_ENCRYPTION"));
      }
      jwe.decrypt(new ECDHDecrypter(current));
      token = jwe.getPayload().toString();
    } catch (java.text.ParseException | JOSEException e) {
      return new Answer(400, error("INVALID_ENCRYPTION"));
    }
    ECKey callerKey;
    try {
      JWK jwk = JWK.parse(JSON.writeValueAsString(publicKey));
      if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || ec.isPrivate() || ec.getKeyID() == null) {
        return new Answer(400, error("INVALID_PUBLIC_KEY"));
      }
      callerKey = ec;
    } catch (java.text.ParseException | IOException e) {
      return new Answer(400, error("INVALID_PUBLIC_KEY"));
    }
    byte[] card = cards.get(token);
    if (card == null) {
      return new Answer(404, error(VaultProtocol.CARD_NOT_FOUND));
    }
    try {
      ECKey to = encryptToAnotherKey
          ? new ECKeyGenerator(Curve.P_256).keyID(callerKey.getKeyID()).generate().toPublicJWK()
          : callerKey;
      JWEObject answer = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM)
          .keyID(callerKey.getKeyID()).build(), new Payload(card));
      answer.encrypt(new ECDHEncrypter(to));
      String compact = answer.serialize();
      if (tamper) {
        compact = tampered(compact);
      }
      return new Answer(200, JSON.writeValueAsBytes(Map.of(VaultProtocol.ENCRYPTED_CARD_DETAILS, compact)));
    } catch (JOSEException | IOException e) {
      return new Answer(500, error("INTERNAL"));
    }
  }

  /** Flips one character of the ciphertext (the fourth part): AES-GCM's tag then fails. */
  private static String tampered(String compact) {
    String[] parts = compact.split("\\.", -1);
    char[] ciphertext = parts[3].toCharArray();
    ciphertext[0] = ciphertext[0] == 'A' ? 'B' : 'A';
    parts[3] = new String(ciphertext);
    return String.join(".", parts);
  }

  private void later(HttpExchange exchange, Duration delay, Answer answer) {
    Runnable sendIt = () -> {
      try (exchange) {
        send(exchange, answer.status(), answer.body());
      } catch (IOException e) {
        // The caller gave up (its time-out): nothing to answer.
      }
    };
    try {
      delays.schedule(() -> handlers.execute(sendIt), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      exchange.close(); // closing
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static byte[] error(String code) {
    return ("{\"" + VaultProtocol.ERROR_CODE + "\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    delays.shutdownNow();
    handlers.shutdownNow();
    cards.values().forEach(b -> Arrays.fill(b, (byte) 0));
    cards.clear();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
