package dev.cardswitch.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cardswitch.registry.dev.DevSchemaRegistry;
import dev.cardswitch.serde.AvroSerde;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

  private static final Schema GREETING =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Greeting\",\"namespace\":\"test\","
                  + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}");
  private static final String PASSWORD = "s3cret-pa55word";

  private DevSchemaRegistry registry;
  private HttpServer stub;
  private HttpServer other;

  @AfterEach
  void stopServers() {
    if (registry != null) {
      registry.close();
    }
    if (stub != null) {
      stub.stop(0);
    }
    if (other != null) {
      other.stop(0);
    }
  }

  private HttpSchemaRegistryClient clientFor(String url) {
    return new HttpSchemaRegistryClient(SchemaRegistryConfig.builder(url).build());
  }

  @Test
  void cachesIdsAndSchemasBothWays() {
    registry = DevSchemaRegistry.builder().build().start();
    HttpSchemaRegistryClient client = clientFor(registry.url());

    int id = client.register("greetings-value", GREETING);
    long afterRegistration = registry.requestCount();
    assertEquals(id, client.register("greetings-value", GREETING));
    assertEquals(id, client.idOf("greetings-value", GREETING));
    assertEquals(GREETING, client.schemaById(id));

    assertEquals(1, afterRegistration);
    assertEquals(afterRegistration, registry.requestCount());
  }

  @Test
  void fetchesASchemaByIdOnce() {
    registry = DevSchemaRegistry.builder().build().start();
    int id = clientFor(registry.url()).register("greetings-value", GREETING);
    HttpSchemaRegistryClient reader = clientFor(registry.url());
    long before = registry.requestCount();

    assertEquals(GREETING, reader.schemaById(id));
    assertEquals(GREETING, reader.schemaById(id));

    assertEquals(before + 1, registry.requestCount());
  }

  @Test
  void readsSubjectsVersionsAndCompatibility() {
    registry = DevSchemaRegistry.builder().build().start();
    HttpSchemaRegistryClient client = clientFor(registry.url());
    int id = client.register("greetings-value", GREETING);
    Schema withoutDefault =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Greeting\",\"namespace\":\"test\",\"fields\":["
                    + "{\"name\":\"text\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"int\"}]}");

    assertEquals(List.of("greetings-value"), client.subjects());
    assertEquals(List.of(1), client.versions("greetings-value"));
    assertEquals(new RegisteredSchema("greetings-value", 1, id, GREETING), client.latest("greetings-value"));
    assertEquals(new RegisteredSchema("greetings-value", 1, id, GREETING), client.version("greetings-value", 1));
    CompatibilityCheck check = client.checkCompatibility("greetings-value", withoutDefault);
    assertFalse(check.compatible());
    assertTrue(check.messages().toString().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), check.toString());
  }

  @Test
  void registryErrorsCarryStatusErrorCodeAndUrl() {
    registry = DevSchemaRegistry.builder().build().start();
    HttpSchemaRegistryClient client = clientFor(registry.url());

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.schemaById(77));

    assertEquals(404, e.httpStatus());
    assertEquals(40403, e.errorCode());
    assertTrue(e.isSchemaNotFound());
    assertEquals(registry.url(), e.url());
    assertEquals(
        "Schema registry at " + registry.url() + " answered HTTP 404 to GET /schemas/ids/77: error_code 40403,"
            + " Schema 77 not found",
        e.getMessage());
  }

  @Test
  void sendsBasicAuthCredentialsWhenConfigured() {
    registry = DevSchemaRegistry.builder().requireCredentials(BasicCredentials.of("svc", PASSWORD)).build().start();
    HttpSchemaRegistryClient client =
        new HttpSchemaRegistryClient(
            SchemaRegistryConfig.builder(registry.url()).credentials(BasicCredentials.of("svc", PASSWORD)).build());

    assertEquals(1, client.register("greetings-value", GREETING));
  }

  @Test
  void configuredWithUserInfoTheSerdeAuthenticates() {
    registry = DevSchemaRegistry.builder().requireCredentials(BasicCredentials.of("svc", PASSWORD)).build().start();
    AvroSerde<GenericRecord> serde = new AvroSerde<>();
    serde.configure(
        Map.of(
            "schema.registry.url", registry.url(),
            "basic.auth.credentials.source", "USER_INFO",
            "basic.auth.user.info", "svc:" + PASSWORD),
        false);
    GenericRecord greeting = new GenericData.Record(GREETING);
    greeting.put("text", "hello");

    byte[] bytes = serde.serializer().serialize("greetings", greeting);

    assertEquals("hello", serde.deserializer().deserialize("greetings", bytes).get("text").toString());
  }

  @Test
  void wrongCredentialsAreRefusedWithoutShowingThem() {
    registry = DevSchemaRegistry.builder().requireCredentials(BasicCredentials.of("svc", PASSWORD)).build().start();
    HttpSchemaRegistryClient client =
        new HttpSchemaRegistryClient(
            SchemaRegistryConfig.builder(registry.url()).credentials(BasicCredentials.of("svc", "wrong-" + PASSWORD)).build());

    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.register("greetings-value", GREETING));

    assertEquals(401, e.httpStatus());
    assertTrue(e.getMessage().contains("check the credentials in basic.auth.user.info"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    assertFalse(client.toString().contains(PASSWORD), client.toString());
  }

  @Test
  void missingCredentialsSayWhichSettingsToSet() {
    registry = DevSchemaRegistry.builder().requireCredentials(BasicCredentials.of("svc", PASSWORD)).build().start();

    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> clientFor(registry.url()).subjects());

    assertEquals(401, e.httpStatus());
    assertTrue(e.getMessage().contains("basic.auth.credentials.source=USER_INFO"), e.getMessage());
  }

  @Test
  void aServerErrorIsReportedWithConfluentsCodeAndAHint() throws IOException {
    stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(500, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    stub.start();
    String url = "http://127.0.0.1:" + stub.getAddress().getPort();

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> clientFor(url).schemaById(1));

    assertEquals(500, e.httpStatus());
    assertEquals(50001, e.errorCode());
    assertFalse(e.isUnreachable());
    assertEquals(
        "Schema registry at " + url + " answered HTTP 500 to GET /schemas/ids/1: error_code 50001, Error in the"
            + " backend data store (the registry failed: retry later, or look at the registry's log)",
        e.getMessage());
  }

  @Test
  void anUnreachableRegistryNamesTheUrlAndTheSetting() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> clientFor(url).schemaById(1));

    assertTrue(e.isUnreachable());
    assertTrue(e.getMessage().startsWith("Schema registry at " + url + " is unreachable"), e.getMessage());
    assertTrue(e.getMessage().contains("SCHEMA_REGISTRY_URL"), e.getMessage());
  }

  @Test
  void aRedirectToAnotherOriginIsNotFollowed() throws IOException {
    AtomicInteger otherRequests = new AtomicInteger();
    other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext(
        "/",
        exchange -> {
          otherRequests.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    other.start();
    stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + other.getAddress().getPort() + "/schemas/ids/1");
          exchange.sendResponseHeaders(307, -1);
          exchange.close();
        });
    stub.start();
    HttpSchemaRegistryClient client =
        new HttpSchemaRegistryClient(
            SchemaRegistryConfig.builder("http://127.0.0.1:" + stub.getAddress().getPort())
                .credentials(BasicCredentials.of("svc", PASSWORD))
                .build());

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.schemaById(1));

    assertEquals(307, e.httpStatus());
    assertTrue(e.getMessage().contains("redirected GET /schemas/ids/1 to another origin"), e.getMessage());
    assertEquals(0, otherRequests.get());
  }

  @Test
  void aRedirectWithinTheRegistryIsFollowed() throws IOException {
    registry = DevSchemaRegistry.builder().build().start();
    int id = clientFor(registry.url()).register("greetings-value", GREETING);
    stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext(
        "/old/",
        exchange -> {
          exchange.getResponseHeaders().set("Location", "/new" + exchange.getRequestURI().getPath().substring(4));
          exchange.sendResponseHeaders(308, -1);
          exchange.close();
        });
    stub.createContext(
        "/new/",
        exchange -> {
          byte[] body =
              ("{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(GREETING.toString()) + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    stub.start();

    Schema schema = clientFor("http://127.0.0.1:" + stub.getAddress().getPort() + "/old").schemaById(id);

    assertEquals(GREETING, schema);
  }
}
