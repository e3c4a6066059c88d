package dev.cardswitch.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over Confluent's REST API, with {@link HttpClient} and Jackson.
 *
 * <p>Caches both ways, forever: (subject, schema) to id and id to schema never change in a
 * registry, so after the first call per schema a serde does no HTTP. Listing calls are not cached.
 * Redirects are followed only within the registry's own origin (scheme, host, port), at most {@value
 * #MAX_REDIRECTS} times, so credentials never travel to another host. Credentials are never logged.
 *
 * <p>Thread-safe: the caches are concurrent maps; two threads missing the same entry at once may
 * both ask the registry, which answers both the same.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  /** Same-origin redirects followed per call; more means a misconfigured proxy. */
  public static final int MAX_REDIRECTS = 3;

  private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private final SchemaRegistryConfig config;
  private final String baseUrl;
  private final String authorization;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public HttpSchemaRegistryClient(SchemaRegistryConfig config) {
    this.config = config;
    this.baseUrl = config.url().toString();
    this.authorization = config.credentials().map(BasicCredentials::authorizationHeader).orElse(null);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout())
            // Redirects are handled in call(): only same-origin ones are followed.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The client for Confluent-style settings; see {@link SchemaRegistryConfig#fromConfigs(Map)}. */
  public static HttpSchemaRegistryClient fromConfigs(Map<String, ?> configs) {
    return new HttpSchemaRegistryClient(SchemaRegistryConfig.fromConfigs(configs));
  }

  @Override
  public int register(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    Answer answer = call("POST", subjectPath(subject) + "/versions", schemaRequest(schema));
    int id = requiredInt(answer, "id", "POST " + subjectPath(subject) + "/versions");
    remember(subject, schema, id);
    return id;
  }

  @Override
  public int idOf(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    Answer answer = call("POST", subjectPath(subject), schemaRequest(schema));
    int id = requiredInt(answer, "id", "POST " + subjectPath(subject));
    remember(subject, schema, id);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String path = "/schemas/ids/" + id;
    Answer answer = call("GET", path, null);
    Schema schema = parseSchema(answer, "GET " + path);
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced != null ? raced : schema;
  }

  @Override
  public List<String> subjects() {
    Answer answer = call("GET", "/subjects", null);
    List<String> subjects = new ArrayList<>();
    requireArray(answer, "GET /subjects").forEach(node -> subjects.add(node.asText()));
    return List.copyOf(subjects);
  }

  @Override
  public List<Integer> versions(String subject) {
    String path = subjectPath(subject) + "/versions";
    Answer answer = call("GET", path, null);
    List<Integer> versions = new ArrayList<>();
    requireArray(answer, "GET " + path).forEach(node -> versions.add(node.asInt()));
    return List.copyOf(versions);
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return fetchVersion(subject, "latest");
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    return fetchVersion(subject, Integer.toString(version));
  }

  @Override
  public CompatibilityCheck checkCompatibility(String subject, Schema schema) {
    String path = "/compatibility" + subjectPath(subject) + "/versions/latest?verbose=true";
    Answer answer = call("POST", path, schemaRequest(schema));
    JsonNode compatible = answer.get("is_compatible");
    if (compatible == null || !compatible.isBoolean()) {
      throw protocolError(answer, "POST " + path, "no boolean is_compatible in the answer");
    }
    List<String> messages = new ArrayList<>();
    JsonNode list = answer.get("messages");
    if (list != null && list.isArray()) {
      list.forEach(node -> messages.add(node.asText()));
    }
    return new CompatibilityCheck(compatible.booleanValue(), messages);
  }

  @Override
  public String url() {
    return baseUrl;
  }

  @Override
  public String toString() {
    return "HttpSchemaRegistryClient[" + config + "]";
  }

  private RegisteredSchema fetchVersion(String subject, String version) {
    String path = subjectPath(subject) + "/versions/" + version;
    Answer answer = call("GET", path, null);
    Schema schema = parseSchema(answer, "GET " + path);
    int id = requiredInt(answer, "id", "GET " + path);
    int number = requiredInt(answer, "version", "GET " + path);
    schemasById.putIfAbsent(id, schema);
    remember(subject, schema, id);
    return new RegisteredSchema(subject, number, id, schema);
  }

  private Integer cachedId(String subject, Schema schema) {
    Map<Schema, Integer> ids = idsBySubject.get(subject);
    return ids == null ? null : ids.get(schema);
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private String schemaRequest(Schema schema) {
    ObjectNode body = json.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private Schema parseSchema(Answer answer, String what) {
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
      throw protocolError(
          answer, what, "the schema is of type " + type.asText() + "; only Avro schemas are supported");
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw protocolError(answer, what, "no schema string in the answer");
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw protocolError(answer, what, "the schema does not parse as Avro: " + e.getMessage());
    }
  }

  private int requiredInt(Answer answer, String field, String what) {
    JsonNode node = answer.get(field);
    if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
      throw protocolError(answer, what, "no integer " + field + " in the answer");
    }
    return node.intValue();
  }

  private JsonNode requireArray(Answer answer, String what) {
    if (!answer.body().isArray()) {
      throw protocolError(answer, what, "expected a JSON array");
    }
    return answer.body();
  }

  private static String subjectPath(String subject) {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("subject must be non-empty");
    }
    return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Answer call(String method, String path, String body) {
    String what = method + " " + path;
    URI target = URI.create(baseUrl + path);
    for (int redirects = 0; ; redirects++) {
      HttpResponse<String> response = send(method, target, body, what);
      int status = response.statusCode();
      log.debug("{} {} answered {}", baseUrl, what, status);
      if (status >= 200 && status < 300) {
        JsonNode parsed = parseOrNull(response.body());
        if (parsed == null) {
          throw new SchemaRegistryException(
              "Schema registry at " + baseUrl + " answered " + what + " with a body that is not JSON",
              status,
              SchemaRegistryException.NONE,
              baseUrl,
              null);
        }
        return new Answer(status, parsed);
      }
      if (status >= 300 && status < 400) {
        target = followable(target, response, method, what, redirects);
        continue;
      }
      throw errorFrom(response, what);
    }
  }

  private JsonNode parseOrNull(String body) {
    try {
      JsonNode parsed = json.readTree(body);
      return parsed == null || parsed.isMissingNode() ? null : parsed;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private HttpResponse<String> send(String method, URI target, String body, String what) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(config.requestTimeout())
            .header("Accept", SchemaRegistryProtocol.ACCEPT);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", SchemaRegistryProtocol.CONTENT_TYPE);
      request.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw unreachable(what, "did not answer within " + timeoutOf(e), e);
    } catch (IOException e) {
      throw unreachable(what, "is unreachable (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          "Interrupted while calling the schema registry at " + baseUrl + " (" + what + ")",
          SchemaRegistryException.NONE,
          SchemaRegistryException.NONE,
          baseUrl,
          e);
    }
  }

  private String timeoutOf(HttpTimeoutException e) {
    return (e instanceof java.net.http.HttpConnectTimeoutException
            ? config.connectTimeout()
            : config.requestTimeout())
        .toMillis()
        + " ms";
  }

  private SchemaRegistryException unreachable(String what, String problem, Throwable cause) {
    return new SchemaRegistryException(
        "Schema registry at "
            + baseUrl
            + " "
            + problem
            + " ("
            + what
            + "): check that it runs and that "
            + SchemaRegistryConfig.SCHEMA_REGISTRY_URL_ENV
            + " points at it",
        SchemaRegistryException.NONE,
        SchemaRegistryException.NONE,
        baseUrl,
        cause);
  }

  private URI followable(
      URI from, HttpResponse<String> response, String method, String what, int redirects) {
    int status = response.statusCode();
    String location = response.headers().firstValue("Location").orElse(null);
    if (location == null) {
      throw new SchemaRegistryException(
          "Schema registry at " + baseUrl + " answered " + what + " with " + status + " and no Location",
          status,
          SchemaRegistryException.NONE,
          baseUrl,
          null);
    }
    URI next = from.resolve(location);
    if (!sameOrigin(from, next)) {
      throw new SchemaRegistryException(
          "Schema registry at "
              + baseUrl
              + " redirected "
              + what
              + " to another origin ("
              + origin(next)
              + "); not followed, so credentials stay with the configured registry: set "
              + SchemaRegistryConfig.SCHEMA_REGISTRY_URL_ENV
              + " to the registry's final address",
          status,
          SchemaRegistryException.NONE,
          baseUrl,
          null);
    }
    // 307/308 keep the method and body; 301/302/303 are followed for GET only, as a browser would
    // turn a POST into a GET and lose the schema.
    boolean keepsMethod = status == 307 || status == 308;
    if (!keepsMethod && !method.equals("GET")) {
      throw new SchemaRegistryException(
          "Schema registry at " + baseUrl + " answered " + what + " with redirect " + status
              + ", which would turn the request into a GET: set "
              + SchemaRegistryConfig.SCHEMA_REGISTRY_URL_ENV + " to the registry's final address",
          status,
          SchemaRegistryException.NONE,
          baseUrl,
          null);
    }
    if (redirects >= MAX_REDIRECTS) {
      throw new SchemaRegistryException(
          "Schema registry at " + baseUrl + " redirected " + what + " more than " + MAX_REDIRECTS + " times",
          status,
          SchemaRegistryException.NONE,
          baseUrl,
          null);
    }
    return next;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
        && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
        && port(a) == port(b)
        && b.getRawUserInfo() == null;
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  private SchemaRegistryException errorFrom(HttpResponse<String> response, String what) {
    int status = response.statusCode();
    int errorCode = SchemaRegistryException.NONE;
    String explanation = null;
    JsonNode body = parseOrNull(response.body());
    if (body != null && body.isObject()) {
      JsonNode code = body.get("error_code");
      if (code != null && code.canConvertToInt()) {
        errorCode = code.intValue();
      }
      JsonNode message = body.get("message");
      if (message != null && !message.isNull()) {
        explanation = message.asText();
      }
    } else {
      explanation = excerpt(response.body());
    }
    StringBuilder message = new StringBuilder();
    message.append("Schema registry at ").append(baseUrl).append(" answered HTTP ").append(status);
    message.append(" to ").append(what);
    if (errorCode != SchemaRegistryException.NONE) {
      message.append(": error_code ").append(errorCode);
    }
    if (explanation != null && !explanation.isEmpty()) {
      message.append(errorCode != SchemaRegistryException.NONE ? ", " : ": ").append(explanation);
    }
    String hint = hint(status, errorCode);
    if (hint != null) {
      message.append(" (").append(hint).append(")");
    }
    return new SchemaRegistryException(message.toString(), status, errorCode, baseUrl, null);
  }

  private String hint(int status, int errorCode) {
    if (status == 401 || status == 403) {
      return authorization == null
          ? "the registry requires credentials: set "
              + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG
              + "=USER_INFO and "
              + SchemaRegistryConfig.BASIC_AUTH_USER_INFO_CONFIG
          : "check the credentials in " + SchemaRegistryConfig.BASIC_AUTH_USER_INFO_CONFIG;
    }
    if (errorCode == 404) {
      return "no such endpoint: is " + SchemaRegistryConfig.SCHEMA_REGISTRY_URL_ENV
          + " the registry's base URL?";
    }
    if (status >= 500) {
      return "the registry failed: retry later, or look at the registry's log";
    }
    return null;
  }

  private static String excerpt(String body) {
    if (body == null) {
      return null;
    }
    String flat = body.replaceAll("\\s+", " ").trim();
    if (flat.length() > MAX_BODY_IN_MESSAGE) {
      flat = flat.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
    return flat.isEmpty() ? null : flat;
  }

  private SchemaRegistryException protocolError(Answer answer, String what, String problem) {
    return new SchemaRegistryException(
        "Schema registry at " + baseUrl + " answered " + what + " unexpectedly: " + problem,
        answer.status(),
        SchemaRegistryException.NONE,
        baseUrl,
        null);
  }

  /** A successful answer: its status (for errors about its content) and its JSON body. */
  private record Answer(int status, JsonNode body) {
    JsonNode get(String field) {
      return body.get(field);
    }
  }
}
