package dev.cardswitch.fido;

import java.net.URI;
import java.util.Objects;

/**
 * What the request JWT for Cardinal FIDO is minted from (seed 004): the API key, the OrgUnitId and
 * the ReturnUrl. Immutable, validated when built (each error names the setting and the fix);
 * thread-safe.
 */
public final class CardinalFidoConfig {

  private final CardinalApiKey apiKey;
  private final String orgUnitId;
  private final String returnUrl;

  /**
   * @throws IllegalArgumentException naming the missing or bad setting and the fix
   */
  public CardinalFidoConfig(CardinalApiKey apiKey, String orgUnitId, String returnUrl) {
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    if (orgUnitId == null || orgUnitId.isBlank()) {
      throw new IllegalArgumentException("CARDINAL_ORG_UNIT_ID is not set: export the OrgUnitId Cardinal gave you,"
          + " or set FIDO_GATE=off");
    }
    if (returnUrl == null || returnUrl.isBlank()) {
      throw new IllegalArgumentException("CARDINAL_RETURN_URL is not set: export the URL of your front end that"
          + " Cardinal returns to, or set FIDO_GATE=off");
    }
    try {
      URI uri = new URI(returnUrl);
      if (!uri.isAbsolute() || uri.getHost() == null
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new java.net.URISyntaxException(returnUrl, "not an absolute http(s) URL");
      }
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("CARDINAL_RETURN_URL must be an absolute https URL, was '" + returnUrl
          + "': set the URL of your front end that Cardinal returns to");
    }
    this.orgUnitId = orgUnitId;
    this.returnUrl = returnUrl;
  }

  public CardinalApiKey apiKey() { return apiKey; }
  public String orgUnitId() { return orgUnitId; }
  public String returnUrl() { return returnUrl; }

  @Override
  public String toString() {
    return "CardinalFidoConfig[apiKey=" + apiKey + ", orgUnitId=" + orgUnitId + ", returnUrl=" + returnUrl + "]";
  }
}
