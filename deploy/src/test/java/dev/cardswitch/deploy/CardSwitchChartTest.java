package dev.cardswitch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.CardSwitchService;
import dev.cardswitch.deploy.ChartRenderer.Manifests;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.topology.TopologyConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart (deploy/helm/card-switch), linted and rendered by Helm's own code, and its manifests
 * checked: secrets only by reference, probes, labels and selectors, the settings' names.
 */
class CardSwitchChartTest {

  private static final String FULLNAME = ChartRenderer.RELEASE + "-card-switch";
  /** Settings whose values are secret: never in values, only from the Secret. */
  private static final Set<String> SECRET_SETTINGS = Set.of(KnotClientConfig.KNOT_CLIENT_ID, KnotClientConfig.KNOT_SECRET,
      AppConfig.SCHEMA_REGISTRY_USER_INFO, JwkSetKeyRing.CARD_KEYS, AppConfig.CARDINAL_API_KEY,
      dev.cardswitch.vault.client.CardVaultClientConfig.CARD_VAULT_CLIENT_ID,
      dev.cardswitch.vault.client.CardVaultClientConfig.CARD_VAULT_SECRET);
  /** Settings the chart sets itself from the pod, the volume and the Secret's mount. */
  private static final Set<String> CHART_SETTINGS = Set.of(AppConfig.INSTANCE_ID, AppConfig.ADMIN_ADVERTISED_HOST,
      AppConfig.DATA_DIR, AppConfig.STATE_DIR, JwkSetKeyRing.CARD_KEYS_FILE);
  /** Settings of the embedded parts (a laptop's) and of benchmarks: not offered in a cluster. */
  private static final Set<String> LAPTOP_SETTINGS = Set.of(AppConfig.KAFKA_PORT, AppConfig.SCHEMA_REGISTRY_PORT,
      AppConfig.SANDBOX_PORT, AppConfig.SANDBOX_LIFECYCLE_WEBHOOKS, AppConfig.SANDBOX_LIFECYCLE_DELAY,
      AppConfig.SANDBOX_LIFECYCLE_FAILURE_SHARE, AppConfig.KNOT_BLOCKING_BASELINE);
  private static final List<String> STANDARD_LABELS = List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
      "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart");

  @TempDir
  Path tmp;
  private ChartRenderer chart;

  @BeforeEach
  void setUp() {
    chart = new ChartRenderer(tmp);
  }

  @Test
  void lintsWithoutErrorsOrWarnings() {
    LintResult result = new Helm(ChartRenderer.chartDir()).lint().strict().call();
    assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
  }

  @Test
  void refusesToRenderWithoutTheRequiredSettings() {
    ObjectNode values = ChartRenderer.requiredValues();
    ((ObjectNode) values.path("config")).remove(AppConfig.KAFKA_BOOTSTRAP_SERVERS);
    Exception e = assertThrows(Exception.class, () -> chart.render(values));
    assertTrue(e.getMessage().contains("config." + AppConfig.KAFKA_BOOTSTRAP_SERVERS + " is not set"), e::getMessage);

    ObjectNode noSecret = ChartRenderer.requiredValues();
    noSecret.remove("secret");
    Exception s = assertThrows(Exception.class, () -> chart.render(noSecret));
    assertTrue(s.getMessage().contains("secret.name is not set"), s::getMessage);
  }

  @Test
  void refusesMoreInstancesThanPartitions() {
    ObjectNode values = ChartRenderer.requiredValues();
    values.put("replicaCount", 7);
    ((ObjectNode) values.path("config")).put(AppConfig.TOPIC_PARTITIONS, "6");
    Exception e = assertThrows(Exception.class, () -> chart.render(values));
    assertTrue(e.getMessage().contains("replicaCount is 7 but config.TOPIC_PARTITIONS is 6"), e::getMessage);

    values.put("replicaCount", 6);
    assertEquals(6, chart.render(values).statefulSet().path("spec").path("replicas").asInt());
  }

  @Test
  void schemaRefusesASecretSettingOrAMistypedNameUnderConfig() {
    for (String name : List.of(KnotClientConfig.KNOT_SECRET, KnotClientConfig.KNOT_CLIENT_ID,
        AppConfig.SCHEMA_REGISTRY_USER_INFO, JwkSetKeyRing.CARD_KEYS, "KAFKA_BOOTSTRAP_SERVER")) {
      ObjectNode values = ChartRenderer.requiredValues();
      ((ObjectNode) values.path("config")).put(name, "not-a-secret-but-refused");
      Exception e = assertThrows(Exception.class, () -> chart.render(values), name);
      assertTrue(e.getMessage().contains(name) && e.getMessage().contains("schema"), e::getMessage);
    }
  }

  @Test
  void secretsComeOnlyFromTheExistingSecretNeverFromValues() throws IOException {
    // The chart's defaults carry no secret: the secret settings are not even keys of values.yaml.
    JsonNode defaults = ChartRenderer.readYaml(ChartRenderer.chartDir().resolve("values.yaml"));
    for (String name : SECRET_SETTINGS) {
      assertTrue(defaults.path("config").path(name).isMissingNode(), name + " in values.yaml");
    }

    Manifests m = chart.render(ChartRenderer.requiredValues());
    assertTrue(m.ofKind("Secret").isEmpty(), "the chart renders no Secret: it references an existing one");
    assertTrue(m.ofKind("ConfigMap").isEmpty(), "no ConfigMap either");
    for (String name : List.of(KnotClientConfig.KNOT_CLIENT_ID, KnotClientConfig.KNOT_SECRET, AppConfig.SCHEMA_REGISTRY_USER_INFO,
        AppConfig.CARDINAL_API_KEY,
        dev.cardswitch.vault.client.CardVaultClientConfig.CARD_VAULT_CLIENT_ID,
        dev.cardswitch.vault.client.CardVaultClientConfig.CARD_VAULT_SECRET)) {
      JsonNode env = m.env(name);
      assertFalse(env.has("value"), name + " has a value in plain text: " + env);
      assertEquals("card-switch-secrets", env.path("valueFrom").path("secretKeyRef").path("name").asText(), name + ": " + env);
    }
    assertTrue(m.env(JwkSetKeyRing.CARD_KEYS).isMissingNode(), "the card keys come as a file, not a variable");
    // Only FIDO_GATE audit or required reads it: a Secret without it still starts the pod.
    assertTrue(m.env(AppConfig.CARDINAL_API_KEY).path("valueFrom").path("secretKeyRef").path("optional").asBoolean());

    // The card keys: a file from the Secret, mounted read-only where CARD_KEYS_FILE points.
    JsonNode podSpec = m.statefulSet().path("spec").path("template").path("spec");
    JsonNode keysVolume = named(podSpec.path("volumes"), "card-keys");
    assertEquals("card-switch-secrets", keysVolume.path("secret").path("secretName").asText());
    JsonNode keysMount = named(m.container().path("volumeMounts"), "card-keys");
    assertTrue(keysMount.path("readOnly").asBoolean());
    assertEquals(keysMount.path("mountPath").asText() + "/card-keys.json", m.env(JwkSetKeyRing.CARD_KEYS_FILE).path("value").asText());

    // No variable anywhere has a value that looks like a credential.
    for (JsonNode e : m.container().path("env")) {
      assertFalse(SECRET_SETTINGS.contains(e.path("name").asText()) && e.has("value"), e::toString);
    }
  }

  @Test
  void cardKeysCanComeFromTheirOwnSecret() {
    ObjectNode values = ChartRenderer.requiredValues();
    ((ObjectNode) values.path("secret")).put("cardKeysSecretName", "card-keys-2026");
    Manifests m = chart.render(values);
    JsonNode podSpec = m.statefulSet().path("spec").path("template").path("spec");
    assertEquals("card-keys-2026", named(podSpec.path("volumes"), "card-keys").path("secret").path("secretName").asText());
    assertEquals("card-switch-secrets", m.env(KnotClientConfig.KNOT_SECRET).path("valueFrom").path("secretKeyRef").path("name").asText());
  }

  @Test
  void containerHasStartupLivenessAndReadinessProbesOnTheAdminPort() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    JsonNode c = m.container();
    assertEquals("/health", c.path("startupProbe").path("httpGet").path("path").asText());
    assertEquals("/health", c.path("livenessProbe").path("httpGet").path("path").asText());
    // Ready only while Kafka Streams runs (AdminServer's GET /ready).
    assertEquals("/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertEquals("admin", c.path(probe).path("httpGet").path("port").asText(), probe);
    }
    JsonNode admin = named(c.path("ports"), "admin");
    assertEquals(AppConfig.DEFAULT_ADMIN_PORT, admin.path("containerPort").asInt());
    assertEquals(String.valueOf(AppConfig.DEFAULT_ADMIN_PORT), m.env(AppConfig.ADMIN_PORT).path("value").asText());
  }

  @Test
  void everyResourceCarriesTheStandardLabelsAndSelectorsMatchThePods() {
    ObjectNode values = ChartRenderer.requiredValues();
    values.putObject("serviceMonitor").put("enabled", true);
    Manifests m = chart.render(values);
    JsonNode sts = m.statefulSet();
    JsonNode podLabels = sts.path("spec").path("template").path("metadata").path("labels");
    for (JsonNode r : m.resources()) {
      JsonNode labels = r.path("metadata").path("labels");
      for (String label : STANDARD_LABELS) {
        assertTrue(labels.hasNonNull(label), () -> r.path("kind").asText() + " " + r.path("metadata").path("name") + " lacks " + label);
      }
      assertEquals(ChartRenderer.RELEASE, labels.path("app.kubernetes.io/instance").asText());
      assertEquals("card-switch", labels.path("app.kubernetes.io/name").asText());
      assertEquals(ChartRenderer.NAMESPACE, r.path("metadata").path("namespace").asText(), r.path("kind")::asText);
    }
    for (String label : STANDARD_LABELS) {
      assertTrue(podLabels.hasNonNull(label), "pod template lacks " + label);
    }
    assertSelects(sts.path("spec").path("selector").path("matchLabels"), podLabels, "StatefulSet");
    for (JsonNode svc : m.ofKind("Service")) {
      assertSelects(svc.path("spec").path("selector"), podLabels, svc.path("metadata").path("name").asText());
    }
    assertSelects(m.get("PodDisruptionBudget", FULLNAME).path("spec").path("selector").path("matchLabels"), podLabels, "PDB");
    for (JsonNode spread : sts.path("spec").path("template").path("spec").path("topologySpreadConstraints")) {
      assertSelects(spread.path("labelSelector").path("matchLabels"), podLabels, "topology spread");
    }
    // The ServiceMonitor picks the admin Service only (not the headless one: each pod once).
    JsonNode monitorSelector = m.get("ServiceMonitor", FULLNAME).path("spec").path("selector").path("matchLabels");
    List<String> monitored = m.ofKind("Service").stream().filter(s -> contains(s.path("metadata").path("labels"), monitorSelector))
        .map(s -> s.path("metadata").path("name").asText()).toList();
    assertEquals(List.of(FULLNAME + "-admin"), monitored);
  }

  @Test
  void headlessServiceGivesEachPodTheNameItAdvertises() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    JsonNode headless = m.get("Service", FULLNAME + "-headless");
    assertEquals("None", headless.path("spec").path("clusterIP").asText());
    assertTrue(headless.path("spec").path("publishNotReadyAddresses").asBoolean(), "names resolve during a rebalance too");
    assertEquals(FULLNAME + "-headless", m.statefulSet().path("spec").path("serviceName").asText());
    assertEquals("metadata.name", m.env(AppConfig.INSTANCE_ID).path("valueFrom").path("fieldRef").path("fieldPath").asText());
    assertEquals("$(INSTANCE_ID)." + FULLNAME + "-headless." + ChartRenderer.NAMESPACE + ".svc.cluster.local",
        m.env(AppConfig.ADMIN_ADVERTISED_HOST).path("value").asText());
  }

  @Test
  void servicesExposeTheAdminPortAndTheWebhookIngressOnlyWhenItRuns() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    assertEquals("admin", named(m.get("Service", FULLNAME + "-admin").path("spec").path("ports"), "admin").path("targetPort").asText());
    JsonNode webhooks = m.get("Service", FULLNAME + "-webhooks");
    assertEquals("webhooks", named(webhooks.path("spec").path("ports"), "webhooks").path("targetPort").asText());
    assertEquals(8088, named(m.container().path("ports"), "webhooks").path("containerPort").asInt());

    ObjectNode off = ChartRenderer.requiredValues();
    ((ObjectNode) off.path("config")).put(AppConfig.INGRESS_ENABLED, "false");
    Manifests withoutIngress = chart.render(off);
    assertTrue(withoutIngress.find("Service", FULLNAME + "-webhooks").isEmpty());
    assertTrue(named(withoutIngress.container().path("ports"), "webhooks").isMissingNode());
    assertEquals("false", withoutIngress.env(AppConfig.INGRESS_ENABLED).path("value").asText());
  }

  @Test
  void podDisruptionBudgetLetsOnePodGoAtATime() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    assertEquals(1, m.get("PodDisruptionBudget", FULLNAME).path("spec").path("maxUnavailable").asInt());
  }

  @Test
  void environmentVariablesAreTheApplicationsSettingNames() {
    ObjectNode values = ChartRenderer.requiredValues();
    ((ObjectNode) values.path("config")).put(AppConfig.NUM_STREAM_THREADS, 3).put(KnotClientConfig.KNOT_RATE_LIMIT_PER_SECOND, "250");
    Manifests m = chart.render(values);
    Set<String> names = new TreeSet<>();
    for (JsonNode e : m.container().path("env")) {
      names.add(e.path("name").asText());
    }
    Set<String> unknown = new TreeSet<>(names);
    unknown.removeAll(AppConfig.SETTINGS);
    assertEquals(Set.of("JAVA_TOOL_OPTIONS"), unknown, "variables that are not card-switch settings");
    assertEquals("broker-0.kafka:9092,broker-1.kafka:9092", m.env(AppConfig.KAFKA_BOOTSTRAP_SERVERS).path("value").asText());
    assertEquals("http://schema-registry:8081", m.env(AppConfig.SCHEMA_REGISTRY_URL).path("value").asText());
    assertEquals("https://development.knotapi.com", m.env(KnotClientConfig.KNOT_BASE_URL).path("value").asText());
    assertEquals("3", m.env(AppConfig.NUM_STREAM_THREADS).path("value").asText(), "numbers become the variable's text");
    assertEquals("250", m.env(KnotClientConfig.KNOT_RATE_LIMIT_PER_SECOND).path("value").asText());
    assertEquals("true", m.env(AppConfig.LEAVE_GROUP_ON_CLOSE).path("value").asText());
    assertEquals(names.size(), m.container().path("env").size(), "each variable once");
  }

  @Test
  void schemaOffersEverySettingTheChartDoesNotSetItself() throws IOException {
    JsonNode schema = ChartRenderer.readYaml(ChartRenderer.chartDir().resolve("values.schema.json"));
    Set<String> offered = new TreeSet<>();
    Iterator<String> it = schema.path("properties").path("config").path("properties").fieldNames();
    it.forEachRemaining(offered::add);
    Set<String> expected = new TreeSet<>(AppConfig.SETTINGS);
    expected.removeAll(SECRET_SETTINGS);
    expected.removeAll(CHART_SETTINGS);
    expected.removeAll(LAPTOP_SETTINGS);
    // A setting added to (or renamed in) the application fails here until the chart decides about it.
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(offered);
    Set<String> extra = new TreeSet<>(offered);
    extra.removeAll(expected);
    assertTrue(missing.isEmpty() && extra.isEmpty(), "values.schema.json config: settings missing " + missing
        + ", names that are no (offered) setting " + extra);
    assertFalse(schema.path("properties").path("config").path("additionalProperties").asBoolean(true));
  }

  @Test
  void serviceMonitorOnlyWhenEnabled() {
    assertTrue(chart.render(ChartRenderer.requiredValues()).ofKind("ServiceMonitor").isEmpty());
    ObjectNode values = ChartRenderer.requiredValues();
    values.putObject("serviceMonitor").put("enabled", true);
    JsonNode endpoint = chart.render(values).get("ServiceMonitor", FULLNAME).path("spec").path("endpoints").get(0);
    assertEquals("admin", endpoint.path("port").asText());
    assertEquals("/metrics", endpoint.path("path").asText());
  }

  @Test
  void runsAsNonRootOnAReadOnlyRootWithTheStateOnAPersistentVolume() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    JsonNode podSpec = m.statefulSet().path("spec").path("template").path("spec");
    JsonNode c = m.container();
    assertTrue(podSpec.path("securityContext").path("runAsNonRoot").asBoolean());
    assertTrue(podSpec.path("securityContext").path("runAsUser").asInt() > 0);
    assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
    assertFalse(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
    assertEquals("ALL", c.path("securityContext").path("capabilities").path("drop").get(0).asText());
    assertFalse(podSpec.path("automountServiceAccountToken").asBoolean(true));

    String stateMount = named(c.path("volumeMounts"), "state").path("mountPath").asText();
    assertTrue(m.env(AppConfig.STATE_DIR).path("value").asText().startsWith(stateMount + "/"));
    assertTrue(m.env(AppConfig.DATA_DIR).path("value").asText().startsWith(stateMount));
    assertEquals("/tmp", named(c.path("volumeMounts"), "tmp").path("mountPath").asText());
    assertTrue(named(podSpec.path("volumes"), "tmp").has("emptyDir"));
    JsonNode claim = m.statefulSet().path("spec").path("volumeClaimTemplates").get(0);
    assertEquals("state", claim.path("metadata").path("name").asText());
    assertTrue(named(podSpec.path("volumes"), "state").isMissingNode(), "the claim template provides it");

    ObjectNode values = ChartRenderer.requiredValues();
    values.putObject("persistence").put("enabled", false);
    Manifests ephemeral = chart.render(values);
    assertTrue(ephemeral.statefulSet().path("spec").path("volumeClaimTemplates").isMissingNode());
    assertTrue(named(ephemeral.statefulSet().path("spec").path("template").path("spec").path("volumes"), "state").has("emptyDir"));
  }

  @Test
  void heapIsSizedFromTheContainersMemoryLimit() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    assertTrue(m.env("JAVA_TOOL_OPTIONS").path("value").asText().contains("-XX:MaxRAMPercentage=75"));
    assertFalse(m.container().path("resources").path("limits").path("memory").asText().isEmpty());
    assertFalse(m.container().path("resources").path("requests").path("cpu").asText().isEmpty());
  }

  @Test
  void gracePeriodCoversTheDrainOfCallsInFlightAndTheStreamsClose() {
    Manifests m = chart.render(ChartRenderer.requiredValues());
    // CardSwitchService: the drain waits one window plus a second, then Kafka Streams closes.
    Duration cleanStop = TopologyConfig.DEFAULT_WINDOW.plusSeconds(1).plus(CardSwitchService.CLOSE_TIMEOUT);
    long grace = m.statefulSet().path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
    assertTrue(grace > cleanStop.toSeconds(), "grace " + grace + " s, a clean stop takes up to " + cleanStop.toSeconds() + " s");
  }

  @Test
  void defaultImageIsTheOneTheImageProfileBuilds() throws IOException {
    String built = System.getProperty("card-switch.image");
    assertTrue(built != null && !built.isEmpty(), "card-switch.image system property (set by the pom)");
    Manifests m = chart.render(ChartRenderer.requiredValues());
    assertEquals(built, m.container().path("image").asText());
    assertEquals(List.of("run"), List.of(m.container().path("args").get(0).asText()));
    JsonNode chartYaml = ChartRenderer.readYaml(ChartRenderer.chartDir().resolve("Chart.yaml"));
    assertEquals(System.getProperty("project.version"), chartYaml.path("appVersion").asText());
  }

  private static JsonNode named(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (name.equals(n.path("name").asText())) {
        return n;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static boolean contains(JsonNode labels, JsonNode selector) {
    for (Map.Entry<String, JsonNode> e : selector.properties()) {
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static void assertSelects(JsonNode selector, JsonNode podLabels, String what) {
    assertTrue(selector.size() >= 2, what + " selects by too few labels: " + selector);
    assertTrue(contains(podLabels, selector), what + " selector " + selector + " does not match the pod labels " + podLabels);
    Set<String> keys = new HashSet<>();
    selector.fieldNames().forEachRemaining(keys::add);
    assertFalse(keys.contains("app.kubernetes.io/version") || keys.contains("helm.sh/chart"),
        what + " selects by a label that changes with an upgrade: " + keys);
  }
}
