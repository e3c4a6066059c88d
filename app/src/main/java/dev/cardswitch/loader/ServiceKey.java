package dev.cardswitch.loader;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;

/**
 * Finds the service's current envelope public key, the one new references are sealed to: the first
 * key of the JWK set the service serves at {@code GET /keys} (current first), or of a JWK set or JWK
 * file. Only the public half is ever kept. Stateless; thread-safe.
 */
public final class ServiceKey {

  public static final String DEFAULT_KEYS_URL = "http://127.0.0.1:8080/keys";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private ServiceKey() {}

  /** The current key served at {@code keysUrl}. */
  public static ECKey fromUrl(URI keysUrl) {
    HttpResponse<String> response;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build();
      response = http.send(HttpRequest.newBuilder(keysUrl).timeout(DEFAULT_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new LoadException(LoadException.NO_SERVICE_KEY, "cannot fetch the service's public keys from " + keysUrl
          + " (" + e.getClass().getSimpleName() + "): start card-switch (./card-switch run), give its admin address with"
          + " --keys-url, or a JWK file with --public-key", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadException(LoadException.NO_SERVICE_KEY, "interrupted while fetching " + keysUrl);
    }
    if (response.statusCode() != 200) {
      throw new LoadException(LoadException.NO_SERVICE_KEY, keysUrl + " answered HTTP " + response.statusCode()
          + ": point --keys-url at card-switch's admin port, path /keys");
    }
    return first(response.body(), keysUrl.toString());
  }

  /** The first key of a JWK set file, or the key of a single-JWK file. Private parts are dropped. */
  public static ECKey fromFile(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LoadException(LoadException.NO_SERVICE_KEY, "cannot read the public key file " + file + " ("
          + e.getClass().getSimpleName() + "): give a JWK or JWK set file");
    }
    return first(json, file.toString());
  }

  private static ECKey first(String json, String source) {
    List<JWK> keys;
    try {
      keys = json.contains("\"keys\"") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
    } catch (ParseException e) {
      // The parser's message may quote the input, which could hold a private key: not repeated.
      throw new LoadException(LoadException.NO_SERVICE_KEY, source + " is not a JWK set or JWK: expected"
          + " {\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":...}]}");
    }
    if (keys.isEmpty() || !(keys.get(0) instanceof ECKey key)) {
      throw new LoadException(LoadException.NO_SERVICE_KEY, source + " holds no EC key first: card-switch's keys"
          + " are EC P-256");
    }
    return key.toPublicJWK();
  }
}
