package dev.cardswitch.demo;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.schemas.CardReference;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The demo's input, generated from a seed: cardholders (users), their card references with real
 * envelopes sealed to the service's public key, and Knot AUTHENTICATED events with a realistic mix,
 * each knowing the result it must end as:
 *
 * <ul>
 *   <li>{@value #SKIPPED_PERCENT} % with {@code send_card=false}: {@link ExpectedResult#SKIPPED};
 *   <li>{@value #UNKNOWN_CARD_PERCENT} % for a card that has no reference: {@link
 *       ExpectedResult#NO_CARD_REFERENCE}, once the window has closed;
 *   <li>{@value #INVALID_CARD_PERCENT} % for a card whose document breaks one of Knot's rules, the
 *       rules taken in turn ({@link InvalidCardRule}): {@link ExpectedResult#INVALID_CARD_DATA};
 *   <li>with a Cardinal FIDO stand-in that is required ({@link Builder#fido}), {@value
 *       #FIDO_FAILED_PERCENT} % for a card whose reference carries a failed FIDO result, the
 *       failures taken in turn ({@link DemoCardinal.Failure}): {@link
 *       ExpectedResult#CARDHOLDER_NOT_AUTHENTICATED}; every other reference then carries a valid one;
 *   <li>the rest valid: {@link ExpectedResult#SWITCHED}.
 * </ul>
 *
 * In card-vault lookup mode ({@link Builder#cardVault}) the references carry only a {@code card_token}
 * (their documents go to the vault instead of into an envelope), and {@value #UNKNOWN_TOKEN_PERCENT} %
 * more events are for a card whose token the vault does not know: {@link ExpectedResult#CARD_NOT_FOUND}.
 *
 * <p>The shares are exact (rounded to whole events) and the events shuffled. About a quarter of the
 * events with a valid card come from a cardholder switching the same card at another merchant (up
 * to {@value #MAX_EVENTS_PER_CARD} merchants per card), so several events join one reference.
 *
 * <p>Deterministic: the same seed, size, first task id, run tag and clock month give the same
 * events and the same card documents (each envelope still differs, as ECDH-ES uses a fresh
 * ephemeral key). Task ids run from {@code firstTaskId}, and card ids carry the run tag: a demo run
 * picks both from its start time, so repeated runs on the same broker never meet tasks the service
 * already switched (it remembers them for days) nor card references of earlier runs.
 *
 * <p>No clear card data is kept: each document is built, sealed and closed (its values wiped)
 * before the next is made; the plan holds only envelopes, last four digits and identifiers.
 * Immutable; thread-safe.
 */
public final class DemoPlan {

  public static final int SKIPPED_PERCENT = 10;
  public static final int UNKNOWN_CARD_PERCENT = 3;
  public static final int INVALID_CARD_PERCENT = 3;
  /** With FIDO required: the share of cards whose cardholder did not authenticate. */
  public static final int FIDO_FAILED_PERCENT = 3;
  /** Card-vault lookup mode only: events for a reference whose token the vault does not hold. */
  public static final int UNKNOWN_TOKEN_PERCENT = 3;

  /** Share of the events with a valid card that reuse an earlier card at another merchant. */
  public static final double REPEAT_CARD_SHARE = 0.25;

  public static final int MAX_EVENTS_PER_CARD = 3;
  public static final int DEFAULT_EVENTS = 1000;
  public static final long DEFAULT_SEED = 42;
  public static final long DEFAULT_FIRST_TASK_ID = 1;
  public static final String DEFAULT_RUN_TAG = "demo";

  /** Merchants as Knot names them, with ids of Knot's kind. */
  private static final List<Merchant> MERCHANTS =
      List.of(
          new Merchant(10, "Uber"),
          new Merchant(12, "Lyft"),
          new Merchant(16, "Netflix"),
          new Merchant(13, "Spotify"),
          new Merchant(44, "Amazon"),
          new Merchant(19, "DoorDash"),
          new Merchant(24, "Hulu"),
          new Merchant(36, "Instacart"),
          new Merchant(45, "Walmart"),
          new Merchant(52, "Target"),
          new Merchant(58, "Starbucks"),
          new Merchant(61, "Disney+"));

  private static final List<String> ENTRYPOINTS =
      List.of(
          "onboarding",
          "onboarding",
          "onboarding",
          "card_activation",
          "account_settings",
          "lost_or_stolen");

  /** Knot emits the event a little before the webhook arrives: 40 to 400 ms here. */
  private static final int MIN_KNOT_LEAD_MILLIS = 40;

  private static final int KNOT_LEAD_SPREAD_MILLIS = 360;

  private record Merchant(long id, String name) {}

  private final long seed;
  private final List<CardReference> references;
  private final List<PlannedEvent> events;
  private final Map<Long, ExpectedResult> expectations;

  private DemoPlan(long seed, List<CardReference> references, List<PlannedEvent> events) {
    this.seed = seed;
    this.references = List.copyOf(references);
    this.events = List.copyOf(events);
    Map<Long, ExpectedResult> byTask = new LinkedHashMap<>();
    for (PlannedEvent event : events) {
      byTask.put(event.taskId(), event.expected());
    }
    this.expectations = Collections.unmodifiableMap(byTask);
  }

  /** A plan whose envelopes are sealed to {@code servicePublicKey} (P-256, with its kid). */
  public static Builder builder(ECKey servicePublicKey) {
    return new Builder(servicePublicKey);
  }

  public long seed() {
    return seed;
  }

  /** Card references to produce before the events, in order; keyed by {@code card_id}. */
  public List<CardReference> references() {
    return references;
  }

  /** The events, in the order to produce them. */
  public List<PlannedEvent> events() {
    return events;
  }

  /** The expected result of every planned task, by task id, in event order. */
  public Map<Long, ExpectedResult> expectations() {
    return expectations;
  }

  /** How many events expect each result (every result present, zero included). */
  public Map<ExpectedResult, Integer> expectedCounts() {
    Map<ExpectedResult, Integer> counts = new EnumMap<>(ExpectedResult.class);
    for (ExpectedResult expected : ExpectedResult.values()) {
      counts.put(expected, 0);
    }
    for (PlannedEvent event : events) {
      counts.merge(event.expected(), 1, Integer::sum);
    }
    return counts;
  }

  @Override
  public String toString() {
    return "DemoPlan[seed="
        + seed
        + ", events="
        + events.size()
        + ", references="
        + references.size()
        + ", expected="
        + expectedCounts()
        + "]";
  }

  /** Progress of sealing the envelopes, the slow part (about a millisecond each). */
  @FunctionalInterface
  public interface SealProgress {
    void sealed(int done, int total);
  }

  /** Settings of a plan; defaults in the {@code DEFAULT_*} constants. Not thread-safe. */
  public static final class Builder {
    private final ECKey servicePublicKey;
    private int events = DEFAULT_EVENTS;
    private long seed = DEFAULT_SEED;
    private long firstTaskId = DEFAULT_FIRST_TASK_ID;
    private String runTag = DEFAULT_RUN_TAG;
    private Clock clock = Clock.systemUTC();
    private SealProgress progress = (done, total) -> {};
    private int skippedPercent = SKIPPED_PERCENT;
    private int unknownCardPercent = UNKNOWN_CARD_PERCENT;
    private int invalidCardPercent = INVALID_CARD_PERCENT;
    private DemoCardinal fido;
    private CardVaultLoader cardVault;

    /**
     * Card-vault lookup mode: each referenced card's document goes to {@code vault} under a token, and
     * its reference carries only that token (an empty envelope); null: envelopes (the default).
     */
    public Builder cardVault(CardVaultLoader vault) {
      this.cardVault = vault;
      return this;
    }

    private Builder(ECKey servicePublicKey) {
      this.servicePublicKey = Objects.requireNonNull(servicePublicKey, "servicePublicKey");
    }

    /** Number of events, at least 1. */
    public Builder events(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("events (--events) must be at least 1, was " + events);
      }
      this.events = events;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The first task id; the others follow it. */
    public Builder firstTaskId(long firstTaskId) {
      if (firstTaskId < 1) {
        throw new IllegalArgumentException("firstTaskId must be positive, was " + firstTaskId);
      }
      this.firstTaskId = firstTaskId;
      return this;
    }

    /** Part of every card id ({@code card-<runTag>-000001}): letters, digits and '-', 1 to 40. */
    public Builder runTag(String runTag) {
      if (runTag == null || !runTag.matches("[A-Za-z0-9-]{1,40}")) {
        throw new IllegalArgumentException(
            "runTag must be 1 to 40 letters, digits or '-', was '" + runTag + "'");
      }
      this.runTag = runTag;
      return this;
    }

    /** Decides which expiries are in the future and stamps {@code updated_at}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The shares of the mix, in percent (defaults: {@value #SKIPPED_PERCENT}, {@value
     * #UNKNOWN_CARD_PERCENT}, {@value #INVALID_CARD_PERCENT}); the rest is valid cards. A fault run
     * may leave out unknown cards, whose dead letters only come when the window closes.
     */
    public Builder mix(int skippedPercent, int unknownCardPercent, int invalidCardPercent) {
      if (skippedPercent < 0 || unknownCardPercent < 0 || invalidCardPercent < 0
          || skippedPercent + unknownCardPercent + invalidCardPercent > 100) {
        throw new IllegalArgumentException("the mix's percentages must be 0 or more and add up to at most 100, were "
            + skippedPercent + ", " + unknownCardPercent + ", " + invalidCardPercent);
      }
      this.skippedPercent = skippedPercent;
      this.unknownCardPercent = unknownCardPercent;
      this.invalidCardPercent = invalidCardPercent;
      return this;
    }

    /**
     * Every card reference carries a Cardinal FIDO result made by {@code cardinal} (null: none); when
     * it is required, {@value #FIDO_FAILED_PERCENT} % of the events get a card with a failed one.
     * The events drawn from the seed do not change but for that share.
     */
    public Builder fido(DemoCardinal cardinal) {
      this.fido = cardinal;
      return this;
    }

    public Builder progress(SealProgress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Generates the plan and seals every envelope.
     *
     * @throws dev.cardswitch.envelope.InvalidEnvelopeKeyException if the key is not a P-256
     *     encryption key with a kid
     */
    public DemoPlan build() {
      if (firstTaskId > Long.MAX_VALUE - events) {
        throw new IllegalArgumentException(
            "firstTaskId " + firstTaskId + " leaves no room for " + events + " task ids");
      }
      EnvelopeEncrypter encrypter = new EnvelopeEncrypter(servicePublicKey);
      Random random = new Random(seed);
      List<ExpectedResult> mix = mix(random);
      List<CardPlan> cards = new ArrayList<>();
      List<CardPlan> reusable = new ArrayList<>();
      List<PlannedEvent> planned = new ArrayList<>(events);
      int invalidCards = 0;
      int fidoFailures = 0;
      for (int i = 0; i < events; i++) {
        ExpectedResult expected = mix.get(i);
        CardPlan card;
        Merchant merchant;
        switch (expected) {
          case SWITCHED, SKIPPED -> {
            if (!reusable.isEmpty() && random.nextDouble() < REPEAT_CARD_SHARE) {
              int index = random.nextInt(reusable.size());
              card = reusable.get(index);
              merchant = card.nextMerchant(random);
              if (card.merchants.size() >= MAX_EVENTS_PER_CARD) {
                // Swap-remove: order in this pool does not matter, and it stays O(1).
                reusable.set(index, reusable.get(reusable.size() - 1));
                reusable.remove(reusable.size() - 1);
              }
            } else {
              card = newCard(cards, random, null, true);
              merchant = card.nextMerchant(random);
              reusable.add(card);
            }
          }
          case INVALID_CARD_DATA -> {
            InvalidCardRule rule =
                InvalidCardRule.values()[invalidCards++ % InvalidCardRule.values().length];
            card = newCard(cards, random, rule, true);
            merchant = card.nextMerchant(random);
          }
          case NO_CARD_REFERENCE -> {
            card = newCard(cards, random, null, false);
            merchant = card.nextMerchant(random);
          }
          case CARDHOLDER_NOT_AUTHENTICATED -> {
            card = newCard(cards, random, null, true);
            card.fidoFailure =
                DemoCardinal.Failure.values()[fidoFailures++ % DemoCardinal.Failure.values().length];
            merchant = card.nextMerchant(random);
          }
          case CARD_NOT_FOUND -> {
            card = newCard(cards, random, null, true);
            card.tokenUnknown = true;
            merchant = card.nextMerchant(random);
          }
          default -> throw new IllegalStateException("no plan for " + expected);
        }
        planned.add(
            new PlannedEvent(
                firstTaskId + i,
                uuid(random),
                card.userId,
                card.cardId,
                merchant.id(),
                merchant.name(),
                expected != ExpectedResult.SKIPPED,
                ENTRYPOINTS.get(random.nextInt(ENTRYPOINTS.size())),
                MIN_KNOT_LEAD_MILLIS + random.nextInt(KNOT_LEAD_SPREAD_MILLIS + 1),
                expected,
                expected == ExpectedResult.INVALID_CARD_DATA ? card.broken : null));
      }
      return new DemoPlan(seed, seal(cards, encrypter), planned);
    }

    /**
     * Seals {@code cards} valid cards to the service's key and returns their references, without
     * any event: for a load generator that reuses a few cards across many tasks (the benchmark).
     * Card ids carry the run tag ({@code card-<runTag>-000001}); the seed fixes the documents and
     * the user ids; the progress hears of each card sealed. The builder's event settings are not
     * used.
     */
    public List<CardReference> sealValidCards(int cards) {
      if (cards < 1) {
        throw new IllegalArgumentException("cards must be at least 1, was " + cards);
      }
      Random random = new Random(seed);
      List<CardPlan> plans = new ArrayList<>(cards);
      for (int i = 0; i < cards; i++) {
        newCard(plans, random, null, true);
      }
      return seal(plans, new EnvelopeEncrypter(servicePublicKey));
    }

    /** The expected results in exact shares, shuffled. */
    private List<ExpectedResult> mix(Random random) {
      int skipped = share(skippedPercent);
      int unknown = share(unknownCardPercent);
      int invalid = share(invalidCardPercent);
      int unauthenticated = fido != null && fido.required()
          ? Math.min(share(FIDO_FAILED_PERCENT), events - skipped - unknown - invalid) : 0;
      List<ExpectedResult> mix = new ArrayList<>(events);
      mix.addAll(Collections.nCopies(unauthenticated, ExpectedResult.CARDHOLDER_NOT_AUTHENTICATED));
      mix.addAll(Collections.nCopies(skipped, ExpectedResult.SKIPPED));
      mix.addAll(Collections.nCopies(unknown, ExpectedResult.NO_CARD_REFERENCE));
      mix.addAll(Collections.nCopies(invalid, ExpectedResult.INVALID_CARD_DATA));
      int unknownToken = cardVault == null ? 0
          : Math.min(share(UNKNOWN_TOKEN_PERCENT), events - skipped - unknown - invalid - unauthenticated);
      mix.addAll(Collections.nCopies(unknownToken, ExpectedResult.CARD_NOT_FOUND));
      mix.addAll(Collections.nCopies(events - skipped - unknown - invalid - unauthenticated - unknownToken,
          ExpectedResult.SWITCHED));
      Collections.shuffle(mix, random);
      return mix;
    }

    private int share(int percent) {
      return (int) Math.round(events * percent / 100.0);
    }

    private CardPlan newCard(
        List<CardPlan> cards, Random random, InvalidCardRule broken, boolean referenced) {
      String cardId = String.format(Locale.ROOT, "card-%s-%06d", runTag, cards.size() + 1);
      CardPlan card = new CardPlan(cardId, uuid(random), broken, referenced);
      cards.add(card);
      return card;
    }

    /** Builds, seals and closes each referenced card's document in turn. */
    private List<CardReference> seal(List<CardPlan> cards, EnvelopeEncrypter encrypter) {
      // Its own generator: the card documents do not depend on how the events drew theirs.
      DemoCards documents = new DemoCards(new Random(~seed), clock);
      Instant updatedAt = clock.instant();
      int total = (int) cards.stream().filter(c -> c.referenced).count();
      List<CardReference> references = new ArrayList<>(total);
      for (CardPlan card : cards) {
        if (!card.referenced) {
          continue;
        }
        try (CardDocument document = documents.next(card.broken)) {
          byte[] json = document.toJson();
          try {
            String token = "tok-" + card.cardId;
            if (cardVault != null && !card.tokenUnknown) {
              cardVault.put(token, json);
            }
            references.add(
                CardReference.newBuilder()
                    .setCardId(card.cardId)
                    .setExternalUserId(card.userId)
                    .setLastFour(document.lastFour())
                    // Vault mode: no card data on Kafka at all, not even sealed.
                    .setCardEnvelope(cardVault == null ? encrypter.encrypt(json) : "")
                    .setCardToken(cardVault == null ? null : token)
                    .setFidoResponseJwt(fido == null ? null
                        : card.fidoFailure == null ? fido.authenticated(card.cardId)
                        : fido.failed(card.cardId, card.fidoFailure))
                    .setUpdatedAt(updatedAt)
                    .build());
          } finally {
            Arrays.fill(json, (byte) 0);
          }
        }
        progress.sealed(references.size(), total);
      }
      return references;
    }

    /** A version-4 UUID from the seeded generator. */
    private static String uuid(Random random) {
      long most = (random.nextLong() & ~0xF000L) | 0x4000L;
      long least = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
      return new UUID(most, least).toString();
    }
  }

  /** One card while the plan is drawn: identifiers and how it is made, no card data. */
  private static final class CardPlan {
    final String cardId;
    final String userId;
    final InvalidCardRule broken;
    final boolean referenced;
    final Set<Merchant> merchants = new HashSet<>();
    /** How the card's FIDO result fails, or null when it passes. */
    DemoCardinal.Failure fidoFailure;
    /** Vault mode: the reference's token is not loaded into the vault. */
    boolean tokenUnknown;

    CardPlan(String cardId, String userId, InvalidCardRule broken, boolean referenced) {
      this.cardId = cardId;
      this.userId = userId;
      this.broken = broken;
      this.referenced = referenced;
    }

    /** A merchant this card has not been switched at yet. */
    Merchant nextMerchant(Random random) {
      while (true) {
        Merchant merchant = MERCHANTS.get(random.nextInt(MERCHANTS.size()));
        if (merchants.add(merchant)) {
          return merchant;
        }
      }
    }
  }
}
