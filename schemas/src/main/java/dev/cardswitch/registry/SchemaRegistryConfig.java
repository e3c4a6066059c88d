package dev.cardswitch.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where the schema registry is and how to talk to it: base URL, optional basic-auth credentials,
 * timeouts. Built with {@link #builder(String)} or read from Kafka-style client settings with
 * Confluent's keys ({@link #fromConfigs(Map)}); validated at construction, errors name the setting
 * and never repeat a secret. Immutable; thread-safe.
 */
public final class SchemaRegistryConfig {

  /** Confluent's key for the registry's base URL (one URL; lists are refused). */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  /** Confluent's key for where credentials come from: {@code USER_INFO} or {@code URL}. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
  /** Confluent's key for {@code user:password} when the source is {@code USER_INFO}. */
  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
  /** The same, with the {@code schema.registry.} prefix Confluent also accepts. */
  public static final String PREFIXED_BASIC_AUTH_USER_INFO_CONFIG =
      "schema.registry.basic.auth.user.info";
  /** Confluent's key for the connect timeout, in milliseconds. */
  public static final String CONNECT_TIMEOUT_MS_CONFIG = "http.connect.timeout.ms";
  /** Confluent's key for the time to wait for an answer, in milliseconds. */
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "http.read.timeout.ms";

  /** The environment variable that the application maps to {@link #SCHEMA_REGISTRY_URL_CONFIG}. */
  public static final String SCHEMA_REGISTRY_URL_ENV = "SCHEMA_REGISTRY_URL";

  /** Confluent's default source: credentials, if any, are in the URL's user-info part. */
  public static final String DEFAULT_CREDENTIALS_SOURCE = "URL";
  /** Short: the registry is a local or same-datacentre service, asked once per schema. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Well under Kafka's {@code max.poll.interval.ms}, which a stuck first fetch must not exceed. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final URI url;
  private final BasicCredentials credentials;
  private final Duration connectTimeout;
  private final Duration requestTimeout;

  private SchemaRegistryConfig(Builder builder) {
    ParsedUrl parsed = ParsedUrl.parse(builder.url);
    this.url = parsed.url;
    if (builder.credentials != null && parsed.credentials != null) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL_CONFIG
              + " carries credentials in its URL and credentials are also configured: keep one");
    }
    this.credentials = builder.credentials != null ? builder.credentials : parsed.credentials;
    this.connectTimeout = positive(CONNECT_TIMEOUT_MS_CONFIG, builder.connectTimeout);
    this.requestTimeout = positive(REQUEST_TIMEOUT_MS_CONFIG, builder.requestTimeout);
  }

  /** A builder for the registry at {@code url} ({@code http} or {@code https}). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /**
   * Reads Confluent's client settings: {@link #SCHEMA_REGISTRY_URL_CONFIG} (required), {@link
   * #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG} ({@code USER_INFO} or {@code URL}), {@link
   * #BASIC_AUTH_USER_INFO_CONFIG} (or its prefixed form), and the two timeouts.
   *
   * @throws ConfigException naming the setting that is missing or wrong
   */
  public static SchemaRegistryConfig fromConfigs(Map<String, ?> configs) {
    Object url = configs.get(SCHEMA_REGISTRY_URL_CONFIG);
    if (url == null || url.toString().isBlank()) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL_CONFIG
              + " is not set: set it to the schema registry's URL (environment variable "
              + SCHEMA_REGISTRY_URL_ENV
              + ")");
    }
    Builder builder = builder(url.toString().trim());
    String source =
        Objects.toString(
                configs.get(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG), DEFAULT_CREDENTIALS_SOURCE)
            .trim()
            .toUpperCase(Locale.ROOT);
    Object userInfo = configs.get(BASIC_AUTH_USER_INFO_CONFIG);
    if (userInfo == null) {
      userInfo = configs.get(PREFIXED_BASIC_AUTH_USER_INFO_CONFIG);
    }
    switch (source) {
      case "USER_INFO":
        if (userInfo == null || userInfo.toString().isEmpty()) {
          throw new ConfigException(
              BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG
                  + "=USER_INFO but "
                  + BASIC_AUTH_USER_INFO_CONFIG
                  + " is not set: set it to user:password");
        }
        try {
          builder.credentials(BasicCredentials.parseUserInfo(userInfo.toString()));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(BASIC_AUTH_USER_INFO_CONFIG + ": " + e.getMessage());
        }
        break;
      case "URL":
        break;
      default:
        throw new ConfigException(
            BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
            source,
            "supported sources are USER_INFO and URL");
    }
    builder.connectTimeout(millis(configs, CONNECT_TIMEOUT_MS_CONFIG, DEFAULT_CONNECT_TIMEOUT));
    builder.requestTimeout(millis(configs, REQUEST_TIMEOUT_MS_CONFIG, DEFAULT_REQUEST_TIMEOUT));
    return builder.build();
  }

  /** The base URL, without credentials and without a trailing slash. */
  public URI url() {
    return url;
  }

  public Optional<BasicCredentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public String toString() {
    return "SchemaRegistryConfig[url="
        + url
        + ", credentials="
        + (credentials == null ? "none" : credentials)
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }

  private static Duration positive(String setting, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new ConfigException(setting, value, "must be a positive duration");
    }
    return value;
  }

  private static Duration millis(Map<String, ?> configs, String key, Duration fallback) {
    Object value = configs.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Duration.ofMillis(Long.parseLong(value.toString().trim()));
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "must be a number of milliseconds");
    }
  }

  /** Builds a {@link SchemaRegistryConfig}; not thread-safe. */
  public static final class Builder {
    private final String url;
    private BasicCredentials credentials;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

    private Builder(String url) {
      this.url = url;
    }

    public Builder credentials(BasicCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** @throws ConfigException naming the setting that is wrong */
    public SchemaRegistryConfig build() {
      return new SchemaRegistryConfig(this);
    }
  }

  /** A URL split into its credential-free form and the credentials it carried, if any. */
  private static final class ParsedUrl {
    final URI url;
    final BasicCredentials credentials;

    private ParsedUrl(URI url, BasicCredentials credentials) {
      this.url = url;
      this.credentials = credentials;
    }

    static ParsedUrl parse(String text) {
      if (text == null || text.isBlank()) {
        throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG + " is empty: set it to the registry's URL");
      }
      if (text.indexOf(',') >= 0) {
        throw new ConfigException(
            SCHEMA_REGISTRY_URL_CONFIG
                + " lists several URLs: give one (put a load balancer in front of several registries)");
      }
      URI uri;
      try {
        uri = new URI(text.trim());
      } catch (URISyntaxException e) {
        // The input may hold credentials: name the position, not the value.
        throw new ConfigException(
            SCHEMA_REGISTRY_URL_CONFIG + " is not a valid URL (error at index " + e.getIndex() + ")");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new ConfigException(
            SCHEMA_REGISTRY_URL_CONFIG
                + " must be an http:// or https:// URL, e.g. http://127.0.0.1:8081");
      }
      if (uri.getHost() == null) {
        throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG + " has no host: e.g. http://127.0.0.1:8081");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG + " must not have a query or a fragment");
      }
      BasicCredentials credentials = null;
      String rawUserInfo = uri.getRawUserInfo();
      if (rawUserInfo != null) {
        try {
          credentials =
              BasicCredentials.parseUserInfo(URLDecoder.decode(rawUserInfo, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG + ": " + e.getMessage());
        }
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      try {
        URI clean = new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
        return new ParsedUrl(URI.create(clean + path), credentials);
      } catch (URISyntaxException e) {
        throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG + " is not a valid URL");
      }
    }
  }
}
