package dev.cardswitch.knot.client;

import dev.cardswitch.topology.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.InvalidCardDocumentException;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotCallResult.Outcome;
import dev.cardswitch.knot.KnotJwk;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.SandboxFaults;
import dev.cardswitch.testing.LogCapture;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the client and the sandbox with a known card (valid and invalid documents, Knot's errors,
 * retries, a key rotation, refused credentials) and checks that none of its clear values reaches a
 * log line (every logger, down to TRACE), an exception message, or a call result.
 */
class NoCardDataInLogsTest {

  private static final String PAN = "4111111111111111";
  private static final String CVV = "0419";
  private static final String FIRST = "Zebulon";
  private static final String LAST = "Quarrington";
  private static final String STREET = "77 Obscurity Lane";
  private static final String PHONE = "+14155550199";

  private static CardDocument.Builder knownCard() {
    return CardDocument.builder()
        .firstName(FIRST).lastName(LAST)
        .street(STREET).city("NEW YORK").region("NY").postalCode("10019").country("US")
        .phoneNumber(PHONE)
        .number(PAN).expiration("11/2031").cvv(CVV);
  }

  /** What the topology does: validate, then encrypt; an invalid document fails before any call. */
  private static Function<KnotJwk, String> validatedJwe(CardDocument document) {
    return key -> {
      var violations = new CardDocumentValidator(Clock.systemUTC()).validate(document);
      if (!violations.isEmpty()) {
        throw new InvalidCardDocumentException(violations);
      }
      return TestCards.jweOf(document).apply(key);
    };
  }

  @Test
  void noClearCardValueInAnyLogLineExceptionOrResult() throws Exception {
    List<String> texts = new ArrayList<>();
    String logs;
    try (LogCapture capture = LogCapture.capture();
        KnotSandbox sandbox = KnotSandbox.builder().seed(11).start()) {
      TestClock clock = new TestClock(Instant.now());
      TimeWarpScheduler scheduler = new TimeWarpScheduler(clock);
      KnotClientConfig config = KnotClientConfig.builder().knotBaseUrl(sandbox.baseUrl())
          .knotCredentials(sandbox.credentials()).knotMaxAttempts(3).build();
      try (KnotClient client = KnotClient.builder(config).clock(clock).scheduler(scheduler).random(new Random(3)).build();
          KnotClient refused = KnotClient.builder(config.toBuilder().knotSecret("wrong").build()).clock(clock).scheduler(scheduler).build();
          CardDocument valid = knownCard().build();
          CardDocument wrongRegion = knownCard().region("ZZ").build();
          CardDocument badCvv = knownCard().cvv("04190").build()) {
        Instant deadline = clock.instant().plusSeconds(15);
        List<KnotCallResult> results = new ArrayList<>();

        results.add(client.sendCard(1, validatedJwe(valid), deadline).get(10, TimeUnit.SECONDS));
        // Knot itself rejects a document (the sandbox validates what it decrypts).
        results.add(client.sendCard(2, TestCards.jweOf(wrongRegion), deadline).get(10, TimeUnit.SECONDS));
        results.add(client.sendCard(3, TestCards.jweOf(badCvv), deadline).get(10, TimeUnit.SECONDS));
        // Validation before sending fails the call with the validator's exception.
        try {
          client.sendCard(4, validatedJwe(wrongRegion), deadline).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          assertTrue(e.getCause() instanceof InvalidCardDocumentException, e.toString());
          texts.add(e.getCause().getMessage());
          texts.add(e.getCause().toString());
        }
        sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 500, 503).times(2).build());
        results.add(client.sendCard(5, validatedJwe(valid), deadline).get(10, TimeUnit.SECONDS));
        sandbox.faults(SandboxFaults.builder().serverErrors(1.0, 502).build());
        results.add(client.sendCard(6, validatedJwe(valid), deadline).get(10, TimeUnit.SECONDS));
        sandbox.faults(SandboxFaults.NONE);
        sandbox.rotateKey();
        results.add(client.sendCard(7, validatedJwe(valid), deadline).get(10, TimeUnit.SECONDS));
        results.add(refused.sendCard(8, validatedJwe(valid), deadline).get(10, TimeUnit.SECONDS));

        assertEquals(List.of(Outcome.SWITCHED, Outcome.PERMANENT, Outcome.PERMANENT, Outcome.SWITCHED, Outcome.UNAVAILABLE,
            Outcome.SWITCHED, Outcome.AUTH), results.stream().map(KnotCallResult::outcome).toList());
        for (KnotCallResult r : results) {
          texts.add(r.toString());
          texts.add(r.detail());
          r.knotError().ifPresent(e -> texts.add(e.toString()));
        }
        texts.add(valid.toString());
        texts.add(valid.maskedNumber());
      } finally {
        scheduler.shutdownNow();
      }
      logs = capture.text();
    }
    assertFalse(logs.isEmpty(), "the runs logged something");
    assertTrue(logs.contains("INVALID_JWE") && logs.contains("INVALID_API_KEYS"), "Knot's errors were logged:\n" + logs);
    String all = logs + "\n" + String.join("\n", texts);
    for (String secret : new String[] {PAN, PAN.substring(0, 12), FIRST, LAST, STREET, PHONE, PHONE.substring(1)}) {
      assertFalse(all.contains(secret), "found a card value in:\n" + all);
    }
    // The CVV as a whole token (ports or hex ids may contain the same four digits inside a longer word).
    assertFalse(Pattern.compile("(?<![0-9A-Za-z])" + CVV + "(?![0-9A-Za-z])").matcher(all).find(), "found the CVV in:\n" + all);
  }

  @Test
  void aKnotErrorEchoingACardNumberIsMasked() {
    var e = new dev.cardswitch.knot.KnotError("INVALID_REQUEST", "INVALID_FIELD", "card " + PAN + " declined");
    assertFalse(e.toString().contains(PAN), e.toString());
    assertFalse(e.errorMessage().contains("411111"), e.errorMessage());
  }

  @Test
  void aCallResultNeverHoldsMoreThanItsFields() {
    KnotCallResult r = new KnotCallResult(Outcome.DEADLINE, 0, null, 0, null, null, "deadline passed before attempt 1");
    assertEquals("KnotCallResult[DEADLINE, attempts=0, deadline passed before attempt 1]", r.toString());
    assertTrue(r.firstAttemptAt().isEmpty());
  }
}
