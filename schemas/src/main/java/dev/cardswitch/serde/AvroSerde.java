package dev.cardswitch.serde;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for Avro records in Confluent's wire format: an {@link AvroSerializer}
 * and an {@link AvroDeserializer} sharing one registry client. Build one per topic side with
 * {@link #specific} or {@link #generic}; or name this class in Kafka's configuration and let
 * {@link #configure(Map, boolean)} read Confluent's keys. No static state: each serde is built
 * from the registry client it is given.
 *
 * <p>Thread-safe once configured.
 */
public final class AvroSerde<T extends GenericContainer> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** For Kafka's construction by class name: {@link #configure(Map, boolean)} must follow. */
  public AvroSerde() {
    this(new AvroSerializer<>(), new AvroDeserializer<>());
  }

  private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** A serde of the generated class {@code type}, registering its schema on first use. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistryClient client, boolean isKey) {
    return specific(type, client, isKey, AvroSerdeConfig.defaults());
  }

  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistryClient client, boolean isKey, AvroSerdeConfig config) {
    return new AvroSerde<>(
        new AvroSerializer<>(client, isKey, config), AvroDeserializer.specific(type, client, isKey));
  }

  /** A serde of generic records; reads with the writer's schema. */
  public static AvroSerde<GenericRecord> generic(SchemaRegistryClient client, boolean isKey) {
    return new AvroSerde<>(
        new AvroSerializer<>(client, isKey), AvroDeserializer.generic(client, isKey));
  }

  /** A serde of generic records; reads resolved to {@code readerSchema}. */
  public static AvroSerde<GenericRecord> generic(
      SchemaRegistryClient client, Schema readerSchema, boolean isKey) {
    return new AvroSerde<>(
        new AvroSerializer<>(client, isKey), AvroDeserializer.generic(client, readerSchema, isKey));
  }

  /**
   * Configures both halves from Confluent's keys; without a client given at construction, builds
   * one HTTP client for both.
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SchemaRegistryClient shared =
        serializer.hasClient() ? null : HttpSchemaRegistryClient.fromConfigs(configs);
    serializer.configure(configs, isKey, shared);
    deserializer.configure(configs, isKey, shared);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
