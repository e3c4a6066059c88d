package dev.cardswitch.demo;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.ingress.IngressCounters;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.topology.TopologyConfig;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a demo runs against, as the runtime provides it: the Kafka cluster (bootstrap servers and
 * any further client properties, e.g. {@code security.protocol} and SASL settings for a real
 * cluster), the schema registry, the service's envelope public key, the service's topics and
 * window, and the embedded Knot sandbox when there is one (null against a real Knot: {@code
 * knot_calls} is then not counted), and card-switch's webhook ingress with the Knot secret it
 * verifies signatures with (null: the events are produced straight to the webhook topic).
 * Immutable; thread-safe as far as its parts are.
 *
 * @param clientProperties extra Kafka client properties for the demo's producer and consumer; they
 *     may hold secrets, so {@link #toString()} shows their names only
 * @param ingress card-switch's {@code POST /knot/webhooks}; null for the direct-to-Kafka path
 * @param ingressSecret the Knot secret the events are signed with; never shown by {@link #toString()}
 * @param ingressCounters the ingress's own metrics when it runs in this process (its own time per
 *     webhook, the broker's acknowledgement excluded); null otherwise
 */
public record DemoTargets(
    String bootstrapServers,
    Map<String, Object> clientProperties,
    SchemaRegistryClient registry,
    ECKey servicePublicKey,
    TopologyConfig topology,
    KnotSandbox sandbox,
    URI ingress,
    String ingressSecret,
    IngressCounters ingressCounters) {

  public DemoTargets {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    }
    clientProperties = Map.copyOf(Objects.requireNonNull(clientProperties, "clientProperties"));
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(servicePublicKey, "servicePublicKey");
    servicePublicKey =
        servicePublicKey.toPublicJWK(); // the demo only seals: never hold a private key
    Objects.requireNonNull(topology, "topology");
    if (ingress != null && (ingressSecret == null || ingressSecret.isEmpty())) {
      throw new IllegalArgumentException("posting to the webhook ingress " + ingress + " needs the Knot secret it"
          + " verifies signatures with (KNOT_SECRET, or the embedded sandbox's)");
    }
  }

  /** Targets whose events go straight to the webhook topic. */
  public DemoTargets(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      SchemaRegistryClient registry,
      ECKey servicePublicKey,
      TopologyConfig topology,
      KnotSandbox sandbox) {
    this(bootstrapServers, clientProperties, registry, servicePublicKey, topology, sandbox, null, null, null);
  }

  /** The same targets, the events POSTed, signed with {@code secret}, to the webhook ingress at {@code url}. */
  public DemoTargets viaIngress(URI url, String secret) {
    return viaIngress(url, secret, null);
  }

  /** As {@link #viaIngress(URI, String)}, for an ingress in this process whose metrics the report shows. */
  public DemoTargets viaIngress(URI url, String secret, IngressCounters counters) {
    return new DemoTargets(bootstrapServers, clientProperties, registry, servicePublicKey, topology, sandbox,
        Objects.requireNonNull(url, "url"), secret, counters);
  }

  /** Targets without extra client properties (a plaintext cluster such as the embedded one). */
  public DemoTargets(
      String bootstrapServers,
      SchemaRegistryClient registry,
      ECKey servicePublicKey,
      TopologyConfig topology,
      KnotSandbox sandbox) {
    this(bootstrapServers, Map.of(), registry, servicePublicKey, topology, sandbox);
  }

  @Override
  public String toString() {
    return "DemoTargets[bootstrapServers="
        + bootstrapServers
        + ", clientProperties="
        + new TreeSet<>(clientProperties.keySet())
        + ", registry="
        + registry.url()
        + ", kid="
        + servicePublicKey.getKeyID()
        + ", topology="
        + topology
        + ", sandbox="
        + (sandbox == null ? "none (real Knot)" : sandbox.baseUrl())
        + ", events="
        + (ingress == null ? "straight to the webhook topic" : "signed webhooks to " + ingress)
        + "]";
  }
}
