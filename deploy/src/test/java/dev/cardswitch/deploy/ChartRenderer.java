package dev.cardswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders the card-switch chart with Helm's own code (helm-java: Helm's Go library through JNA, no
 * helm binary) and parses the manifests. The values are written to a values file, as an operator
 * would pass them, so that a value with commas (bootstrap servers) stays one value. Not thread-safe:
 * one per test.
 */
final class ChartRenderer {

  static final String RELEASE = "cs";
  static final String NAMESPACE = "payments";
  /** helm template's own default (1.20) is older than the chart's kubeVersion: render as for a current cluster. */
  static final String KUBE_VERSION = "1.30.0";
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Path chart;
  private final Path valuesDir;

  ChartRenderer(Path valuesDir) {
    this.chart = chartDir();
    this.valuesDir = valuesDir;
  }

  /** The chart's folder: deploy/helm/card-switch (surefire runs in the module's folder). */
  static Path chartDir() {
    return Path.of(System.getProperty("chart.dir", "helm/card-switch")).toAbsolutePath();
  }

  /** The values an install needs (README, "Running on Kubernetes"), on top of the chart's defaults. */
  static ObjectNode requiredValues() {
    ObjectNode values = YAML.createObjectNode();
    ObjectNode config = values.putObject("config");
    config.put("KAFKA_BOOTSTRAP_SERVERS", "broker-0.kafka:9092,broker-1.kafka:9092");
    config.put("SCHEMA_REGISTRY_URL", "http://schema-registry:8081");
    config.put("KNOT_BASE_URL", "https://development.knotapi.com");
    values.putObject("secret").put("name", "card-switch-secrets");
    return values;
  }

  /** `helm template` with the chart's defaults and {@code values}; throws what Helm said when it fails. */
  Manifests render(ObjectNode values) {
    Path file = valuesDir.resolve("values-" + System.nanoTime() + ".yaml");
    try {
      YAML.writeValue(file.toFile(), values);
      String out = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)
          .withValuesFile(file).call();
      return new Manifests(parse(out), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> parse(String text) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static JsonNode readYaml(Path file) throws IOException {
    return YAML.readTree(Files.readString(file));
  }

  /** The rendered resources. */
  record Manifests(List<JsonNode> resources, String text) {

    Optional<JsonNode> find(String kind, String name) {
      return resources.stream()
          .filter(r -> kind.equals(r.path("kind").asText()) && name.equals(r.path("metadata").path("name").asText()))
          .findFirst();
    }

    JsonNode get(String kind, String name) {
      return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in:\n" + text));
    }

    List<JsonNode> ofKind(String kind) {
      return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
    }

    JsonNode statefulSet() {
      return get("StatefulSet", RELEASE + "-card-switch");
    }

    JsonNode container() {
      return statefulSet().path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** The container's environment variable {@code name}, or a missing node. */
    JsonNode env(String name) {
      for (JsonNode e : container().path("env")) {
        if (name.equals(e.path("name").asText())) {
          return e;
        }
      }
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }
}
