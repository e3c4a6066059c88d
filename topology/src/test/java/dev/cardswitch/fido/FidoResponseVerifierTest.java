package dev.cardswitch.fido;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FidoResponseVerifierTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final String REF = "1234-54322-12354-6454";

  private final String secret = FidoRequestMinterTest.randomSecret();
  private final CardinalApiKey key = new CardinalApiKey("MyMerchant-Api-Key-Id", secret);
  private final HmacIssuedJtis issued = new HmacIssuedJtis(key);
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final FidoRequestMinter minter = new FidoRequestMinter(
      new CardinalFidoConfig(key, "M59c2745f2f3e7357b4aa516a", "https://issuer.example/return"), issued, clock);
  private final FidoResponseVerifier verifier = new FidoResponseVerifier(key, issued, clock);
  private final InMemoryAcceptedJtis accepted = new InMemoryAcceptedJtis();

  /** Cardinal's answer to a request minted a minute ago, issued 30 s ago. */
  private TestCardinal valid() {
    String aud = new FidoRequestMinter(new CardinalFidoConfig(key, "org", "https://issuer.example/return"), issued,
        Clock.fixed(NOW.minusSeconds(60), ZoneOffset.UTC)).mint(REF).jti();
    return TestCardinal.response(secret, aud, REF, NOW.minusSeconds(30));
  }

  private FidoCheck verify(TestCardinal response) {
    return verifier.verify(response.jwt(), accepted, "card-1");
  }

  @Test
  void validResponsePassesAndRecordsItsJti() {
    TestCardinal response = valid();
    FidoCheck check = verify(response);
    assertEquals(FidoCheck.Reason.PASSED, check.reason(), check.toString());
    assertTrue(check.passed());
    assertEquals(REF, check.referenceId());
    assertEquals("card-1", accepted.owners.get(response.jti()));
  }

  @Test
  void acceptsTheValuesAsTheSeedWritesThemInEitherJsonType() {
    assertTrue(verify(valid().payload("ChallengeState", "AUTHENTICATED")).passed());
    assertTrue(verify(valid().payload("ChallengeState", "Enrolled")).passed(), "the seed's prose writes Enrolled");
    assertTrue(verify(valid().payload("ErrorNumber", 0)).passed());
    assertTrue(verify(valid().claim("iat", Long.toString(NOW.minusSeconds(30).getEpochSecond()))).passed());
    assertTrue(verify(valid().claim("exp", null)).passed(), "exp is conditional");
    TestCardinal listAud = valid();
    FidoCheck check = verify(listAud.claim("aud", List.of(minter.mint(REF).jti())));
    assertTrue(check.passed(), check.toString());
  }

  @Test
  void missingTokenFailsAsMissing() {
    assertEquals(FidoCheck.Reason.MISSING, verifier.verify(null, accepted, "t").reason());
    assertEquals(FidoCheck.Reason.MISSING, verifier.verify("  ", accepted, "t").reason());
  }

  @Test
  void garbageFailsAsMalformed() {
    assertEquals(FidoCheck.Reason.MALFORMED, verifier.verify("not-a-jwt", accepted, "t").reason());
  }

  @Test
  void wrongSignatureFailsAsBadSignature() {
    FidoCheck check = verify(valid().signedWith(FidoRequestMinterTest.randomSecret()));
    assertEquals(FidoCheck.Reason.BAD_SIGNATURE, check.reason());
    assertEquals(null, check.referenceId(), "nothing from an unsigned token is repeated");
    assertTrue(accepted.owners.isEmpty());
  }

  @Test
  void unknownAudFailsAsUnknownAud() {
    assertEquals(FidoCheck.Reason.UNKNOWN_AUD,
        verify(valid().claim("aud", "415780e0-5e6b-11ef-85a0-c73c743c3ef2")).reason());
    assertEquals(FidoCheck.Reason.UNKNOWN_AUD, verify(valid().claim("aud", null)).reason());
  }

  @Test
  void mismatchedReferenceIdFailsAsReferenceIdMismatch() {
    FidoCheck check = verify(valid().payload("ReferenceId", "9999-other"));
    assertEquals(FidoCheck.Reason.REFERENCE_ID_MISMATCH, check.reason());
    assertEquals("9999-other", check.referenceId());
  }

  @Test
  void replayedJtiFailsAsReplayedForAnotherCardButPassesAgainForItsOwn() {
    TestCardinal response = valid();
    String jwt = response.jwt();
    assertTrue(verifier.verify(jwt, accepted, "card-1").passed());
    assertTrue(verifier.verify(jwt, accepted, "card-1").passed(), "the same card again (another merchant, or a restart)");
    assertEquals(FidoCheck.Reason.REPLAYED, verifier.verify(jwt, accepted, "card-2").reason());
  }

  @Test
  void oldIatFailsAsExpired() {
    TestCardinal old = valid().claim("iat", NOW.minus(Duration.ofHours(2)).getEpochSecond()).claim("exp", null);
    FidoCheck check = verify(old);
    assertEquals(FidoCheck.Reason.EXPIRED, check.reason());
    assertTrue(check.detail().contains("more than 2 h"), check.detail());
    assertTrue(verify(valid().claim("iat", NOW.minus(Duration.ofHours(2)).plusSeconds(1).getEpochSecond())
        .claim("exp", null)).passed(), "one second younger than 2 h");
  }

  @Test
  void expBeyondTwoHoursIsCappedNotTrusted() {
    Instant iat = NOW.minus(Duration.ofHours(2)).minusSeconds(1);
    FidoCheck check = verify(valid().claim("iat", iat.getEpochSecond())
        .claim("exp", NOW.plus(Duration.ofHours(10)).getEpochSecond()));
    assertEquals(FidoCheck.Reason.EXPIRED, check.reason());
    assertTrue(check.detail().contains("capped"), check.detail());
  }

  @Test
  void passedExpFailsAsExpiredEvenWithinTwoHours() {
    assertEquals(FidoCheck.Reason.EXPIRED, verify(valid().claim("exp", NOW.getEpochSecond())).reason());
  }

  @Test
  void iatInTheFutureFails() {
    assertEquals(FidoCheck.Reason.ISSUED_IN_FUTURE,
        verify(valid().claim("iat", NOW.plusSeconds(600).getEpochSecond())).reason());
  }

  @Test
  void failureChallengeStateFailsAsNotAuthenticated() {
    FidoCheck check = verify(valid().payload("ChallengeState", "Failure"));
    assertEquals(FidoCheck.Reason.CHALLENGE_NOT_AUTHENTICATED, check.reason());
    assertTrue(check.detail().contains("Failure"), check.detail());
    assertTrue(accepted.owners.isEmpty(), "a failing token does not use up its jti");
  }

  @Test
  void nonZeroErrorNumberFails() {
    FidoCheck check = verify(valid().payload("ErrorNumber", "2000"));
    assertEquals(FidoCheck.Reason.ERROR_NUMBER, check.reason());
    assertTrue(check.detail().contains("2000"), check.detail());
  }

  @Test
  void resultsNeverHoldTheTokenNorTheKey() {
    for (TestCardinal response : List.of(valid(), valid().payload("ChallengeState", "Failure"),
        valid().signedWith(FidoRequestMinterTest.randomSecret()))) {
      String jwt = response.jwt();
      FidoCheck check = verifier.verify(jwt, accepted, "card-9");
      for (String part : jwt.split("\\.")) {
        assertFalse(check.toString().contains(part), check.toString());
      }
      assertFalse(check.toString().contains(secret));
    }
    assertFalse(verifier.toString().contains(secret));
  }
}
