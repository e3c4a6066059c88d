package dev.cardswitch.serde;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent's wire format (see {@link WireFormat}): reads the writer schema's id,
 * fetches that schema from the registry once, and resolves it to the reader's schema, so records
 * written with an older or newer schema are read as the reader expects (Avro's schema resolution:
 * added fields take their defaults, removed fields are skipped).
 *
 * <p>The reader's schema is, in this order: the generated class given at construction; a reader
 * schema given at construction; with {@code specific.avro.reader=true}, the generated class named
 * by the writer's schema; otherwise the writer's schema itself (generic records).
 *
 * <p>Failures are {@link SerializationException}s that name the topic, the schema id, lengths and
 * schema names, never payload bytes or decoded values: records may hold card data. After the first
 * record per schema id there is no registry call; the datum reader per writer id is cached, and
 * each thread reuses its decoder.
 *
 * <p>Thread-safe once configured.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private volatile Settings settings;
  private final SchemaIdTable<DatumReader<T>> readers = new SchemaIdTable<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  /** For Kafka's construction by class name: {@link #configure(Map, boolean)} must follow. */
  public AvroDeserializer() {}

  private AvroDeserializer(SchemaRegistryClient client, boolean isKey, Reader reader) {
    this.settings = new Settings(Objects.requireNonNull(client, "client"), isKey, reader);
  }

  /** Reads into the generated class {@code type}, whatever version of its schema wrote the data. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(
      Class<T> type, SchemaRegistryClient client, boolean isKey) {
    Objects.requireNonNull(type, "type");
    Schema schema = SpecificData.getForClass(type).getSchema(type);
    return new AvroDeserializer<>(client, isKey, new Reader(schema, type, false));
  }

  /** Reads generic records with the writer's own schema. */
  public static AvroDeserializer<GenericRecord> generic(
      SchemaRegistryClient client, boolean isKey) {
    return new AvroDeserializer<>(client, isKey, new Reader(null, null, false));
  }

  /** Reads generic records resolved to {@code readerSchema}. */
  public static AvroDeserializer<GenericRecord> generic(
      SchemaRegistryClient client, Schema readerSchema, boolean isKey) {
    Objects.requireNonNull(readerSchema, "readerSchema");
    return new AvroDeserializer<>(client, isKey, new Reader(readerSchema, null, false));
  }

  /**
   * Reads the serde options ({@code specific.avro.reader}) from {@code configs}; builds an HTTP
   * registry client from them unless this deserializer was given one. A class or reader schema
   * given at construction is kept.
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    configure(configs, isKey, null);
  }

  /** As {@link #configure(Map, boolean)}, with a client to use when none was given before. */
  void configure(Map<String, ?> configs, boolean isKey, SchemaRegistryClient shared) {
    Settings current = settings;
    SchemaRegistryClient client =
        current != null
            ? current.client
            : shared != null ? shared : HttpSchemaRegistryClient.fromConfigs(configs);
    boolean bySpecificName = AvroSerdeConfig.fromConfigs(configs).specificAvroReader();
    Reader reader =
        current != null && (current.reader.schema != null || current.reader.type != null)
            ? current.reader
            : new Reader(null, null, bySpecificName);
    settings = new Settings(client, isKey, reader);
    readers.clear();
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    Settings current = configured();
    WireFormat.checkHeader(data, topic);
    int id = WireFormat.readId(data);
    DatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = readers.computeIfAbsent(id, unknown -> newReader(current, topic, unknown));
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.get());
    decoders.set(decoder);
    try {
      return reader.read(null, decoder);
    } catch (EOFException e) {
      throw new SerializationException(
          "Truncated payload from topic "
              + topic
              + ": "
              + data.length
              + " bytes end before the data of writer schema id "
              + id
              + " is complete");
    } catch (IOException | RuntimeException e) {
      // Avro's messages can quote decoded values: keep only the exception's type, and no cause.
      throw new SerializationException(
          "Could not decode a payload of "
              + data.length
              + " bytes from topic "
              + topic
              + " with writer schema id "
              + id
              + ": "
              + e.getClass().getName()
              + " (payload and values are not shown: they may be card data)");
    }
  }

  private Settings configured() {
    Settings current = settings;
    if (current == null) {
      throw new IllegalStateException(
          "AvroDeserializer is not configured: call configure(configs, isKey) or build it with"
              + " specific(...) or generic(...)");
    }
    return current;
  }

  private DatumReader<T> newReader(Settings current, String topic, int id) {
    Schema writer = writerSchema(current, topic, id);
    Reader policy = current.reader;
    if (policy.type != null) {
      checkResolvable(writer, policy.schema, id, topic);
      return new SpecificDatumReader<>(
          writer, policy.schema, SpecificData.getForClass(policy.type));
    }
    if (policy.schema != null) {
      checkResolvable(writer, policy.schema, id, topic);
      return new GenericDatumReader<>(writer, policy.schema, GenericData.get());
    }
    if (policy.bySpecificName && isNamed(writer)) {
      Class<?> type = SpecificData.get().getClass(writer);
      if (type == null) {
        throw new SerializationException(
            AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG
                + "=true but no generated class "
                + writer.getFullName()
                + " is on the classpath (writer schema id "
                + id
                + ", topic "
                + topic
                + "): add the generated classes, or set "
                + AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG
                + "=false to read generic records");
      }
      SpecificData model = SpecificData.getForClass(type);
      Schema readerSchema = model.getSchema(type);
      checkResolvable(writer, readerSchema, id, topic);
      return new SpecificDatumReader<>(writer, readerSchema, model);
    }
    return new GenericDatumReader<>(writer, writer, GenericData.get());
  }

  private Schema writerSchema(Settings current, String topic, int id) {
    try {
      return current.client.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.isSchemaNotFound()) {
        throw new SerializationException(
            "Unknown schema id "
                + id
                + " in a record from topic "
                + topic
                + ": the schema registry at "
                + e.url()
                + " has no schema with this id (error_code "
                + e.errorCode()
                + "); the record was written against another registry, or this registry lost its"
                + " schemas",
            e);
      }
      throw new SerializationException(
          "Could not fetch writer schema id " + id + " for topic " + topic + ": " + e.getMessage(),
          e);
    }
  }

  private static boolean isNamed(Schema schema) {
    return schema.getType() == Schema.Type.RECORD
        || schema.getType() == Schema.Type.ENUM
        || schema.getType() == Schema.Type.FIXED;
  }

  private static void checkResolvable(Schema writer, Schema reader, int id, String topic) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    String problems =
        result.getResult().getIncompatibilities().stream()
            .map(i -> i.getType() + " at " + fieldPath(reader, i.getLocation()) + " (" + i.getLocation() + "): "
                + i.getMessage())
            .collect(Collectors.joining("; "));
    throw new SerializationException(
        "Writer schema id "
            + id
            + " ("
            + writer.getFullName()
            + ") from topic "
            + topic
            + " cannot be read as "
            + reader.getFullName()
            + ": "
            + problems);
  }

  /**
   * The dotted field names (e.g. {@code data.card_id}) that Avro's JSON-pointer location into the
   * reader schema ({@code /fields/5/type/fields/0/type}) points at, so a producer learns which field
   * to fix; {@code the record} for the root. Schema names only, never values.
   */
  static String fieldPath(Schema reader, String location) {
    StringBuilder path = new StringBuilder();
    Schema current = reader;
    String[] tokens = location == null ? new String[0] : location.split("/");
    try {
      for (int i = 0; i < tokens.length; i++) {
        String token = tokens[i];
        if (token.equals("fields") && i + 1 < tokens.length && current.getType() == Schema.Type.RECORD) {
          Schema.Field field = current.getFields().get(Integer.parseInt(tokens[++i]));
          path.append(path.length() == 0 ? "" : ".").append(field.name());
          current = field.schema();
        } else if (token.matches("\\d+") && current.getType() == Schema.Type.UNION) {
          current = current.getTypes().get(Integer.parseInt(token));
        } else if (token.equals("items") && current.getType() == Schema.Type.ARRAY) {
          current = current.getElementType();
        } else if (token.equals("values") && current.getType() == Schema.Type.MAP) {
          current = current.getValueType();
        }
      }
    } catch (RuntimeException e) {
      // A location this walk does not understand: the raw location, given beside it, still says it.
    }
    return path.length() == 0 ? "the record" : path.toString();
  }

  private record Settings(SchemaRegistryClient client, boolean isKey, Reader reader) {}

  /** Which reader schema to resolve to; see the class comment. */
  private record Reader(Schema schema, Class<?> type, boolean bySpecificName) {}
}
