package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.CardSwitchException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  @Test
  void everyPartIsEmbeddedWhenNothingIsConfigured() {
    AppConfig config = Launch.configure(Map.of(), List.of());
    assertTrue(config.kafkaBootstrapServers().isEmpty());
    assertTrue(config.schemaRegistryUrl().isEmpty());
    assertFalse(config.knotConfigured());
    assertEquals("exactly_once_v2", config.processingGuarantee());
    assertEquals(AppConfig.SANDBOX_MAX_IN_FLIGHT, config.topology().maxInFlight());
    assertEquals(Runtime.getRuntime().availableProcessors(), config.cardCryptoThreads());
  }

  @Test
  void flagsOverrideTheEnvironmentUnderTheSameName() {
    AppConfig config = Launch.configure(Map.of("APPLICATION_ID", "from-env", "NUM_STREAM_THREADS", "3"),
        List.of("--application-id", "from-flag", "--webhook-topic=webhooks-2"));
    assertEquals("from-flag", config.applicationId());
    assertEquals(3, config.numStreamThreads());
    assertEquals("webhooks-2", config.topology().webhookTopic());
  }

  @Test
  void aConfiguredKnotNeedsItsCredentialsAndSaysHowToFixIt() {
    CardSwitchException e = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("KNOT_BASE_URL", "https://development.knotapi.com"), List.of()));
    assertEquals("KNOT_CLIENT_ID is not set: export it, or unset KNOT_BASE_URL to use the embedded sandbox",
        e.getMessage());
  }

  @Test
  void rejectsPlainHttpToKnotUnlessLoopback() {
    CardSwitchException e = assertThrows(CardSwitchException.class, () -> Launch.configure(Map.of(
        "KNOT_BASE_URL", "http://knot.example.com", "KNOT_CLIENT_ID", "id", "KNOT_SECRET", "s"), List.of()));
    assertTrue(e.getMessage().contains("must travel over TLS"), e.getMessage());
  }

  @Test
  void namesTheSettingAndTheFixForBadValues() {
    SettingException threads = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("NUM_STREAM_THREADS", "two"), List.of()));
    assertEquals("NUM_STREAM_THREADS", threads.setting());
    assertEquals("NUM_STREAM_THREADS is \"two\": write a whole number, e.g. 1", threads.getMessage());

    SettingException crypto = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("CARD_CRYPTO_THREADS", "0"), List.of()));
    assertEquals("CARD_CRYPTO_THREADS", crypto.setting());
    assertEquals("CARD_CRYPTO_THREADS is 0: give a whole number of at least 1", crypto.getMessage());

    SettingException provider = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("CARD_CRYPTO_PROVIDER", "openssl"), List.of()));
    assertEquals("CARD_CRYPTO_PROVIDER", provider.setting());
    assertEquals("CARD_CRYPTO_PROVIDER is \"openssl\": give auto (the default), corretto, bouncycastle or jdk",
        provider.getMessage());
    // The topology takes the same choice as the card keys: the key wrap of Knot's JWE follows it.
    assertEquals(dev.cardswitch.envelope.CardCryptoProvider.BOUNCY_CASTLE, Launch.configure(
        Map.of("CARD_CRYPTO_PROVIDER", "bouncycastle"), List.of()).topology().cardCryptoProvider());

    SettingException flag = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of(), List.of("--knot-base-ulr", "x")));
    assertTrue(flag.getMessage().startsWith("unknown option --knot-base-ulr: the settings are "), flag.getMessage());

    SettingException probing = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("PROBING_REBALANCE_INTERVAL", "30s"), List.of()));
    assertEquals("PROBING_REBALANCE_INTERVAL is 30s: Kafka Streams allows 1m or more; set 1m (the default) or longer",
        probing.getMessage());

    SettingException guarantee = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("PROCESSING_GUARANTEE", "exactly_once"), List.of()));
    assertTrue(guarantee.getMessage().contains("use exactly_once_v2 (the default) or at_least_once"));
  }

  @Test
  void thePrintedConfigurationMasksSecrets() {
    AppConfig config = Launch.configure(Map.of(
        "KNOT_BASE_URL", "https://development.knotapi.com", "KNOT_CLIENT_ID", "client-7", "KNOT_SECRET", "top-secret-7",
        "SCHEMA_REGISTRY_URL", "https://registry.example", "SCHEMA_REGISTRY_USER_INFO", "reg-user:reg-password",
        "CARD_KEYS", "{\"keys\":[]}"), List.of());
    String printed = String.join("\n", config.describe());
    assertTrue(printed.contains("client id client-7, secret ****"), printed);
    assertTrue(printed.contains("basic auth user reg-user, password ****"), printed);
    assertFalse(printed.contains("top-secret-7"));
    assertFalse(printed.contains("reg-password"));
    assertFalse(printed.contains("{\"keys\""));
  }

  @Test
  void theWebhookIngressIsOnByDefaultOnPort8088AndConfigurable() {
    AppConfig defaults = Launch.configure(Map.of(), List.of());
    assertTrue(defaults.ingressEnabled());
    assertEquals(8088, defaults.ingress().port());
    assertEquals("0.0.0.0", defaults.ingress().bind());
    assertEquals(65536, defaults.ingress().maxBodyBytes());
    assertEquals(java.time.Duration.ofSeconds(5), defaults.ingress().produceTimeout());
    assertTrue(defaults.describe().stream().anyMatch(l -> l.startsWith("webhook ingress: http://0.0.0.0:8088/knot/webhooks")),
        defaults.describe().toString());

    AppConfig set = Launch.configure(Map.of("INGRESS_PORT", "9099", "INGRESS_PRODUCE_TIMEOUT", "2s"),
        List.of("--ingress-bind", "127.0.0.1", "--ingress-max-body-bytes", "4096"));
    assertEquals(9099, set.ingress().port());
    assertEquals("127.0.0.1", set.ingress().bind());
    assertEquals(4096, set.ingress().maxBodyBytes());
    assertEquals(java.time.Duration.ofSeconds(2), set.ingress().produceTimeout());

    AppConfig off = Launch.configure(Map.of("INGRESS_ENABLED", "false"), List.of());
    assertFalse(off.ingressEnabled());
    assertTrue(off.describe().stream().anyMatch(l -> l.startsWith("webhook ingress: off")), off.describe().toString());
  }

  @Test
  void refusesBadIngressSettingsNamingThem() {
    CardSwitchException small = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("INGRESS_MAX_BODY_BYTES", "100"), List.of()));
    assertTrue(small.getMessage().contains("INGRESS_MAX_BODY_BYTES"), small.getMessage());
    CardSwitchException port = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("INGRESS_PORT", "70000"), List.of()));
    assertTrue(port.getMessage().contains("INGRESS_PORT"), port.getMessage());
    CardSwitchException timeout = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("INGRESS_PRODUCE_TIMEOUT", "0s"), List.of()));
    assertTrue(timeout.getMessage().contains("INGRESS_PRODUCE_TIMEOUT"), timeout.getMessage());
    CardSwitchException enabled = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("INGRESS_ENABLED", "maybe"), List.of()));
    assertTrue(enabled.getMessage().contains("INGRESS_ENABLED"), enabled.getMessage());
  }

  @Test
  void theSwitchStatusIsOnByDefaultAndTurnsOffWithOnOrOff() {
    assertTrue(Launch.configure(Map.of(), List.of()).topology().switchStatus());
    assertFalse(Launch.configure(Map.of("SWITCH_STATUS", "off"), List.of()).topology().switchStatus());
    assertTrue(Launch.configure(Map.of("SWITCH_STATUS", "off"), List.of("--switch-status=on")).topology().switchStatus());
    CardSwitchException e = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("SWITCH_STATUS", "maybe"), List.of()));
    assertTrue(e.getMessage().contains("SWITCH_STATUS is \"maybe\": write true or false (or on, off)"), e.getMessage());
  }

  @Test
  void theAdvertisedAdminHostIsLoopbackOnTheEmbeddedBrokerAndOtherwiseTheHostName() throws Exception {
    assertEquals("127.0.0.1", Launch.configure(Map.of(), List.of()).adminAdvertisedHost());
    assertEquals(java.net.InetAddress.getLocalHost().getHostName(),
        Launch.configure(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), List.of()).adminAdvertisedHost());
    assertEquals("10.0.0.7", Launch.configure(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "ADMIN_ADVERTISED_HOST", "10.0.0.7"), List.of()).adminAdvertisedHost());
    CardSwitchException e = assertThrows(CardSwitchException.class,
        () -> Launch.configure(Map.of("ADMIN_ADVERTISED_HOST", "http://host/"), List.of()));
    assertTrue(e.getMessage().contains("ADMIN_ADVERTISED_HOST"), e.getMessage());
  }

  @Test
  void aStoppedInstanceLeavesTheGroupUnlessAStaticMemberAsksToStay() {
    assertTrue(CardSwitchService.leaveGroupOnClose(Launch.configure(Map.of(), List.of())),
        "a dynamic member always leaves");
    assertTrue(CardSwitchService.leaveGroupOnClose(Launch.configure(Map.of("INSTANCE_ID", "a"), List.of())),
        "a static member leaves by default, so a stop for good does not strand its partitions for the session time-out");
    AppConfig staying = Launch.configure(Map.of("INSTANCE_ID", "a", "LEAVE_GROUP_ON_CLOSE", "false"), List.of());
    assertFalse(CardSwitchService.leaveGroupOnClose(staying), "a static member may keep its tasks for a quick roll");
    assertTrue(String.join("\n", staying.describe()).contains("stays in the group on stop (LEAVE_GROUP_ON_CLOSE=false)"));
    assertTrue(CardSwitchService.leaveGroupOnClose(
        Launch.configure(Map.of("LEAVE_GROUP_ON_CLOSE", "false"), List.of())), "a dynamic member's tasks cannot come back to it");
    assertThrows(SettingException.class,
        () -> Launch.configure(Map.of("LEAVE_GROUP_ON_CLOSE", "maybe"), List.of()));
  }
}
