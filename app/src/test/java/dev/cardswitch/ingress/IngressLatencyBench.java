package dev.cardswitch.ingress;

import dev.cardswitch.app.embedded.EmbeddedKafka;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.topology.TopologySerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A benchmark, not a test: the latency of sequential signed webhooks over loopback HTTP to the
 * ingress on the embedded broker (client-side, request to 200), beside the broker's own latency for
 * the same record with the same producer settings (send, then wait for the acknowledgement). Run
 * with the app's test classpath: {@code java -cp ... dev.cardswitch.ingress.IngressLatencyBench [n]}.
 */
public final class IngressLatencyBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    String secret = "bench-secret";
    try (EmbeddedKafka kafka = EmbeddedKafka.start(null);
        DevSchemaRegistry registry = DevSchemaRegistry.builder().build().start()) {
      kafka.createTopic("knot-webhooks", 3, Map.of());
      TopologySerdes serdes =
          TopologySerdes.of(new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build()));
      try (WebhookIngress ingress = WebhookIngress.start(IngressConfig.builder().bind("127.0.0.1").port(0).build(),
          new WebhookSignature(secret), "knot-webhooks", serdes.event().serializer(), kafka.bootstrapServers(),
          Map.of(), new IngressCounters(), Clock.systemUTC())) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI url = ingress.url("127.0.0.1");
        post(http, url, secret, 1_000_000, 1000); // warm-up
        long[] ingressNanos = post(http, url, secret, 2_000_000, n);

        byte[] value = serdes.event().serializer().serialize("knot-webhooks", KnotEventMapper.toEvent(
            KnotEventMapper.parse(KnotSigner.body("AUTHENTICATED", 1, "s", "c", 1L).getBytes()), Instant.now()));
        long[] brokerNanos = new long[n];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            WebhookIngress.producerConfig(kafka.bootstrapServers(), Map.of(), IngressConfig.DEFAULT_PRODUCE_TIMEOUT),
            new StringSerializer(), new ByteArraySerializer())) {
          for (int i = 0; i < 1000 + n; i++) {
            long t = System.nanoTime();
            producer.send(new ProducerRecord<>("knot-webhooks", Long.toString(3_000_000 + i), value)).get();
            if (i >= 1000) {
              brokerNanos[i - 1000] = System.nanoTime() - t;
            }
          }
        }
        System.out.println("n=" + n + " sequential signed webhooks, loopback HTTP/1.1 keep-alive, embedded broker");
        System.out.println("ingress (request to 200): " + summary(ingressNanos));
        System.out.println("broker alone (send to ack, same producer settings): " + summary(brokerNanos));
        System.out.println("accepted=" + ingress.counters().acceptedCount());
      }
    }
  }

  private static long[] post(HttpClient http, URI url, String secret, long firstTask, int n) throws Exception {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      String session = "5e" + i;
      String body = KnotSigner.body("AUTHENTICATED", firstTask + i, session, "card-" + i, System.currentTimeMillis());
      HttpRequest request = HttpRequest.newBuilder(url)
          .header("Content-Type", "application/json").header("Encryption-Type", "HMAC-SHA256")
          .header("Knot-Signature", KnotSigner.signatureOf(secret, body, "AUTHENTICATED", session))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      long t = System.nanoTime();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - t;
      if (response.statusCode() != 200) {
        throw new IllegalStateException("status " + response.statusCode() + ": " + response.body());
      }
    }
    return nanos;
  }

  private static String summary(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.90)] / 1e6, s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6, s[s.length - 1] / 1e6);
  }
}
