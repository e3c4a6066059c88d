package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.envelope.KeyRing;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotGateway;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import com.nimbusds.jose.jwk.ECKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/**
 * The card work of a switch (opening the envelope, validating the card, Knot's JWE, starting the
 * call) runs on the card-work executor, never on the stream thread, and a card that cannot be had
 * there still ends in exactly one dead letter. The executor here holds its tasks until the test runs
 * them on a thread of its own, so what the stream thread did before that is visible.
 */
class CardWorkTopologyTest extends TopologyHarness {

  private static final String WORKER = "card-work-test";

  /** Holds tasks until {@link #runOnWorker}; or refuses them all, like a pool that was shut down. */
  private static final class HeldExecutor implements Executor {
    final List<Runnable> held = new ArrayList<>();
    boolean refusing;

    @Override
    public synchronized void execute(Runnable task) {
      if (refusing) {
        throw new RejectedExecutionException("shut down");
      }
      held.add(task);
    }

    /** Runs every held task on a thread named {@link #WORKER}, and waits for it. */
    void runOnWorker() throws InterruptedException {
      List<Runnable> tasks;
      synchronized (this) {
        tasks = List.copyOf(held);
        held.clear();
      }
      Thread worker = new Thread(() -> tasks.forEach(Runnable::run), WORKER);
      worker.start();
      worker.join();
    }
  }

  private final HeldExecutor cardWork = new HeldExecutor();
  /** The threads the key ring opened envelopes on, and Knot was called from. */
  private final List<String> decryptedOn = new CopyOnWriteArrayList<>();
  private final List<String> sentFrom = new CopyOnWriteArrayList<>();
  private TestInputTopic<String, CardReference> references;

  @Override
  protected Topology topology(TopologyConfig config) {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT);
    KeyRing watched = new KeyRing() {
      @Override
      public byte[] decrypt(String compactJwe) {
        decryptedOn.add(Thread.currentThread().getName());
        return ring.decrypt(compactJwe);
      }

      @Override
      public String currentKid() {
        return ring.currentKid();
      }

      @Override
      public ECKey currentPublicKey() {
        return ring.currentPublicKey();
      }
    };
    KnotGateway watchedKnot = (taskId, jweForKey, deadline) -> {
      sentFrom.add(Thread.currentThread().getName());
      return knot.sendCard(taskId, jweForKey, deadline);
    };
    return SwitchTopology.build(config, new SwitchPorts(watchedKnot, watched, clock, counters).withCardWork(cardWork),
        serdes);
  }

  private void startWithReference(String cardId, CardReference reference) {
    start();
    references = driver.createInputTopic(TopologyConfig.DEFAULT_CARD_REFERENCE_TOPIC, new StringSerializer(),
        serdes.cardReference().serializer());
    references.pipeInput(cardId, reference);
    advance(Duration.ofMillis(10));
  }

  @Test
  void opensTheCardAndCallsKnotOnTheCardWorkThreadNeverOnTheStreamThread() throws Exception {
    startWithReference("card-1", TestCards.reference("card-1", TestCards.seedDocument(), SERVICE_KEY, T0));
    sendEvent(1, "card-1", true);
    advance(Duration.ofMillis(50));

    assertEquals(1, cardWork.held.size(), "the switch is handed to the card-work executor");
    assertTrue(decryptedOn.isEmpty(), "the stream thread opened no envelope: " + decryptedOn);
    assertTrue(knot.calls().isEmpty(), "the stream thread called no Knot");

    cardWork.runOnWorker();
    assertEquals(List.of(WORKER), decryptedOn);
    assertEquals(List.of(WORKER), sentFrom);
    assertTrue(FakeKnot.openJwe(knot.call(0)).contains("\"number\":\"4242424242424242\""),
        "Knot gets the card that was opened");

    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(10));
    SwitchOutcome outcome = outcomes.readValue();
    assertEquals(1L, outcome.getTaskId());
    assertEquals("4242", outcome.getCardLastFour());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void aCardThatCannotBeOpenedOnTheCardWorkThreadBecomesExactlyOneDeadLetter() throws Exception {
    startWithReference("card-k", TestCards.reference("card-k", TestCards.seedDocument(),
        JwkSetKeyRing.generate("retired-key"), T0));
    sendEvent(2, "card-k", true);
    advance(Duration.ofMillis(50));
    assertTrue(deadLetters.isEmpty(), "nothing is known before the card work ran");

    cardWork.runOnWorker();
    advance(Duration.ofMillis(10));
    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.UNKNOWN_ENVELOPE_KEY, deadLetter.getReason());
    assertTrue(deadLetter.getDetail().startsWith("the card envelope is encrypted to a key card-switch does not hold"),
        deadLetter.getDetail());
    assertTrue(deadLetter.getDetail().contains("retired-key"), deadLetter.getDetail());
    assertEquals("4242", deadLetter.getCardLastFour());
    assertTrue(knot.calls().isEmpty());
    assertTrue(deadLetters.isEmpty(), "exactly one dead letter");
    assertTrue(outcomes.isEmpty());
  }

  @Test
  void anInvalidCardFoundOnTheCardWorkThreadIsDeadLetteredWithItsFieldPathsOnly() throws Exception {
    startWithReference("card-bad", TestCards.reference("card-bad",
        TestCards.seedDocument().cvv("12345").number("4242424242424241"), SERVICE_KEY, T0));
    sendEvent(3, "card-bad", true);
    advance(Duration.ofMillis(50));
    cardWork.runOnWorker();
    advance(Duration.ofMillis(10));

    DeadLetter deadLetter = deadLetters.readValue();
    assertEquals(DeadLetterReason.INVALID_CARD_DATA, deadLetter.getReason());
    assertTrue(deadLetter.getDetail().endsWith("correct the card reference, then replay"), deadLetter.getDetail());
    assertEquals(List.of("card.number", "card.cvv"),
        deadLetter.getInvalidFields().stream().map(f -> f.substring(0, f.indexOf(':'))).toList());
    assertFalse(deadLetter.toString().contains("4242424242424241"));
    assertFalse(deadLetter.toString().contains("12345"));
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void anExecutorThatRefusesTheWorkDeadLettersTheSwitchAndTheStreamGoesOn() throws Exception {
    startWithReference("card-1", TestCards.reference("card-1", TestCards.seedDocument(), SERVICE_KEY, T0));
    cardWork.refusing = true;
    sendEvent(4, "card-1", true);
    advance(Duration.ofMillis(50));
    DeadLetter refused = deadLetters.readValue();
    assertEquals(DeadLetterReason.INTERNAL_ERROR, refused.getReason());
    assertTrue(refused.getDetail().contains(RejectedExecutionException.class.getName()), refused.getDetail());
    assertTrue(knot.calls().isEmpty());

    cardWork.refusing = false;
    sendEvent(5, "card-1", true);
    advance(Duration.ofMillis(50));
    cardWork.runOnWorker();
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(10));
    assertEquals(5L, outcomes.readValue().getTaskId());
    assertTrue(deadLetters.isEmpty());
  }
}
