package dev.cardswitch.serde;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde's own options, under Confluent's keys: whether the serializer registers schemas, and
 * whether the deserializer returns generated (specific) classes. Where the registry is lives in
 * {@link dev.cardswitch.registry.SchemaRegistryConfig}. Immutable; thread-safe.
 */
public final class AvroSerdeConfig {

  /** Confluent's key: register the writer's schema on first use (else only look its id up). */
  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
  /** Confluent's key: deserialize into the generated class named by the writer's schema. */
  public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";

  /** Confluent's default: producers register their schemas. */
  public static final boolean DEFAULT_AUTO_REGISTER_SCHEMAS = true;
  /** Confluent's default: generic records unless a class or reader schema is given. */
  public static final boolean DEFAULT_SPECIFIC_AVRO_READER = false;

  private static final AvroSerdeConfig DEFAULTS =
      new AvroSerdeConfig(DEFAULT_AUTO_REGISTER_SCHEMAS, DEFAULT_SPECIFIC_AVRO_READER);

  private final boolean autoRegisterSchemas;
  private final boolean specificAvroReader;

  private AvroSerdeConfig(boolean autoRegisterSchemas, boolean specificAvroReader) {
    this.autoRegisterSchemas = autoRegisterSchemas;
    this.specificAvroReader = specificAvroReader;
  }

  public static AvroSerdeConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Reads {@link #AUTO_REGISTER_SCHEMAS_CONFIG} and {@link #SPECIFIC_AVRO_READER_CONFIG} (booleans
   * or the strings {@code true}/{@code false}); absent keys take the defaults.
   */
  public static AvroSerdeConfig fromConfigs(Map<String, ?> configs) {
    return new AvroSerdeConfig(
        flag(configs, AUTO_REGISTER_SCHEMAS_CONFIG, DEFAULT_AUTO_REGISTER_SCHEMAS),
        flag(configs, SPECIFIC_AVRO_READER_CONFIG, DEFAULT_SPECIFIC_AVRO_READER));
  }

  public AvroSerdeConfig withAutoRegisterSchemas(boolean autoRegisterSchemas) {
    return new AvroSerdeConfig(autoRegisterSchemas, specificAvroReader);
  }

  public AvroSerdeConfig withSpecificAvroReader(boolean specificAvroReader) {
    return new AvroSerdeConfig(autoRegisterSchemas, specificAvroReader);
  }

  public boolean autoRegisterSchemas() {
    return autoRegisterSchemas;
  }

  public boolean specificAvroReader() {
    return specificAvroReader;
  }

  @Override
  public String toString() {
    return "AvroSerdeConfig[autoRegisterSchemas="
        + autoRegisterSchemas
        + ", specificAvroReader="
        + specificAvroReader
        + "]";
  }

  private static boolean flag(Map<String, ?> configs, String key, boolean fallback) {
    Object value = configs.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true")) {
      return true;
    }
    if (text.equals("false")) {
      return false;
    }
    throw new ConfigException(key, value, "must be true or false");
  }
}
