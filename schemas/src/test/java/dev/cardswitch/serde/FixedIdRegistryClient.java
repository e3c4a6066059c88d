package dev.cardswitch.serde;

import dev.cardswitch.registry.CompatibilityCheck;
import dev.cardswitch.registry.RegisteredSchema;
import dev.cardswitch.registry.SchemaRegistryClient;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A registry stand-in that gives every schema one fixed id, so a test can pin the bytes of the
 * header. Only for the golden-bytes test; every other test talks to the development registry over
 * HTTP.
 */
final class FixedIdRegistryClient implements SchemaRegistryClient {

  private final int id;
  private volatile Schema schema;

  FixedIdRegistryClient(int id) {
    this.id = id;
  }

  @Override
  public int register(String subject, Schema schema) {
    this.schema = schema;
    return id;
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return register(subject, schema);
  }

  @Override
  public Schema schemaById(int id) {
    return schema;
  }

  @Override
  public List<String> subjects() {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<Integer> versions(String subject) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RegisteredSchema latest(String subject) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompatibilityCheck checkCompatibility(String subject, Schema schema) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String url() {
    return "fixed-id";
  }
}
