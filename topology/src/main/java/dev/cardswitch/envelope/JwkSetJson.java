package dev.cardswitch.envelope;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a JWK set's JSON into keys, one by one, so a broken key is named by its position and kid.
 * The JSON holds private keys: a parser's message, which may quote its input, is never repeated, and
 * a JWK library message has any long base64url run cut out before it is. Stateless; thread-safe.
 */
final class JwkSetJson {

  /** Runs of this many base64url characters in a library message may be key material: cut. */
  private static final Pattern LONG_BASE64URL = Pattern.compile("[A-Za-z0-9_-]{16,}");

  private JwkSetJson() {}

  /**
   * @param source how to name the set in messages, e.g. {@code CARD_KEYS}
   * @throws InvalidEnvelopeKeyException if the JSON is not a JWK set or a key is not a valid JWK
   */
  static List<JWK> parse(String json, String source) {
    Map<String, Object> set;
    try {
      set = JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw new InvalidEnvelopeKeyException(
          source + " is not JSON: expected a JWK set, {\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"kid\": ..., ...}]}");
    }
    Object keys = set.get("keys");
    if (!(keys instanceof List<?>)) {
      throw new InvalidEnvelopeKeyException(source + " has no \"keys\" array: expected a JWK set, {\"keys\": [...]}");
    }
    List<JWK> parsed = new ArrayList<>();
    int position = 0;
    for (Object entry : (List<?>) keys) {
      position++;
      String label = "key #" + position + " of " + source;
      if (!(entry instanceof Map<?, ?>)) {
        throw new InvalidEnvelopeKeyException(label + " is not a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> members = (Map<String, Object>) entry;
      try {
        parsed.add(JWK.parse(members));
      } catch (ParseException | RuntimeException e) {
        Object kid = members.get("kid");
        throw new InvalidEnvelopeKeyException(
            label
                + (kid instanceof String ? " (kid " + EnvelopeFormat.printable((String) kid) + ")" : "")
                + " is not a valid JWK: "
                + withoutKeyMaterial(e.getMessage()));
      }
    }
    return parsed;
  }

  private static String withoutKeyMaterial(String message) {
    return message == null ? "(no detail)" : LONG_BASE64URL.matcher(message).replaceAll("...");
  }
}
