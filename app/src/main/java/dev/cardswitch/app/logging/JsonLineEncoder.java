package dev.cardswitch.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder writing one JSON object per line ({@code LOG_FORMAT=json}), for log collectors:
 * {@code time} (ISO-8601, UTC), {@code level}, {@code logger}, {@code thread}, {@code message} (the
 * same text as the human format), then the event's structured fields at the top level: SLF4J
 * key-value pairs ({@code task_id}, {@code outcome}, {@code attempt}: see the Knot client) and MDC
 * entries, then {@code error} and {@code stack_trace} when a throwable is attached. Numbers stay
 * numbers, so {@code task_id} can be queried as Knot's numeric task id.
 *
 * <p>It adds nothing the text format would not print: the messages are the same (card-switch never
 * logs card data), and a structured field whose name is one of the fixed ones is written as {@code
 * field_<name>} rather than overwrite it. Thread-safe: each event is written to its own buffer.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> FIXED = Set.of("time", "level", "logger", "thread", "message", "error",
      "stack_trace");
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair pair : event.getKeyValuePairs()) {
          writeField(json, pair.key, pair.value);
        }
      }
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null) {
        for (Map.Entry<String, String> e : mdc.entrySet()) {
          writeField(json, e.getKey(), e.getValue());
        }
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        json.writeStringField("error", error.getClassName()
            + (error.getMessage() == null ? "" : ": " + error.getMessage()));
        json.writeStringField("stack_trace", ThrowableProxyUtil.asString(error));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a log event could not be written as JSON", e); // never: it writes to memory
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void writeField(JsonGenerator json, String key, Object value) throws IOException {
    String name = FIXED.contains(key) ? "field_" + key : key;
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      json.writeNumberField(name, ((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      json.writeBooleanField(name, b);
    } else {
      json.writeStringField(name, String.valueOf(value));
    }
  }
}
