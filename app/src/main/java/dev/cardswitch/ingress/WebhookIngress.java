package dev.cardswitch.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.ingress.WebhookSignature.SignedFields;
import dev.cardswitch.schemas.KnotWebhookEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knot's webhooks in, the webhook topic out: {@code POST /knot/webhooks} reads the body (at most
 * {@code INGRESS_MAX_BODY_BYTES}, never buffering more), verifies {@code Knot-Signature} ({@link
 * WebhookSignature}), maps the JSON to a {@link KnotWebhookEvent} stamped with its receipt time
 * ({@code received_at}: Knot's 15-second window is counted from it), and produces it keyed by
 * {@code task_id} as a decimal string, so every event of a task lands in one partition, in order.
 *
 * <p>It answers 200 only once the broker has acknowledged the record: idempotent producer, {@code
 * acks=all}, so a 200 means the event is on every in-sync replica, and Knot stops retrying only
 * then. The answer is sent from the producer's callback; no thread waits for the broker. If the
 * broker does not acknowledge within {@code INGRESS_PRODUCE_TIMEOUT}, or refuses, the answer is 503
 * with {@code Retry-After}, and Knot retries. A record acknowledged after its 503, and Knot's retry
 * of it, make a duplicate: harmless, and deliberately not deduplicated here, because the topology
 * remembers every switched task (DEDUPLICATION_RETENTION) and turns a second event of a switched
 * task into a {@code DUPLICATE_EVENT} dead letter without calling Knot's {@code POST /card} again.
 *
 * <p>Refusals: 405 for another method, 413 for a body over the limit, 400 for a body that is not a
 * JSON object or not a Knot event (naming the field path, never a value), 401 for a missing
 * signature input or a signature that does not verify; nothing is produced for any of them. Nothing
 * from a body is logged. Thread-safe; {@link #close()} stops accepting, then lets the producer
 * finish what it holds.
 */
public final class WebhookIngress implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookIngress.class);
  /** Seconds Knot is asked to wait before retrying after a 503. */
  static final int RETRY_AFTER_SECONDS = 1;
  /**
   * The 200 has no body: its headers then go out in one TCP segment. A body would be a second write,
   * which Nagle's algorithm holds until the client acknowledges the first, and a client that delays
   * its ACKs (40 ms on Linux) would add that to every webhook.
   */
  private static final byte[] ACCEPTED = new byte[0];

  private final IngressConfig config;
  private final WebhookSignature signature;
  private final String topic;
  private final Serializer<KnotWebhookEvent> serializer;
  private final IngressCounters counters;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledExecutorService timeouts;

  private WebhookIngress(IngressConfig config, WebhookSignature signature, String topic,
      Serializer<KnotWebhookEvent> serializer, IngressCounters counters, Clock clock,
      KafkaProducer<String, byte[]> producer, HttpServer server, ExecutorService handlers,
      ScheduledExecutorService timeouts) {
    this.config = config;
    this.signature = signature;
    this.topic = topic;
    this.serializer = serializer;
    this.counters = counters;
    this.clock = clock;
    this.producer = producer;
    this.server = server;
    this.handlers = handlers;
    this.timeouts = timeouts;
  }

  /**
   * Opens the port and starts serving.
   *
   * @param topic the webhook topic
   * @param serializer the topic's value serializer (Avro, Confluent wire format)
   * @param clientProperties extra Kafka client properties (security settings); the ingress's own
   *     producer guarantees take precedence
   * @throws IngressStartException when the port cannot be opened
   */
  public static WebhookIngress start(IngressConfig config, WebhookSignature signature, String topic,
      Serializer<KnotWebhookEvent> serializer, String bootstrapServers, Map<String, Object> clientProperties,
      IngressCounters counters, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(serializer, "serializer");
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(clock, "clock");
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 0);
    } catch (IOException e) {
      throw new IngressStartException("the webhook ingress port " + config.bind() + ":" + config.port()
          + " cannot be opened (" + e.getMessage() + "): set INGRESS_PORT to a free port (0 picks one), or"
          + " INGRESS_ENABLED=false if Knot's webhooks reach the webhook topic another way", e);
    }
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        producerConfig(bootstrapServers, clientProperties, config.produceTimeout()),
        new StringSerializer(), new ByteArraySerializer());
    ExecutorService handlers = Executors.newFixedThreadPool(config.threads(), daemon("card-switch-ingress"));
    ScheduledExecutorService timeouts =
        Executors.newSingleThreadScheduledExecutor(daemon("card-switch-ingress-timeout"));
    WebhookIngress ingress = new WebhookIngress(config, signature, topic, serializer, counters, clock, producer,
        server, handlers, timeouts);
    server.createContext("/", ingress::handle);
    server.setExecutor(handlers);
    server.start();
    return ingress;
  }

  static Map<String, Object> producerConfig(String bootstrapServers, Map<String, Object> clientProperties,
      Duration produceTimeout) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "card-switch-webhook-ingress");
    // The guarantees a 200 stands for: on every in-sync replica, and a retried batch never doubled.
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Knot's window is short and webhooks arrive one by one: batching may cost at most a millisecond.
    c.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    // send() blocks (metadata, a full buffer) no longer than the answer may take.
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) produceTimeout.toMillis());
    return c;
  }

  /** The port it listens on (the chosen one when configured with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The URL to give Knot, with {@code host} for the address this listens on. */
  public URI url(String host) {
    return URI.create("http://" + host + ":" + port() + IngressConfig.PATH);
  }

  public IngressCounters counters() {
    return counters;
  }

  private void handle(HttpExchange exchange) {
    long started = System.nanoTime();
    Instant receivedAt = clock.instant();
    try {
      if (!IngressConfig.PATH.equals(exchange.getRequestURI().getPath())) {
        throw new WebhookRejectedException(Rejection.NOT_FOUND, "not found: Knot's webhooks go to POST "
            + IngressConfig.PATH);
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        throw new WebhookRejectedException(Rejection.METHOD_NOT_ALLOWED, "method not allowed: use POST");
      }
      Headers headers = exchange.getRequestHeaders();
      String contentLength = headers.getFirst("Content-Length");
      if (contentLength != null && declaredTooLarge(contentLength)) {
        throw tooLarge();
      }
      String contentType = requiredHeader(headers, "Content-Type");
      String encryptionType = requiredHeader(headers, WebhookSignature.ENCRYPTION_TYPE_HEADER);
      String signed = requiredHeader(headers, WebhookSignature.SIGNATURE_HEADER);
      if (contentLength == null) {
        throw new WebhookRejectedException(Rejection.MISSING_SIGNATURE_HEADER,
            "the Content-Length header is missing (a chunked body?): Knot signs it, send the body with its length");
      }
      byte[] body = readCapped(exchange.getRequestBody(), config.maxBodyBytes());
      JsonNode json = KnotEventMapper.parse(body);
      SignedFields fields = new SignedFields(contentLength, contentType, encryptionType,
          KnotEventMapper.event(json), KnotEventMapper.sessionId(json));
      if (!WebhookSignature.HMAC_SHA256.equals(encryptionType)) {
        throw new WebhookRejectedException(Rejection.BAD_SIGNATURE, "Encryption-Type is not "
            + WebhookSignature.HMAC_SHA256 + ": the only signature Knot sends");
      }
      if (!signature.verify(fields, signed)) {
        throw new WebhookRejectedException(Rejection.BAD_SIGNATURE,
            "Knot-Signature does not match: signed with another secret (check KNOT_SECRET), or altered on the way");
      }
      KnotWebhookEvent event = KnotEventMapper.toEvent(json, receivedAt);
      produce(exchange, event, started);
    } catch (WebhookRejectedException e) {
      reject(exchange, e.rejection(), e.getMessage());
    } catch (IOException e) {
      // The client went away while sending its body: nobody is left to answer.
      LOG.debug("webhook request not read: {}", e.toString());
      exchange.close();
    } catch (RuntimeException e) {
      LOG.warn("webhook not produced: {}", e.toString());
      reject(exchange, Rejection.PRODUCE_FAILED, "the event could not be produced: Knot will retry");
    }
  }

  private void produce(HttpExchange exchange, KnotWebhookEvent event, long started) {
    byte[] value;
    try {
      value = serializer.serialize(topic, event); // the schema id is cached after the first event
    } catch (RuntimeException e) {
      LOG.warn("webhook event not serialised (schema registry?): {}", e.toString());
      reject(exchange, Rejection.PRODUCE_FAILED, "the event could not be serialised: Knot will retry");
      return;
    }
    AtomicBoolean answered = new AtomicBoolean();
    ScheduledFuture<?> timeout = timeouts.schedule(() -> {
      if (answered.compareAndSet(false, true)) {
        LOG.warn("webhook event not acknowledged within {}: answered 503, Knot will retry", config.produceTimeout());
        reject(exchange, Rejection.NOT_ACKNOWLEDGED, "the broker did not acknowledge the event within "
            + config.produceTimeout() + ": Knot will retry");
      }
    }, config.produceTimeout().toNanos(), TimeUnit.NANOSECONDS);
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, Long.toString(event.getTaskId()), value);
    try {
      java.util.concurrent.atomic.AtomicLong sendReturned = new java.util.concurrent.atomic.AtomicLong();
      producer.send(record, (metadata, exception) -> {
        long acknowledged = System.nanoTime();
        timeout.cancel(false);
        if (!answered.compareAndSet(false, true)) {
          return; // already answered 503; Knot's retry will be a harmless duplicate
        }
        if (exception == null) {
          // The broker's part: from send() handing the record over to the acknowledgement (0 if the
          // callback ran inside send(), before it returned).
          long sent = sendReturned.get();
          counters.accepted(acknowledged - started, sent == 0 ? 0 : Math.max(0, acknowledged - sent));
          // On the producer's I/O thread: a response this small fits the socket's send buffer at once.
          respond(exchange, 200, ACCEPTED);
        } else {
          LOG.warn("webhook event refused by the broker: {}", exception.toString());
          reject(exchange, Rejection.PRODUCE_FAILED, "the broker refused the event: Knot will retry");
        }
      });
      sendReturned.set(System.nanoTime());
    } catch (KafkaException e) {
      timeout.cancel(false);
      if (answered.compareAndSet(false, true)) {
        LOG.warn("webhook event not sent: {}", e.toString());
        reject(exchange, Rejection.PRODUCE_FAILED, "the broker cannot be reached: Knot will retry");
      }
    }
  }

  private boolean declaredTooLarge(String contentLength) throws WebhookRejectedException {
    try {
      return Long.parseLong(contentLength.trim()) > config.maxBodyBytes();
    } catch (NumberFormatException e) {
      throw new WebhookRejectedException(Rejection.MISSING_SIGNATURE_HEADER, "Content-Length is not a number");
    }
  }

  private WebhookRejectedException tooLarge() {
    return new WebhookRejectedException(Rejection.BODY_TOO_LARGE, "the body is larger than "
        + config.maxBodyBytes() + " bytes (INGRESS_MAX_BODY_BYTES): a Knot event is a few hundred bytes");
  }

  private static String requiredHeader(Headers headers, String name) {
    String value = headers.getFirst(name);
    if (value == null) {
      throw new WebhookRejectedException(Rejection.MISSING_SIGNATURE_HEADER, "the " + name
          + " header is missing: Knot sends it with every webhook and it enters the signature");
    }
    return value;
  }

  /** The body, reading at most {@code max + 1} bytes: one more than allowed proves it too large. */
  private byte[] readCapped(InputStream in, int max) throws IOException {
    byte[] buffer = new byte[Math.min(max + 1, 8192)];
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length > max) {
          throw tooLarge();
        }
        buffer = Arrays.copyOf(buffer, Math.min(max + 1, buffer.length * 2));
      }
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    if (length > max) {
      throw tooLarge();
    }
    return Arrays.copyOf(buffer, length);
  }

  private void reject(HttpExchange exchange, Rejection rejection, String detail) {
    counters.rejected(rejection);
    if (rejection.status() >= 500) {
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    } else {
      LOG.debug("webhook refused ({}): {}", rejection.label(), detail);
    }
    respond(exchange, rejection.status(), ("{\"error\":\"" + rejection.label() + "\",\"detail\":\""
        + jsonEscape(detail) + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) {
    try (exchange) {
      if (body.length == 0) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      LOG.debug("webhook answer {} not delivered (the client left): {}", status, e.toString());
    }
  }

  /** The details are ours (field paths and fixed text), but quotes and backslashes are escaped anyway. */
  private static String jsonEscape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops accepting webhooks (exchanges still waiting for the broker get up to a second), then
   * closes the producer, which sends what it holds within the produce timeout.
   */
  @Override
  public void close() {
    server.stop(1);
    producer.close(config.produceTimeout());
    timeouts.shutdownNow();
    handlers.shutdownNow();
  }

  /** The ingress cannot start, e.g. its port is taken; the message names the setting and the fix. */
  public static final class IngressStartException extends dev.cardswitch.CardSwitchException {
    IngressStartException(String message, IOException cause) {
      super("INVALID_CONFIG", message, new UncheckedIOException(cause));
    }
  }
}
