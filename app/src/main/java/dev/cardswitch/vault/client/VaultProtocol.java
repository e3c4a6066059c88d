package dev.cardswitch.vault.client;

/**
 * The card-management platform's HTTP interface as card-switch uses it, shared by the client and the
 * stand-in. Seed 003 specifies the scheme (a public key with its {@code kid} from the Encryption
 * Utilities; JWE {@code alg=ECDH-ES}, {@code enc=A256GCM}, {@code kid} header, for request elements
 * sent to the platform; a caller-generated key pair whose public half travels in the request body and
 * to which the platform encrypts its response) but not the paths or field names; those below are
 * card-switch's choice, kept in this one place so that a real platform's names are a small change.
 *
 * <ul>
 *   <li>{@code GET /encryption-utilities/v1/public-key} → 200, the platform's public EC P-256 JWK
 *       with its {@code kid}.
 *   <li>{@code POST /card-management/v1/card-details} with {@code {"encryptedCardToken": JWE of the
 *       token to the platform's key, "publicKey": the caller's one-use public JWK with its kid}} →
 *       200 {@code {"encryptedCardDetails": JWE of Knot's card document to the caller's key, kid
 *       header = the caller's kid}}; 404 {@code {"errorCode": "CARD_NOT_FOUND"}}; 400 {@code
 *       {"errorCode": "UNKNOWN_KID"}} when the token was encrypted to a key the platform no longer
 *       holds (it rotated its key: fetch the public key again and retry once).
 * </ul>
 *
 * Both take HTTP Basic auth ({@code CARD_VAULT_CLIENT_ID:CARD_VAULT_SECRET}). Constants only.
 */
public final class VaultProtocol {

  public static final String PUBLIC_KEY_PATH = "/encryption-utilities/v1/public-key";
  public static final String CARD_DETAILS_PATH = "/card-management/v1/card-details";

  public static final String ENCRYPTED_CARD_TOKEN = "encryptedCardToken";
  public static final String PUBLIC_KEY = "publicKey";
  public static final String ENCRYPTED_CARD_DETAILS = "encryptedCardDetails";
  public static final String ERROR_CODE = "errorCode";

  public static final String CARD_NOT_FOUND = "CARD_NOT_FOUND";
  public static final String UNKNOWN_KID = "UNKNOWN_KID";

  /** Longest JWE accepted in an answer, in characters (a card document is a few hundred bytes). */
  public static final int MAX_JWE_CHARS = 128 * 1024;

  private VaultProtocol() {}
}
