package dev.cardswitch.bench;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.demo.PlannedEvent;
import dev.cardswitch.schemas.CardReference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * The benchmark's load: a few hundred valid cards, sealed once to the service's key (about a
 * millisecond each), and any number of AUTHENTICATED events with {@code send_card=true} that reuse
 * them in turn, each at one of a dozen merchants: every event must end {@code SWITCHED}. Reusing a
 * card costs the service what a new card would (each event opens its envelope), so the load is an
 * issuer's bulk switch without sealing a card per event. Holds no card data: only envelopes and
 * identifiers. Immutable; thread-safe.
 */
public final class BenchLoad {

  private static final long[] MERCHANT_IDS = {10, 12, 13, 16, 19, 24, 36, 44, 45, 52, 58, 61};
  private static final String[] MERCHANT_NAMES = {
    "Uber", "Lyft", "Spotify", "Netflix", "DoorDash", "Hulu", "Instacart", "Amazon", "Walmart", "Target",
    "Starbucks", "Disney+"};
  /** Knot emits the event a little before its webhook is received. */
  private static final long KNOT_LEAD_MILLIS = 100;

  private final List<CardReference> references;

  private BenchLoad(List<CardReference> references) {
    this.references = List.copyOf(references);
  }

  /**
   * Seals {@code cards} valid cards to {@code servicePublicKey}.
   *
   * @param runTag part of every card id: a benchmark takes it from its start time
   */
  public static BenchLoad seal(ECKey servicePublicKey, int cards, long seed, String runTag, Clock clock,
      DemoPlan.SealProgress progress) {
    return new BenchLoad(DemoPlan.builder(servicePublicKey).seed(seed).runTag(runTag).clock(clock)
        .progress(progress).sealValidCards(cards));
  }

  /** The card references, to produce before any event. */
  public List<CardReference> references() {
    return references;
  }

  /**
   * {@code count} events for tasks {@code firstTaskId}, {@code firstTaskId + 1}, …, the cards taken
   * in turn; their session ids follow from {@code seed}.
   */
  public List<PlannedEvent> events(long firstTaskId, int count, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    Random random = new Random(seed ^ firstTaskId);
    List<PlannedEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      CardReference card = references.get(i % references.size());
      int merchant = (i / references.size() + i) % MERCHANT_IDS.length;
      events.add(new PlannedEvent(firstTaskId + i, new UUID(random.nextLong(), random.nextLong()).toString(),
          card.getExternalUserId(), card.getCardId(), MERCHANT_IDS[merchant], MERCHANT_NAMES[merchant], true,
          "onboarding", KNOT_LEAD_MILLIS, ExpectedResult.SWITCHED, null));
    }
    return events;
  }

  /** What each event must end as, by task id, in event order. */
  public static Map<Long, ExpectedResult> expectations(List<PlannedEvent> events) {
    Objects.requireNonNull(events, "events");
    Map<Long, ExpectedResult> expected = new LinkedHashMap<>();
    for (PlannedEvent event : events) {
      expected.put(event.taskId(), event.expected());
    }
    return expected;
  }
}
