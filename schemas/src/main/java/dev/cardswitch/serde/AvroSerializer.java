package dev.cardswitch.serde;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryException;
import dev.cardswitch.registry.SchemaRegistryProtocol;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records (generated {@link SpecificRecord}s or {@link
 * org.apache.avro.generic.GenericRecord}s) in Confluent's wire format (see {@link WireFormat}).
 * The writer's schema is registered under the topic's TopicNameStrategy subject ({@code
 * <topic>-key} or {@code <topic>-value}); with {@code auto.register.schemas=false} its id is only
 * looked up.
 *
 * <p>Construct it with a registry client ({@link #AvroSerializer(SchemaRegistryClient, boolean)}),
 * or let Kafka construct it by class name and call {@link #configure(Map, boolean)} with
 * Confluent's keys ({@code schema.registry.url}, {@code basic.auth.*}, {@code
 * auto.register.schemas}).
 *
 * <p>After the first record of each (topic, schema) there is no registry call: the id and the
 * datum writer are cached, and each thread reuses its buffer and encoder, so a record costs the
 * returned array. Errors never carry field values: Avro's messages can quote them, so only the
 * exception type is reported, except for a null field (whose message is a field path).
 *
 * <p>Thread-safe once configured.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

  private volatile Settings settings;
  private final Map<String, Map<Schema, Target>> targetsByTopic = new ConcurrentHashMap<>();
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /** For Kafka's construction by class name: {@link #configure(Map, boolean)} must follow. */
  public AvroSerializer() {}

  /** A ready serializer with Confluent's defaults (auto-registration on). */
  public AvroSerializer(SchemaRegistryClient client, boolean isKey) {
    this(client, isKey, AvroSerdeConfig.defaults());
  }

  public AvroSerializer(SchemaRegistryClient client, boolean isKey, AvroSerdeConfig config) {
    this.settings =
        new Settings(Objects.requireNonNull(client, "client"), isKey, Objects.requireNonNull(config));
  }

  /**
   * Reads the serde options from {@code configs}; builds an HTTP registry client from them unless
   * this serializer was given one.
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
    settings = new Settings(client, isKey, AvroSerdeConfig.fromConfigs(configs));
    targetsByTopic.clear();
  }

  boolean hasClient() {
    return settings != null;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Settings current = configured();
    Schema schema = data.getSchema();
    Target target = target(current, topic, schema, data);
    Scratch reusable = scratch.get();
    ScratchBuffer out = reusable.buffer;
    out.reset();
    out.write(WireFormat.MAGIC_BYTE);
    out.writeInt(target.id);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, reusable.encoder);
    reusable.encoder = encoder;
    try {
      target.writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw writeFailure(topic, schema, target.id, e);
    }
    return out.toByteArray();
  }

  private Settings configured() {
    Settings current = settings;
    if (current == null) {
      throw new IllegalStateException(
          "AvroSerializer is not configured: call configure(configs, isKey) or construct it with a"
              + " registry client");
    }
    return current;
  }

  private Target target(Settings current, String topic, Schema schema, T data) {
    boolean specific = data instanceof SpecificRecord;
    Map<Schema, Target> bySchema = targetsByTopic.get(topic);
    if (bySchema != null) {
      Target target = bySchema.get(schema);
      if (target != null && target.specific == specific) {
        return target;
      }
    }
    int id = schemaId(current, topic, schema);
    DatumWriter<Object> writer =
        specific ? new SpecificDatumWriter<>(schema) : new GenericDatumWriter<>(schema, GenericData.get());
    Target target = new Target(id, writer, specific);
    targetsByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(schema, target);
    return target;
  }

  private int schemaId(Settings current, String topic, Schema schema) {
    String subject = SchemaRegistryProtocol.subject(topic, current.isKey);
    boolean register = current.config.autoRegisterSchemas();
    try {
      return register ? current.client.register(subject, schema) : current.client.idOf(subject, schema);
    } catch (SchemaRegistryException e) {
      if (!register && (e.isSchemaNotFound() || e.isSubjectNotFound())) {
        throw new SerializationException(
            "The schema of "
                + schema.getFullName()
                + " is not registered under subject "
                + subject
                + " at the schema registry "
                + current.client.url()
                + " and "
                + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG
                + "=false: register it before producing, or set "
                + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG
                + "=true",
            e);
      }
      throw new SerializationException(
          "Could not "
              + (register ? "register" : "look up")
              + " the schema of "
              + schema.getFullName()
              + " under subject "
              + subject
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static SerializationException writeFailure(
      String topic, Schema schema, int id, Exception e) {
    // Avro's messages may quote the offending value (an unresolved union, an unknown enum):
    // report the type only, except for a null field, whose message is its path.
    String detail =
        e instanceof NullPointerException && e.getMessage() != null
            ? e.getClass().getSimpleName() + ": " + e.getMessage()
            : e.getClass().getName();
    return new SerializationException(
        "Could not encode a "
            + schema.getFullName()
            + " for topic "
            + topic
            + " (schema id "
            + id
            + "): "
            + detail
            + " (values are not shown: they may be card data)");
  }

  private record Settings(SchemaRegistryClient client, boolean isKey, AvroSerdeConfig config) {}

  /** What a (topic, schema) pair serializes with. */
  private record Target(int id, DatumWriter<Object> writer, boolean specific) {}

  /** One thread's reusable buffer and encoder. */
  private static final class Scratch {
    final ScratchBuffer buffer = new ScratchBuffer();
    BinaryEncoder encoder;
  }
}
