package dev.cardswitch.topology.internal;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.deadletter.DeadLetters;
import dev.cardswitch.fido.FidoCheck;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotJweEncrypter;
import dev.cardswitch.knot.KnotJwk;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.internal.PendingSwitch;
import dev.cardswitch.schemas.internal.SwitchRequest;
import dev.cardswitch.schemas.internal.WaitingSwitches;
import dev.cardswitch.topology.SwitchPorts;
import dev.cardswitch.topology.TopologyConfig;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The switch itself, on the card_id partition where the request meets its card reference: queue
 * it, then open the envelope, validate the card, hand it to Knot, and turn Knot's answer into
 * exactly one outcome or dead letter.
 *
 * <p>Nothing here blocks the stream thread. {@link #process} only checks the request and records it
 * in the changelogged pending store (no card data: the envelope is opened later, from the card
 * reference store). A wall-clock punctuator then, in order: forwards the results of finished calls;
 * sends the queued switches whose pending entry is committed (see {@link CommitMarker}: a crash can
 * then never hide a call that was made) while call slots are free; dead-letters queued switches
 * whose window closed first (over capacity: back-pressure by deadline, memory bounded by the window,
 * nothing dropped). Sending hands the switch to {@link CardSource#withCard}: the card is opened (or
 * looked up), validated, encrypted for Knot and sent on the card-work executor, not on the stream
 * thread, which keeps only the Kafka work. The completion only wipes the clear card, frees its slot
 * and queues the result. Records forwarded from a punctuator carry no source coordinates, so each
 * pending entry keeps the event's own topic, partition and offset.
 *
 * <p>After a restart, pending entries this instance did not write are switches that may have been
 * sent before the process stopped: they are sent again, marked {@code resent_after_restart}
 * (conservatively: one queued but not yet sent is marked too), or dead-lettered if their window closed.
 * A clean stop avoids both ({@link dev.cardswitch.topology.CallDrain}): it starts no new call, marks
 * the queued entries as never sent ({@link #NEVER_SENT}), and waits for the answers in flight.
 *
 * <p>One instance per stream task, used by its stream thread only; the completion queue is the only
 * state the HTTP and card-work threads touch.
 */
final class SwitchProcessor implements Processor<String, Candidate, String, Result> {

  /**
   * {@code entry}: the pending entry as stored when the call started; {@code fidoCheck}: the outcome's
   * fido_check, or null with FIDO_GATE=off; {@code fromVault}: whether the card was looked up.
   */
  private record Completion(String taskKey, PendingSwitch entry, KnotCallResult result, Throwable error,
      String fidoCheck, boolean fromVault) {}

  /** {@code dispatches} of an entry a clean stop left queued: never sent, so its next owner sends it as a first send. */
  static final int NEVER_SENT = -1;

  /**
   * A switch recorded in the pending store, waiting for its commit and a call slot. {@code entry}: what
   * this instance wrote there (kept so that sending and completing it read nothing back from the
   * store); null for a restored entry, read from the store when it is sent.
   */
  private record Queued(String taskKey, Instant deadline, long writtenBeforeCommit, boolean restored,
      PendingSwitch entry) {}

  private final TopologyConfig config;
  private final SwitchPorts ports;
  private final InFlightLimit limit;
  private final CardDocumentValidator validator;
  private final KnotJweEncrypter jwe;
  private final CardSource cardSource;
  /** The dedup look-up's span around now, in ms: back over the retention, ahead over one window. */
  private final long dedupBeforeMs;
  private final long dedupAfterMs;
  private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  /** Tasks queued or in flight from this instance (stream thread only). */
  private final Set<String> known = new HashSet<>();
  private boolean restoredQueued;
  /**
   * False only while the waiting store is known to be empty, so that {@link #isWaiting} need not read
   * it for every event (a store miss each). Set by {@link #park}; a scan ({@link #expireWaiting}) that
   * leaves nothing clears it. The release processor only removes entries: it can keep this true
   * longer than needed, never make it wrongly false.
   */
  private boolean mayBeWaiting = true;
  /** Calls this processor started whose answers it has not yet turned into results (stream thread only). */
  private int unsettledHere;

  private ProcessorContext<String, Result> context;
  private KeyValueStore<String, WaitingSwitches> waiting;
  private KeyValueStore<String, PendingSwitch> pending;
  private WindowStore<String, Long> switched;
  private TimestampedKeyValueStore<String, CardReference> references;
  private CommitMarker marker;
  /** Null with FIDO_GATE=off. */
  private FidoJtiStore fidoJtis;

  SwitchProcessor(TopologyConfig config, SwitchPorts ports, InFlightLimit limit) {
    this.config = config;
    this.ports = ports;
    this.limit = limit;
    this.validator = new CardDocumentValidator(ports.clock());
    this.jwe = new KnotJweEncrypter(config.cardCryptoProvider());
    this.cardSource = new CardSource(ports.vault(), ports.keyRing(), ports.cardWork(), validator);
    this.dedupBeforeMs = config.deduplicationRetention().toMillis();
    this.dedupAfterMs = config.window().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, Result> context) {
    this.context = context;
    this.waiting = context.getStateStore(StoreNames.WAITING);
    this.pending = context.getStateStore(StoreNames.PENDING);
    this.switched = context.getStateStore(StoreNames.SWITCHED);
    this.references = context.getStateStore(StoreNames.CARD_REFERENCES);
    this.marker = context.getStateStore(StoreNames.COMMIT_MARKER);
    if (ports.fido().checks()) {
      this.fidoJtis = new FidoJtiStore(context.getStateStore(StoreNames.FIDO_USED_JTI), ports.clock());
    }
    context.schedule(config.completionInterval(), PunctuationType.WALL_CLOCK_TIME, t -> {
      queueRestoredSwitches();
      forwardCompletions();
      sendQueued();
      // Calls that already ended while being started (a card that could not be opened in place, an
      // answer at once) go out now rather than one interval later.
      forwardCompletions();
    });
    context.schedule(config.waitScanInterval(), PunctuationType.WALL_CLOCK_TIME, t -> expireWaiting());
  }

  @Override
  public void process(Record<String, Candidate> record) {
    Candidate candidate = record.value();
    SwitchRequest request = candidate.request();
    String taskKey = taskKey(request);
    Instant now = ports.clock().instant();
    if (alreadySwitched(taskKey, now) || pending.get(taskKey) != null || isWaiting(record.key(), taskKey)) {
      deadLetter(taskKey, DeadLetters.draft(DeadLetterReason.DUPLICATE_EVENT,
          "task " + taskKey + " is already switched or being switched; POST /card is never sent twice for one task",
          now).request(request), record.timestamp());
      return;
    }
    if (!now.isBefore(request.getDeadlineAt())) {
      DeadLetters draft = candidate.released()
          ? DeadLetters.draft(DeadLetterReason.NO_CARD_REFERENCE, "the card reference for card_id " + record.key()
              + " arrived only after the window closed; load card references before the switching campaign", now)
          : DeadLetters.draft(DeadLetterReason.DEADLINE_EXCEEDED, "the window closed (deadline "
              + request.getDeadlineAt() + ") before the switch could start; Knot was not called", now);
      deadLetter(taskKey, draft.request(request), record.timestamp());
      return;
    }
    if (candidate.reference() == null) {
      park(record.key(), request);
      return;
    }
    PendingSwitch entry = PendingSwitch.newBuilder()
        .setRequest(request)
        .setCardLastFour(candidate.reference().getLastFour())
        .setDispatches(0)
        .setDispatchedAt(now)
        .build();
    pending.put(taskKey, entry);
    known.add(taskKey);
    // No context.commit() here: a commit per record caps a stream thread at one transaction per
    // record (tens of ms each); the commit interval batches many switches into one transaction.
    queue.add(new Queued(taskKey, request.getDeadlineAt(), marker.commits(), false, entry));
  }

  /** Sends queued switches, oldest first, while their entry is committed and a call slot is free. */
  private void sendQueued() {
    if (ports.drain().draining()) {
      leaveQueued();
      return;
    }
    Queued head;
    while ((head = queue.peek()) != null && head.writtenBeforeCommit() < marker.commits()) {
      Instant now = ports.clock().instant();
      if (!now.isBefore(head.deadline())) {
        queue.poll();
        known.remove(head.taskKey());
        PendingSwitch entry = pending.delete(head.taskKey());
        if (entry != null) {
          String detail = head.restored()
              // Restored after a restart: it may have been sent before it (a first send is not recorded).
              ? "the window closed before the switch restored after a restart could be sent again; it may have"
                  + " been sent before the restart, so " + KnotCallResult.MAY_HAVE_SWITCHED
              : "no call slot to Knot freed up before the window closed (" + limit.inFlight()
                  + " calls in flight): card-switch is over capacity; add instances or raise KNOT_MAX_IN_FLIGHT";
          deadLetter(head.taskKey(), DeadLetters.draft(DeadLetterReason.DEADLINE_EXCEEDED, detail, now)
              .request(entry.getRequest()).cardLastFour(entry.getCardLastFour())
              .resentAfterRestart(head.restored()), now.toEpochMilli());
        }
        continue;
      }
      if (!limit.tryAcquire()) {
        return; // every slot is taken: the calls in flight free them as they complete
      }
      queue.poll();
      dispatch(head, now);
    }
  }

  /**
   * The service is stopping cleanly: the queued switches stay in the pending store for the next owner
   * of the task, marked never sent unless they may have been sent before (restored ones).
   */
  private void leaveQueued() {
    Queued queued;
    while ((queued = queue.poll()) != null) {
      known.remove(queued.taskKey());
      PendingSwitch entry = queued.restored() ? null : pending.get(queued.taskKey());
      if (entry != null && entry.getDispatches() != NEVER_SENT) {
        pending.put(queued.taskKey(), PendingSwitch.newBuilder(entry).setDispatches(NEVER_SENT).build());
      }
    }
  }

  /**
   * Holding a call slot: checks that the card reference is still there and, with a FIDO gate, that
   * the card may go, then sends it; frees the slot on a failure here.
   */
  private void dispatch(Queued queued, Instant now) {
    String taskKey = queued.taskKey();
    PendingSwitch entry = queued.entry() != null ? queued.entry() : pending.get(taskKey);
    if (entry == null) {
      limit.release();
      known.remove(taskKey);
      return;
    }
    SwitchRequest request = entry.getRequest();
    String cardId = request.getEvent().getData().getCardId();
    ValueAndTimestamp<CardReference> stored = references.get(cardId);
    if (stored == null || stored.value() == null) {
      fail(taskKey, DeadLetters.draft(DeadLetterReason.NO_CARD_REFERENCE, "the card reference for card_id " + cardId
          + " was deleted before the card could be sent; load it again, then replay", now).request(request));
      return;
    }
    CardReference reference = stored.value();
    String fidoCheck = null;
    if (ports.fido().checks()) {
      // Before the card is opened or looked up: a card that may not go is never decrypted. Stateless
      // but for the jti store; no network, nothing blocks.
      FidoCheck check = ports.fido().check(reference.getFidoResponseJwt(), fidoJtis, cardId);
      if (!check.passed() && ports.fido().required()) {
        fail(taskKey, DeadLetters.draft(DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED,
                "FIDO_GATE=required and the Cardinal FIDO check " + check.reason() + " failed"
                    + (check.referenceId() == null ? "" : " for ReferenceId " + check.referenceId()) + ": "
                    + check.detail(), now)
            .request(request).cardLastFour(reference.getLastFour()));
        return;
      }
      fidoCheck = check.outcomeValue();
    }
    send(taskKey, recordDispatch(queued, entry, now), reference, fidoCheck);
  }

  /** The entry as it stands once this send is recorded. */
  private PendingSwitch recordDispatch(Queued queued, PendingSwitch entry, Instant now) {
    String taskKey = queued.taskKey();
    // A first send is not written back: a restart treats every restored entry as possibly sent
    // already (at least one earlier send), so rewriting it would only cost a changelog record per
    // switch. A re-send after a restart is written, so the next restart counts it too.
    if (queued.restored()) {
      int dispatches = Math.max(entry.getDispatches(), 1) + 1;
      PendingSwitch resent = PendingSwitch.newBuilder(entry).setDispatches(dispatches).setDispatchedAt(now).build();
      pending.put(taskKey, resent);
      ports.metrics().resentAfterRestart();
      return resent;
    }
    if (entry.getDispatches() == NEVER_SENT) {
      // Left by a clean stop: this is its first send, and from now on a restart must count it as sent.
      PendingSwitch first = PendingSwitch.newBuilder(entry).setDispatches(0).setDispatchedAt(now).build();
      pending.put(taskKey, first);
      return first;
    }
    return entry;
  }

  /**
   * Gets the card (opens its envelope, or looks it up in the card vault), validates it and hands it
   * to Knot, all off the stream thread ({@link CardSource#withCard}); never blocks. The call slot is
   * held throughout, and the deadline counts for all of it. A card that cannot be had comes back
   * through the completion queue like Knot's answer, and becomes its dead letter there.
   */
  private void send(String taskKey, PendingSwitch entry, CardReference reference, String fidoCheck) {
    SwitchRequest request = entry.getRequest();
    ports.metrics().inFlight(1);
    ports.drain().callStarted();
    unsettledHere++;
    boolean fromVault = CardSource.fromVault(reference);
    AtomicReference<CardDocument> card = new AtomicReference<>();
    CompletableFuture<KnotCallResult> call = cardSource.withCard(reference, request.getDeadlineAt(), document -> {
      card.set(document);
      return ports.knot().sendCard(request.getEvent().getTaskId(), key -> encrypt(document, key), request.getDeadlineAt());
    });
    call.whenComplete((result, error) -> {
      // On an HTTP or card-work thread: only wipe, free the slot and queue; the stream thread does the rest.
      CardDocument document = card.get();
      if (document != null) {
        document.close();
      }
      limit.release();
      ports.metrics().inFlight(-1);
      completions.add(new Completion(taskKey, entry, result, error, fidoCheck, fromVault));
    });
  }

  private String encrypt(CardDocument document, KnotJwk key) {
    byte[] json = document.toJson();
    try {
      return jwe.encrypt(key, json);
    } finally {
      Arrays.fill(json, (byte) 0);
    }
  }

  /** A switch that could not be sent: free its slot, clear its entry, dead-letter it. */
  private void fail(String taskKey, DeadLetters draft) {
    limit.release();
    known.remove(taskKey);
    pending.delete(taskKey);
    deadLetter(taskKey, draft, ports.clock().millis());
  }

  /** Turns finished calls into outcomes and dead letters (punctuator, stream thread). */
  private void forwardCompletions() {
    Completion completion;
    int forwarded = 0;
    try {
      while ((completion = completions.poll()) != null) {
        forwarded++;
        forwardCompletion(completion);
      }
    } finally {
      unsettledHere -= forwarded;
      ports.drain().callsSettled(forwarded);
    }
  }

  private void forwardCompletion(Completion completion) {
    if (!known.remove(completion.taskKey())) {
      return; // not a switch of this instance's (never expected: its calls complete here); already accounted for
    }
    // A delete that reads nothing back (delete() returns the old value, a store read): the entry is
    // the one the call started with, and while a call is in flight nothing else changes it.
    pending.put(completion.taskKey(), null);
    PendingSwitch entry = completion.entry();
    Instant now = ports.clock().instant();
    SwitchRequest request = entry.getRequest();
    boolean resent = entry.getDispatches() > 1; // counts this send too: more means one before a restart
    long timestamp = now.toEpochMilli();
    if (completion.error() != null) {
      DeadLetters fromCardSource = CardSource.deadLetter(completion.error(), completion.fromVault(), now);
      if (fromCardSource != null) {
        deadLetter(completion.taskKey(), fromCardSource.request(request).cardLastFour(entry.getCardLastFour())
            .resentAfterRestart(resent), timestamp);
        return;
      }
      deadLetter(completion.taskKey(), DeadLetters.draft(DeadLetterReason.INTERNAL_ERROR,
              "the call to Knot failed inside card-switch: " + describe(completion.error()), now)
          .request(request).cardLastFour(entry.getCardLastFour()).resentAfterRestart(resent), timestamp);
      return;
    }
    KnotCallResult result = completion.result();
    if (result.outcome() == KnotCallResult.Outcome.SWITCHED) {
      switched.put(completion.taskKey(), timestamp, timestamp);
      ports.metrics().outcome("SWITCHED");
      context.forward(new Record<>(completion.taskKey(), Result.of(Outcomes.switched(request.getEvent(),
          request.getDeadlineAt(), now, request.getSourceTopic(), request.getSourcePartition(),
          request.getSourceOffset(), entry.getCardLastFour(), result, resent, completion.fidoCheck())), timestamp));
      return;
    }
    DeadLetterReason reason = switch (result.outcome()) {
      case PERMANENT -> DeadLetterReason.KNOT_REJECTED;
      case AUTH -> DeadLetterReason.KNOT_AUTH_FAILED;
      case UNAVAILABLE -> DeadLetterReason.KNOT_UNAVAILABLE;
      default -> DeadLetterReason.DEADLINE_EXCEEDED;
    };
    String detail = switch (result.outcome()) {
      case PERMANENT -> "Knot rejected the card for good: ";
      case AUTH -> "Knot refused card-switch's credentials (401): check KNOT_CLIENT_ID and KNOT_SECRET; ";
      case UNAVAILABLE -> "Knot was unavailable until the window closed: ";
      default -> "the window closed before Knot accepted the card: ";
    } + result.detail();
    deadLetter(completion.taskKey(), DeadLetters.draft(reason, detail, now)
        .request(request).cardLastFour(entry.getCardLastFour()).knot(result).resentAfterRestart(resent), timestamp);
  }

  /**
   * Once per processor instance, after the stores are restored: pending entries this instance did
   * not write belong to a previous run (a crash, a kill, a move of the task): queue them again, ahead
   * of new work, as already committed.
   */
  private void queueRestoredSwitches() {
    if (restoredQueued) {
      return;
    }
    restoredQueued = true;
    List<Queued> restored = new ArrayList<>();
    try (KeyValueIterator<String, PendingSwitch> all = pending.all()) {
      while (all.hasNext()) {
        KeyValue<String, PendingSwitch> entry = all.next();
        if (known.add(entry.key)) {
          // Left never sent by a clean stop: a first send, not a re-send.
          boolean maybeSent = entry.value.getDispatches() != NEVER_SENT;
          restored.add(new Queued(entry.key, entry.value.getRequest().getDeadlineAt(), -1, maybeSent, null));
        }
      }
    }
    for (int i = restored.size() - 1; i >= 0; i--) {
      queue.addFirst(restored.get(i));
    }
  }

  /** Dead-letters requests whose deadline passed while waiting for their card reference. */
  private void expireWaiting() {
    Instant now = ports.clock().instant();
    List<KeyValue<String, WaitingSwitches>> changed = new ArrayList<>();
    List<SwitchRequest> expired = new ArrayList<>();
    int remaining = 0;
    try (KeyValueIterator<String, WaitingSwitches> all = waiting.all()) {
      while (all.hasNext()) {
        KeyValue<String, WaitingSwitches> entry = all.next();
        List<SwitchRequest> keep = new ArrayList<>();
        for (SwitchRequest request : entry.value.getRequests()) {
          (now.isBefore(request.getDeadlineAt()) ? keep : expired).add(request);
        }
        if (keep.size() != entry.value.getRequests().size()) {
          changed.add(KeyValue.pair(entry.key, keep.isEmpty() ? null : new WaitingSwitches(keep)));
        }
        if (!keep.isEmpty()) {
          remaining++;
        }
      }
    }
    mayBeWaiting = remaining > 0;
    for (KeyValue<String, WaitingSwitches> change : changed) {
      if (change.value == null) {
        waiting.delete(change.key);
      } else {
        waiting.put(change.key, change.value);
      }
    }
    for (SwitchRequest request : expired) {
      deadLetter(taskKey(request), DeadLetters.draft(DeadLetterReason.NO_CARD_REFERENCE,
              "no card reference for card_id " + request.getEvent().getData().getCardId()
                  + " arrived before the window closed; load the card reference (card-switch load-references), then replay",
              now)
          .request(request), now.toEpochMilli());
    }
  }

  private void park(String cardId, SwitchRequest request) {
    WaitingSwitches parked = waiting.get(cardId);
    List<SwitchRequest> requests = new ArrayList<>(parked == null ? List.of() : parked.getRequests());
    requests.add(request);
    waiting.put(cardId, new WaitingSwitches(requests));
    mayBeWaiting = true;
  }

  private boolean isWaiting(String cardId, String taskKey) {
    if (!mayBeWaiting) {
      return false;
    }
    WaitingSwitches parked = waiting.get(cardId);
    if (parked == null) {
      return false;
    }
    for (SwitchRequest request : parked.getRequests()) {
      if (taskKey.equals(taskKey(request))) {
        return true;
      }
    }
    return false;
  }

  private boolean alreadySwitched(String taskKey, Instant now) {
    long at = now.toEpochMilli();
    // The long overload: the Instant one formats two validation messages on every call.
    try (WindowStoreIterator<Long> found = switched.fetch(taskKey, at - dedupBeforeMs, at + dedupAfterMs)) {
      return found.hasNext();
    }
  }

  private void deadLetter(String taskKey, DeadLetters draft, long timestamp) {
    var deadLetter = draft.build();
    ports.metrics().deadLetter(deadLetter.getReason().name());
    context.forward(new Record<>(taskKey, Result.of(deadLetter), timestamp));
  }

  /**
   * The task is leaving this thread: queued switches stay in the pending store for its next owner;
   * answers still in flight will not be forwarded from here, so a stopping service stops waiting for them.
   */
  @Override
  public void close() {
    queue.clear();
    ports.drain().callsSettled(unsettledHere);
    unsettledHere = 0;
  }

  /** Our own exceptions carry safe messages; anything else is named by its class only. */
  static String describe(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return cause instanceof CardSwitchException cs
        ? cs.reason() + ": " + cs.getMessage()
        : cause.getClass().getName();
  }

  private static String taskKey(SwitchRequest request) {
    return Long.toString(request.getEvent().getTaskId());
  }
}
