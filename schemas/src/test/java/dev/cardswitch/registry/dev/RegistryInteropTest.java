package dev.cardswitch.registry.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.serde.AvroDeserializer;
import dev.cardswitch.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standard third-party client, KafkaJS's {@code @kafkajs/confluent-schema-registry} (pinned in
 * {@code src/test/interop/package.json}), registers, looks up and fetches schemas on the
 * development registry, and payloads cross between it and this project's serde both ways.
 *
 * <p>Needs node and {@code npm ci --prefix schemas/src/test/interop}. Without them the test fails
 * under CI ({@code CI=true}) and is skipped elsewhere, so a plain {@code mvn verify} on a fresh
 * clone stays green.
 */
class RegistryInteropTest {

  private static final Path INTEROP = Path.of("src", "test", "interop");
  private static final String NPM_CI = "npm ci --prefix schemas/src/test/interop";

  @Test
  void kafkaJsRegistersFetchesAndExchangesPayloadsWithTheDevelopmentRegistry(@TempDir Path tmp)
      throws Exception {
    requireNodeModules();
    try (DevSchemaRegistry registry = DevSchemaRegistry.builder().build().start()) {
      SchemaRegistryClient client =
          new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(registry.url()).build());
      Schema javaSide =
          new Schema.Parser()
              .parse(
                  "{\"type\":\"record\",\"name\":\"Interop\",\"namespace\":\"test.interop\",\"fields\":["
                      + "{\"name\":\"text\",\"type\":\"string\"},{\"name\":\"count\",\"type\":\"int\"}]}");
      GenericRecord fromJava = new GenericData.Record(javaSide);
      fromJava.put("text", "from-java");
      fromJava.put("count", 42);
      byte[] javaPayload =
          new AvroSerializer<GenericRecord>(client, false).serialize("java", fromJava);

      JsonNode seen =
          runNode(
              tmp,
              registry.url(),
              "interop-value",
              Base64.getEncoder().encodeToString(javaPayload));

      int id = client.latest("interop-value").id();
      assertEquals(id, seen.get("id").asInt(), "KafkaJS got the id the registry holds");
      assertEquals(
          id, seen.get("again").asInt(), "registering again is idempotent for KafkaJS too");
      assertEquals(id, seen.get("lookedUp").asInt());
      assertEquals(id, seen.get("latest").asInt());
      assertEquals(client.latest("java-value").id(), id, "one global id for the same schema");
      assertEquals(
          "Interop", seen.get("fetchedName").asText().replaceFirst("^test\\.interop\\.", ""));
      assertEquals("{\"text\":\"from-java\",\"count\":42}", seen.get("decodedJava").toString());
      byte[] nodePayload = Base64.getDecoder().decode(seen.get("encoded").asText());
      GenericRecord fromNode =
          AvroDeserializer.generic(client, false).deserialize("interop", nodePayload);
      assertEquals("from-node", fromNode.get("text").toString());
      assertEquals(7, fromNode.get("count"));
    }
  }

  private static void requireNodeModules() {
    boolean ready =
        Files.isDirectory(INTEROP.resolve("node_modules/@kafkajs/confluent-schema-registry"));
    String problem =
        "node_modules for the registry interop test are missing: run `" + NPM_CI + "` (node 20+)";
    if (!ready) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(problem);
      }
      Assumptions.abort(problem);
    }
  }

  private static JsonNode runNode(Path tmp, String url, String subject, String javaPayload)
      throws Exception {
    Path out = tmp.resolve("stdout");
    Path err = tmp.resolve("stderr");
    Process node =
        new ProcessBuilder(List.of("node", "interop.js", url, subject, javaPayload))
            .directory(INTEROP.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!node.waitFor(60, TimeUnit.SECONDS)) {
      node.destroyForcibly();
      fail("node interop.js did not finish within 60 s");
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, node.exitValue(), "node interop.js failed:\n" + stderr);
    String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
    assertTrue(stdout.startsWith("{"), "unexpected output: " + stdout + "\n" + stderr);
    return new ObjectMapper().readTree(stdout);
  }
}
