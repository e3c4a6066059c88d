package dev.cardswitch.registry.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cardswitch.registry.BasicCredentials;
import dev.cardswitch.registry.SchemaRegistryProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Confluent's REST subset over a {@link SchemaCatalog}: routing, media types, basic
 * authentication, JSON bodies and Confluent's error bodies ({@code {"error_code", "message"}},
 * with Confluent's statuses; unknown paths 404, wrong methods 405, unknown request media types
 * 415, malformed JSON 400, as Confluent's REST layer answers them). Never logs headers or bodies.
 * Thread-safe: no state besides the request counter.
 */
final class RegistryHttpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final int MAX_BODY_BYTES = 4 << 20;

  private final SchemaCatalog catalog;
  private final BasicCredentials requiredCredentials;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong requests = new AtomicLong();

  RegistryHttpHandler(SchemaCatalog catalog, BasicCredentials requiredCredentials) {
    this.catalog = catalog;
    this.requiredCredentials = requiredCredentials;
  }

  long requestCount() {
    return requests.get();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = exchange.getRequestURI().getRawPath();
    int status;
    try {
      status = route(exchange, method, path);
    } catch (RegistryError e) {
      e.allowedMethods().ifPresent(allowed -> exchange.getResponseHeaders().set("Allow", allowed));
      status = sendError(exchange, e.status(), e.errorCode(), e.getMessage());
    } catch (SchemaStoreException e) {
      log.warn("Development schema registry: store failure on {} {}: {}", method, path, e.getMessage());
      status =
          sendError(
              exchange,
              500,
              SchemaRegistryProtocol.STORE_ERROR,
              "Error in the backend data store: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("Development schema registry: unexpected failure on {} {}", method, path, e);
      status =
          sendError(
              exchange, 500, 500, "Internal error: " + e.getClass().getSimpleName());
    } finally {
      exchange.close();
    }
    log.debug("{} {} -> {}", method, path, status);
  }

  private int route(HttpExchange exchange, String method, String rawPath) throws IOException {
    if (requiredCredentials != null
        && !requiredCredentials.matchesAuthorizationHeader(
            exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
      return sendError(exchange, 401, 401, "Unauthorized");
    }
    List<String> segments = segments(rawPath);
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    int size = segments.size();
    String first = size > 0 ? segments.get(0) : "";

    if (size == 0) {
      allow(method, "GET");
      return send(exchange, 200, json.createObjectNode());
    }
    if (first.equals("subjects")) {
      if (size == 1) {
        allow(method, "GET");
        ArrayNode subjects = json.createArrayNode();
        catalog.subjects().forEach(subjects::add);
        return send(exchange, 200, subjects);
      }
      String subject = segments.get(1);
      if (size == 2) {
        allow(method, "POST");
        SchemaRecord record = catalog.lookup(subject, schemaOf(exchange));
        return send(exchange, 200, describe(record));
      }
      if (segments.get(2).equals("versions")) {
        if (size == 3) {
          allow(method, "GET", "POST");
          if (method.equals("POST")) {
            int id = catalog.register(subject, schemaOf(exchange));
            return send(exchange, 200, json.createObjectNode().put("id", id));
          }
          ArrayNode versions = json.createArrayNode();
          catalog.versions(subject).forEach(r -> versions.add(r.version()));
          return send(exchange, 200, versions);
        }
        if (size == 4) {
          allow(method, "GET");
          return send(exchange, 200, describe(catalog.version(subject, segments.get(3))));
        }
        if (size == 5 && segments.get(4).equals("schema")) {
          allow(method, "GET");
          return sendRaw(exchange, catalog.version(subject, segments.get(3)).schema());
        }
      }
    }
    if (first.equals("schemas") && size >= 3 && size <= 4 && segments.get(1).equals("ids")) {
      Integer id = parseId(segments.get(2));
      if (id != null) {
        if (size == 3) {
          allow(method, "GET");
          return send(exchange, 200, json.createObjectNode().put("schema", catalog.schemaById(id)));
        }
        switch (segments.get(3)) {
          case "schema":
            allow(method, "GET");
            return sendRaw(exchange, catalog.schemaById(id));
          case "versions":
            allow(method, "GET");
            ArrayNode usages = json.createArrayNode();
            catalog.usagesOf(id).forEach(r -> usages.addObject().put("subject", r.subject()).put("version", r.version()));
            return send(exchange, 200, usages);
          case "subjects":
            allow(method, "GET");
            ArrayNode subjects = json.createArrayNode();
            catalog.usagesOf(id).stream().map(SchemaRecord::subject).distinct().forEach(subjects::add);
            return send(exchange, 200, subjects);
          default:
            break;
        }
      }
    }
    if (first.equals("compatibility")
        && size == 5
        && segments.get(1).equals("subjects")
        && segments.get(3).equals("versions")) {
      allow(method, "POST");
      boolean verbose = "true".equalsIgnoreCase(query.get("verbose"));
      List<String> problems =
          catalog.compatibilityProblems(segments.get(2), segments.get(4), schemaOf(exchange), verbose);
      ObjectNode answer = json.createObjectNode().put("is_compatible", problems.isEmpty());
      if (verbose) {
        problems.forEach(answer.putArray("messages")::add);
      }
      return send(exchange, 200, answer);
    }
    if (first.equals("config")) {
      if (size == 1) {
        allow(method, "GET", "PUT");
        if (method.equals("PUT")) {
          String level = requestedLevel(exchange);
          return send(exchange, 200, json.createObjectNode().put("compatibility", level));
        }
        return send(exchange, 200, compatibilityLevel());
      }
      if (size == 2) {
        allow(method, "GET");
        if ("true".equalsIgnoreCase(query.get("defaultToGlobal"))) {
          return send(exchange, 200, compatibilityLevel());
        }
        throw new RegistryError(
            404,
            SchemaRegistryProtocol.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
            "Subject '" + segments.get(1) + "' does not have subject-level compatibility configured");
      }
    }
    throw new RegistryError(404, 404, "HTTP 404 Not Found");
  }

  private ObjectNode compatibilityLevel() {
    return json.createObjectNode().put("compatibilityLevel", SchemaRegistryProtocol.BACKWARD);
  }

  /** The dev registry's rule is fixed: setting it to BACKWARD is accepted, anything else is not. */
  private String requestedLevel(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    JsonNode level = body.get("compatibility");
    String requested = level == null ? "" : level.asText().toUpperCase(Locale.ROOT);
    if (!requested.equals(SchemaRegistryProtocol.BACKWARD)) {
      throw new RegistryError(
          422,
          SchemaRegistryProtocol.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level: the development registry applies BACKWARD only");
    }
    return requested;
  }

  private ObjectNode describe(SchemaRecord record) {
    return json.createObjectNode()
        .put("subject", record.subject())
        .put("version", record.version())
        .put("id", record.id())
        .put("schema", record.schema());
  }

  /** The Avro schema text of a register/lookup/compatibility request body. */
  private String schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !type.asText().equalsIgnoreCase("AVRO")) {
      throw new RegistryError(
          422,
          SchemaRegistryProtocol.INVALID_SCHEMA,
          "Invalid schema type " + type.asText() + ": the development registry serves Avro schemas only");
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && references.size() > 0) {
      throw new RegistryError(
          422,
          SchemaRegistryProtocol.INVALID_SCHEMA,
          "Schema references are not supported by the development registry: inline the referenced types");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || schema.isNull()) {
      throw new RegistryError(422, SchemaRegistryProtocol.INVALID_SCHEMA, "Empty schema");
    }
    if (!schema.isTextual()) {
      throw new RegistryError(
          422, SchemaRegistryProtocol.INVALID_SCHEMA, "Invalid schema: \"schema\" must be a string");
    }
    return schema.asText();
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (!SchemaRegistryProtocol.isAcceptedRequestType(contentType)) {
      throw new RegistryError(415, 415, "HTTP 415 Unsupported Media Type");
    }
    byte[] bytes = readBody(exchange.getRequestBody());
    JsonNode body;
    try {
      body = json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new RegistryError(400, 400, "Malformed JSON body: " + e.getOriginalMessage());
    }
    if (body == null || body.isMissingNode()) {
      throw new RegistryError(422, 422, "Request body is empty: send {\"schema\": \"...\"}");
    }
    if (!body.isObject()) {
      throw new RegistryError(400, 400, "Request body must be a JSON object");
    }
    return body;
  }

  private static byte[] readBody(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    for (int n; (n = in.read(chunk)) >= 0; ) {
      out.write(chunk, 0, n);
      if (out.size() > MAX_BODY_BYTES) {
        throw new RegistryError(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
      }
    }
    return out.toByteArray();
  }

  private static void allow(String method, String... allowed) {
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return;
      }
    }
    throw RegistryError.methodNotAllowed(String.join(", ", allowed));
  }

  private int send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    return write(exchange, status, json.writeValueAsBytes(body));
  }

  /** Confluent answers {@code .../schema} endpoints with the bare schema JSON. */
  private int sendRaw(HttpExchange exchange, String schema) throws IOException {
    return write(exchange, 200, schema.getBytes(StandardCharsets.UTF_8));
  }

  private int sendError(HttpExchange exchange, int status, int errorCode, String message)
      throws IOException {
    ObjectNode body = json.createObjectNode().put("error_code", errorCode).put("message", message);
    return write(exchange, status, json.writeValueAsBytes(body));
  }

  private static int write(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", SchemaRegistryProtocol.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    return status;
  }

  private static Integer parseId(String text) {
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Path segments, percent-decoded one by one so an encoded '/' stays inside its segment. */
  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(percentDecode(raw));
      }
    }
    return segments;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        query.put(percentDecode(pair.substring(0, equals)), percentDecode(pair.substring(equals + 1)));
      } else if (!pair.isEmpty()) {
        query.put(percentDecode(pair), "");
      }
    }
    return query;
  }

  private static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        int high = Character.digit(raw.charAt(i + 1), 16);
        int low = Character.digit(raw.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high << 4 | low);
          i += 3;
          continue;
        }
      }
      int end = i + 1;
      while (end < raw.length() && raw.charAt(end) != '%') {
        end++;
      }
      byte[] plain = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
      bytes.write(plain, 0, plain.length);
      i = end;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
