package dev.cardswitch.registry.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The development registry answers as Confluent's does: statuses, media type, bodies and error
 * codes (checked against Confluent's {@code Errors} class and resources), observed on the wire with
 * the JDK's HTTP client rather than the project's own.
 */
class DevSchemaRegistryHttpTest {

  private static final String V1 = "application/vnd.schemaregistry.v1+json";
  private static final String PARCEL_V1 =
      "{\"type\":\"record\",\"name\":\"Parcel\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"}]}";
  private static final String PARCEL_V2_WITH_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Parcel\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"weight\",\"type\":\"int\",\"default\":0}]}";
  private static final String PARCEL_V2_WITHOUT_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Parcel\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"weight\",\"type\":\"int\"}]}";

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private DevSchemaRegistry registry;

  @BeforeEach
  void startRegistry() {
    registry = DevSchemaRegistry.builder().build().start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void registersASchemaAndAnswersItsId() throws Exception {
    Answer answer = register("parcels-value", PARCEL_V1);

    assertEquals(200, answer.status);
    assertEquals(V1, answer.contentType);
    assertEquals(1, answer.body.get("id").asInt());
    assertEquals(1, answer.body.size(), "only the id: " + answer.body);
  }

  @Test
  void registeringTheSameSchemaAgainIsIdempotent() throws Exception {
    int first = register("parcels-value", PARCEL_V1).body.get("id").asInt();
    // Same schema, different whitespace: Confluent compares parsed schemas.
    int second = register("parcels-value", PARCEL_V1.replace(",", " , ")).body.get("id").asInt();

    assertEquals(first, second);
    assertEquals("[1]", call("GET", "/subjects/parcels-value/versions", null).body.toString());
  }

  @Test
  void theSameSchemaUnderAnotherSubjectReusesItsGlobalId() throws Exception {
    register("other-value", PARCEL_V2_WITH_DEFAULT);
    int id = register("parcels-value", PARCEL_V1).body.get("id").asInt();

    int reused = register("archive-value", PARCEL_V1).body.get("id").asInt();

    assertEquals(id, reused);
    Answer version = call("GET", "/subjects/archive-value/versions/1", null);
    assertEquals(id, version.body.get("id").asInt());
    assertEquals(1, version.body.get("version").asInt());
  }

  @Test
  void aCompatibleNewSchemaBecomesVersionTwoWithANewId() throws Exception {
    int v1 = register("parcels-value", PARCEL_V1).body.get("id").asInt();

    Answer answer = register("parcels-value", PARCEL_V2_WITH_DEFAULT);

    assertEquals(200, answer.status);
    assertNotEquals(v1, answer.body.get("id").asInt());
    assertEquals("[1,2]", call("GET", "/subjects/parcels-value/versions", null).body.toString());
    Answer latest = call("GET", "/subjects/parcels-value/versions/latest", null);
    assertEquals(2, latest.body.get("version").asInt());
    assertEquals(answer.body.get("id").asInt(), latest.body.get("id").asInt());
  }

  @Test
  void anIncompatibleSchemaIsRefusedWith409() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer = register("parcels-value", PARCEL_V2_WITHOUT_DEFAULT);

    assertEquals(409, answer.status);
    assertEquals(V1, answer.contentType);
    assertEquals(409, answer.body.get("error_code").asInt());
    String message = answer.body.get("message").asText();
    assertTrue(
        message.startsWith(
            "Schema being registered is incompatible with an earlier schema for subject \"parcels-value\""),
        message);
    assertTrue(message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), message);
    assertEquals("[1]", call("GET", "/subjects/parcels-value/versions", null).body.toString());
  }

  @Test
  void anInvalidSchemaIsRefusedWith42201() throws Exception {
    Answer answer = register("parcels-value", "{\"type\":\"record\",\"name\":\"NoFields\"}");

    assertEquals(422, answer.status);
    assertEquals(42201, answer.body.get("error_code").asInt());
    assertTrue(answer.body.get("message").asText().startsWith("Invalid schema"), answer.body.toString());
  }

  @Test
  void aNonAvroSchemaTypeIsRefusedWith42201() throws Exception {
    Answer answer =
        call("POST", "/subjects/p-value/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");

    assertEquals(422, answer.status);
    assertEquals(42201, answer.body.get("error_code").asInt());
  }

  @Test
  void fetchesASchemaByIdWithTheSchemaFieldOnly() throws Exception {
    int id = register("parcels-value", PARCEL_V1).body.get("id").asInt();

    Answer answer = call("GET", "/schemas/ids/" + id, null);

    assertEquals(200, answer.status);
    assertEquals(V1, answer.contentType);
    // Confluent leaves schemaType out for Avro (its converter maps AVRO to null).
    assertEquals(List.of("schema"), fieldNames(answer.body));
    assertEquals(new Schema.Parser().parse(PARCEL_V1), new Schema.Parser().parse(answer.body.get("schema").asText()));
  }

  @Test
  void anUnknownIdIs40403() throws Exception {
    Answer answer = call("GET", "/schemas/ids/99", null);

    assertEquals(404, answer.status);
    assertEquals(V1, answer.contentType);
    assertEquals(40403, answer.body.get("error_code").asInt());
    assertEquals("Schema 99 not found", answer.body.get("message").asText());
  }

  @Test
  void listsTheSubjectsAndVersionsOfAnId() throws Exception {
    int id = register("parcels-value", PARCEL_V1).body.get("id").asInt();
    register("archive-value", PARCEL_V1);

    Answer answer = call("GET", "/schemas/ids/" + id + "/versions", null);

    assertEquals(200, answer.status);
    assertEquals(
        "[{\"subject\":\"archive-value\",\"version\":1},{\"subject\":\"parcels-value\",\"version\":1}]",
        sortedArray(answer.body));
  }

  @Test
  void looksUpASchemaUnderASubject() throws Exception {
    int id = register("parcels-value", PARCEL_V1).body.get("id").asInt();

    Answer answer = call("POST", "/subjects/parcels-value", schemaBody(PARCEL_V1));

    assertEquals(200, answer.status);
    assertEquals("parcels-value", answer.body.get("subject").asText());
    assertEquals(1, answer.body.get("version").asInt());
    assertEquals(id, answer.body.get("id").asInt());
    assertTrue(answer.body.get("schema").isTextual());
  }

  @Test
  void lookingUpUnderAnUnknownSubjectIs40401() throws Exception {
    Answer answer = call("POST", "/subjects/nobody-value", schemaBody(PARCEL_V1));

    assertEquals(404, answer.status);
    assertEquals(40401, answer.body.get("error_code").asInt());
    assertEquals("Subject 'nobody-value' not found.", answer.body.get("message").asText());
  }

  @Test
  void lookingUpAnUnregisteredSchemaIs40403() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer = call("POST", "/subjects/parcels-value", schemaBody(PARCEL_V2_WITH_DEFAULT));

    assertEquals(404, answer.status);
    assertEquals(40403, answer.body.get("error_code").asInt());
  }

  @Test
  void listsSubjectsSorted() throws Exception {
    register("b-value", PARCEL_V1);
    register("a-value", PARCEL_V1);

    Answer answer = call("GET", "/subjects", null);

    assertEquals(200, answer.status);
    assertEquals("[\"a-value\",\"b-value\"]", answer.body.toString());
  }

  @Test
  void versionsOfAnUnknownSubjectIs40401() throws Exception {
    Answer answer = call("GET", "/subjects/nobody-value/versions", null);

    assertEquals(404, answer.status);
    assertEquals(40401, answer.body.get("error_code").asInt());
  }

  @Test
  void answersAVersionWithSubjectIdVersionAndSchema() throws Exception {
    int id = register("parcels-value", PARCEL_V1).body.get("id").asInt();

    Answer answer = call("GET", "/subjects/parcels-value/versions/1", null);

    assertEquals(200, answer.status);
    assertEquals(List.of("id", "schema", "subject", "version"), sorted(fieldNames(answer.body)));
    assertEquals(id, answer.body.get("id").asInt());
  }

  @Test
  void answersTheBareSchemaOfAVersion() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer = call("GET", "/subjects/parcels-value/versions/latest/schema", null);

    assertEquals(200, answer.status);
    assertEquals("Parcel", answer.body.get("name").asText());
  }

  @Test
  void anUnknownVersionIs40402() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer = call("GET", "/subjects/parcels-value/versions/7", null);

    assertEquals(404, answer.status);
    assertEquals(40402, answer.body.get("error_code").asInt());
    assertEquals("Version 7 not found.", answer.body.get("message").asText());
  }

  @Test
  void anInvalidVersionIs42202() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer = call("GET", "/subjects/parcels-value/versions/first", null);

    assertEquals(422, answer.status);
    assertEquals(42202, answer.body.get("error_code").asInt());
  }

  @Test
  void compatibilityTestSaysTrueForACompatibleSchema() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer =
        call("POST", "/compatibility/subjects/parcels-value/versions/latest", schemaBody(PARCEL_V2_WITH_DEFAULT));

    assertEquals(200, answer.status);
    assertEquals(V1, answer.contentType);
    assertEquals("{\"is_compatible\":true}", answer.body.toString());
  }

  @Test
  void compatibilityTestSaysFalseForAnIncompatibleSchema() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer =
        call("POST", "/compatibility/subjects/parcels-value/versions/latest", schemaBody(PARCEL_V2_WITHOUT_DEFAULT));

    assertEquals(200, answer.status);
    assertEquals("{\"is_compatible\":false}", answer.body.toString());
  }

  @Test
  void verboseCompatibilityTestExplains() throws Exception {
    register("parcels-value", PARCEL_V1);

    Answer answer =
        call(
            "POST",
            "/compatibility/subjects/parcels-value/versions/latest?verbose=true",
            schemaBody(PARCEL_V2_WITHOUT_DEFAULT));

    assertFalse(answer.body.get("is_compatible").asBoolean());
    assertTrue(answer.body.get("messages").toString().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), answer.body.toString());
  }

  @Test
  void compatibilityAgainstTheLatestOfAnUnknownSubjectIsTrue() throws Exception {
    Answer answer =
        call("POST", "/compatibility/subjects/nobody-value/versions/latest", schemaBody(PARCEL_V1));

    assertEquals(200, answer.status);
    assertTrue(answer.body.get("is_compatible").asBoolean());
  }

  @Test
  void answersTheGlobalCompatibilityLevel() throws Exception {
    Answer answer = call("GET", "/config", null);

    assertEquals(200, answer.status);
    assertEquals(V1, answer.contentType);
    assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", answer.body.toString());
  }

  @Test
  void anUnknownPathIs404WithConfluentsBody() throws Exception {
    Answer answer = call("GET", "/no/such/path", null);

    assertEquals(404, answer.status);
    assertEquals(V1, answer.contentType);
    assertEquals("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", answer.body.toString());
  }

  @Test
  void aWrongMethodIs405() throws Exception {
    Answer answer = call("DELETE", "/schemas/ids/1", null);

    assertEquals(405, answer.status);
    assertEquals("{\"error_code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}", answer.body.toString());
    assertEquals("GET", answer.allow);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/json; charset=utf-8"
      })
  void acceptsConfluentsRequestMediaTypes(String contentType) throws Exception {
    Answer answer = call("POST", "/subjects/parcels-value/versions", schemaBody(PARCEL_V1), contentType);

    assertEquals(200, answer.status, answer.body.toString());
  }

  @Test
  void anUnsupportedRequestMediaTypeIs415() throws Exception {
    Answer answer = call("POST", "/subjects/parcels-value/versions", schemaBody(PARCEL_V1), "text/plain");

    assertEquals(415, answer.status);
    assertEquals(415, answer.body.get("error_code").asInt());
  }

  @Test
  void malformedJsonIs400() throws Exception {
    Answer answer = call("POST", "/subjects/parcels-value/versions", "{\"schema\": ");

    assertEquals(400, answer.status);
    assertEquals(400, answer.body.get("error_code").asInt());
  }

  @Test
  void aSubjectWithAnEncodedSlashStaysOneSubject() throws Exception {
    register("team/parcels-value", PARCEL_V1);

    Answer answer = call("GET", "/subjects", null);

    assertEquals("[\"team/parcels-value\"]", answer.body.toString());
    assertEquals(200, call("GET", "/subjects/team%2Fparcels-value/versions/1", null).status);
  }

  private Answer register(String subject, String schema) throws Exception {
    String encoded = subject.replace("/", "%2F");
    return call("POST", "/subjects/" + encoded + "/versions", schemaBody(schema));
  }

  private String schemaBody(String schema) {
    return json.createObjectNode().put("schema", schema).toString();
  }

  private Answer call(String method, String path, String body) throws Exception {
    return call(method, path, body, V1);
  }

  private Answer call(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType);
      request.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        response.headers().firstValue("Allow").orElse(null),
        json.readTree(response.body()));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> sorted(List<String> names) {
    List<String> copy = new ArrayList<>(names);
    copy.sort(null);
    return copy;
  }

  private static String sortedArray(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(item -> items.add(item.toString()));
    items.sort(null);
    return "[" + String.join(",", items) + "]";
  }

  private record Answer(int status, String contentType, String allow, JsonNode body) {}
}
