package dev.cardswitch.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

  @Test
  void readsConfluentsKeys() {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.fromConfigs(
            Map.of(
                "schema.registry.url", "https://registry.example:8081/",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "svc:pa:ss",
                "http.read.timeout.ms", "2500"));

    assertEquals("https://registry.example:8081", config.url().toString());
    assertEquals("svc", config.credentials().orElseThrow().user());
    assertEquals(BasicCredentials.of("svc", "pa:ss").authorizationHeader(), config.credentials().orElseThrow().authorizationHeader());
    assertEquals(Duration.ofMillis(2500), config.requestTimeout());
    assertEquals(SchemaRegistryConfig.DEFAULT_CONNECT_TIMEOUT, config.connectTimeout());
  }

  @Test
  void takesCredentialsFromTheUrlAndStripsThem() {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.fromConfigs(Map.of("schema.registry.url", "http://svc:hidden@127.0.0.1:8081"));

    assertEquals("http://127.0.0.1:8081", config.url().toString());
    assertEquals("svc", config.credentials().orElseThrow().user());
    assertFalse(config.toString().contains("hidden"), config.toString());
  }

  @Test
  void aMissingUrlNamesTheSettingAndTheVariable() {
    ConfigException e = assertThrows(ConfigException.class, () -> SchemaRegistryConfig.fromConfigs(Map.of()));

    assertTrue(e.getMessage().contains("schema.registry.url is not set"), e.getMessage());
    assertTrue(e.getMessage().contains("SCHEMA_REGISTRY_URL"), e.getMessage());
  }

  @Test
  void userInfoSourceWithoutUserInfoIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SchemaRegistryConfig.fromConfigs(
                    Map.of("schema.registry.url", "http://127.0.0.1:1", "basic.auth.credentials.source", "USER_INFO")));

    assertTrue(e.getMessage().contains("basic.auth.user.info is not set"), e.getMessage());
  }

  @Test
  void malformedUserInfoIsRefusedWithoutRepeatingIt() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SchemaRegistryConfig.fromConfigs(
                    Map.of(
                        "schema.registry.url", "http://127.0.0.1:1",
                        "basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "no-colon-secret")));

    assertFalse(e.getMessage().contains("no-colon-secret"), e.getMessage());
    assertTrue(e.getMessage().contains("user:password"), e.getMessage());
  }

  @Test
  void severalUrlsAreRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> SchemaRegistryConfig.builder("http://a:8081,http://b:8081").build());

    assertTrue(e.getMessage().contains("lists several URLs"), e.getMessage());
  }

  @Test
  void aNonHttpUrlIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> SchemaRegistryConfig.builder("ftp://x").build());

    assertTrue(e.getMessage().contains("must be an http:// or https:// URL"), e.getMessage());
  }

  @Test
  void credentialsPrintMasked() {
    assertEquals("BasicCredentials[user=svc, password=****]", BasicCredentials.of("svc", "p").toString());
  }
}
