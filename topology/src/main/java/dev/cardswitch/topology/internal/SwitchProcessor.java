package dev.cardswitch.topology.internal;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.InvalidCardDocumentException;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.deadletter.DeadLetters;
import dev.cardswitch.envelope.EnvelopeException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * The switch itself, on the card_id partition where the request meets its card reference: open the
 * envelope, validate the card, hand it to Knot, and turn Knot's answer into exactly one outcome or
 * dead letter.
 *
 * <p>The call to Knot never blocks the stream thread: the pending switch is written to a
 * changelogged store, and the card is sent by a punctuator once that write is committed (so a crash
 * can never hide a call that was made); the HTTP completion only queues its result (and frees a
 * call slot); the punctuator forwards the results and clears the pending entries, in one
 * transaction. A pending entry found after a restart is a call that was in
 * flight when the process stopped: it is sent again (counted as re-sent), or dead-lettered if its
 * window has closed. Records forwarded from a punctuator carry no source coordinates, so each
 * pending entry keeps the event's own topic, partition and offset for the outcome.
 *
 * <p>One instance per stream task, used by its stream thread only; the completion queue is the only
 * state the HTTP threads touch.
 */
final class SwitchProcessor implements Processor<String, Candidate, String, Result> {

  private record Completion(String taskKey, KnotCallResult result, Throwable error) {}

  /** A switch written to the pending store and waiting for that write to be committed. */
  private record Ready(String taskKey, SwitchRequest request, CardDocument document, long writtenBeforeCommit) {}

  private final TopologyConfig config;
  private final SwitchPorts ports;
  private final InFlightLimit limit;
  private final CardDocumentValidator validator;
  private final KnotJweEncrypter jwe = new KnotJweEncrypter();
  private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final java.util.ArrayDeque<Ready> awaitingCommit = new java.util.ArrayDeque<>();
  /** Tasks whose call this instance started and has not yet seen complete (stream thread only). */
  private final Set<String> dispatchedHere = new HashSet<>();
  private boolean interruptedCallsResumed;

  private ProcessorContext<String, Result> context;
  private KeyValueStore<String, WaitingSwitches> waiting;
  private KeyValueStore<String, PendingSwitch> pending;
  private WindowStore<String, Long> switched;
  private TimestampedKeyValueStore<String, CardReference> references;
  private CommitMarker marker;

  SwitchProcessor(TopologyConfig config, SwitchPorts ports, InFlightLimit limit) {
    this.config = config;
    this.ports = ports;
    this.limit = limit;
    this.validator = new CardDocumentValidator(ports.clock());
  }

  @Override
  public void init(ProcessorContext<String, Result> context) {
    this.context = context;
    this.waiting = context.getStateStore(StoreNames.WAITING);
    this.pending = context.getStateStore(StoreNames.PENDING);
    this.switched = context.getStateStore(StoreNames.SWITCHED);
    this.references = context.getStateStore(StoreNames.CARD_REFERENCES);
    this.marker = context.getStateStore(StoreNames.COMMIT_MARKER);
    context.schedule(config.completionInterval(), PunctuationType.WALL_CLOCK_TIME, t -> {
      resumeInterruptedCalls();
      sendCommitted();
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
    dispatch(request, candidate.reference(), 1, record.timestamp());
  }

  /** Open the envelope, validate, reserve a call slot, record the pending switch, call Knot. */
  private void dispatch(SwitchRequest request, CardReference reference, int dispatches, long timestamp) {
    String taskKey = taskKey(request);
    Instant now = ports.clock().instant();
    CardDocument document;
    byte[] clear = null;
    try {
      clear = ports.keyRing().decrypt(reference.getCardEnvelope());
      document = CardDocument.fromJson(clear);
    } catch (EnvelopeException e) {
      boolean unknownKey = EnvelopeException.UNKNOWN_ENVELOPE_KEY.equals(e.reason());
      deadLetter(taskKey, DeadLetters.draft(
          unknownKey ? DeadLetterReason.UNKNOWN_ENVELOPE_KEY : DeadLetterReason.UNDECRYPTABLE_ENVELOPE,
          (unknownKey
              ? "the card envelope is encrypted to a key card-switch does not hold: add that key to CARD_KEYS, then replay: "
              : "the card envelope cannot be opened: re-encrypt the card reference to card-switch's key (GET /keys): ")
              + e.getMessage(), now)
          .request(request).cardLastFour(reference.getLastFour()), timestamp);
      return;
    } catch (InvalidCardDocumentException e) {
      invalidCard(taskKey, request, reference, e.violations(), now, timestamp);
      return;
    } finally {
      if (clear != null) {
        Arrays.fill(clear, (byte) 0);
      }
    }
    List<Violation> violations = validator.validate(document);
    if (!violations.isEmpty()) {
      document.close();
      invalidCard(taskKey, request, reference, violations, now, timestamp);
      return;
    }
    if (!limit.acquire(request.getDeadlineAt(), ports.clock())) {
      document.close();
      deadLetter(taskKey, DeadLetters.draft(DeadLetterReason.DEADLINE_EXCEEDED,
          "no call slot to Knot freed up before the deadline (" + limit.inFlight()
              + " calls in flight): card-switch is over capacity; add instances or raise MAX_IN_FLIGHT", ports.clock().instant())
          .request(request).cardLastFour(reference.getLastFour()), timestamp);
      return;
    }
    pending.put(taskKey, PendingSwitch.newBuilder()
        .setRequest(request)
        .setCardLastFour(reference.getLastFour())
        .setDispatches(dispatches)
        .setDispatchedAt(now)
        .build());
    dispatchedHere.add(taskKey);
    if (dispatches > 1) {
      // Re-sending a pending switch restored from the changelog: it was committed before, send now.
      ports.metrics().resentAfterRestart();
      send(taskKey, request, document);
    } else {
      // The pending switch must be committed before the card leaves (see CommitMarker): ask for an
      // early commit and send from the punctuator once it is done.
      awaitingCommit.add(new Ready(taskKey, request, document, marker.commits()));
      context.commit();
    }
  }

  /** Sends the switches whose pending entry is committed (punctuator, stream thread). */
  private void sendCommitted() {
    Ready ready;
    while ((ready = awaitingCommit.peek()) != null && ready.writtenBeforeCommit() < marker.commits()) {
      awaitingCommit.poll();
      Instant now = ports.clock().instant();
      if (!now.isBefore(ready.request().getDeadlineAt())) {
        ready.document().close();
        limit.release();
        dispatchedHere.remove(ready.taskKey());
        PendingSwitch entry = pending.delete(ready.taskKey());
        deadLetter(ready.taskKey(), DeadLetters.draft(DeadLetterReason.DEADLINE_EXCEEDED,
                "the window closed while the switch waited for its commit; Knot was not called", now)
            .request(ready.request()).cardLastFour(entry == null ? null : entry.getCardLastFour()), now.toEpochMilli());
        continue;
      }
      send(ready.taskKey(), ready.request(), ready.document());
    }
  }

  /** Hands the card to Knot; never blocks: the completion is queued for the punctuator. */
  private void send(String taskKey, SwitchRequest request, CardDocument document) {
    ports.metrics().inFlight(1);
    CompletableFuture<KnotCallResult> call;
    try {
      call = ports.knot().sendCard(request.getEvent().getTaskId(), key -> encrypt(document, key), request.getDeadlineAt());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((result, error) -> {
      // On an HTTP thread: only wipe, free the slot and queue; the stream thread does the rest.
      document.close();
      limit.release();
      ports.metrics().inFlight(-1);
      completions.add(new Completion(taskKey, result, error));
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

  /**
   * The task is leaving this thread (a rebalance, a shutdown): switches not yet sent stay in the
   * pending store for whoever runs the task next; their clear card data is wiped and their call
   * slots freed here.
   */
  @Override
  public void close() {
    Ready ready;
    while ((ready = awaitingCommit.poll()) != null) {
      ready.document().close();
      limit.release();
    }
  }

  /** Turns finished calls into outcomes and dead letters (punctuator, stream thread). */
  private void forwardCompletions() {
    Completion completion;
    while ((completion = completions.poll()) != null) {
      dispatchedHere.remove(completion.taskKey());
      PendingSwitch entry = pending.delete(completion.taskKey());
      if (entry == null) {
        continue; // a completion of a call started by an earlier instance of this task; already accounted for
      }
      Instant now = ports.clock().instant();
      SwitchRequest request = entry.getRequest();
      boolean resent = entry.getDispatches() > 1;
      long timestamp = now.toEpochMilli();
      if (completion.error() != null) {
        deadLetter(completion.taskKey(), DeadLetters.draft(DeadLetterReason.INTERNAL_ERROR,
                "the call to Knot failed inside card-switch: " + describe(completion.error()), now)
            .request(request).cardLastFour(entry.getCardLastFour()).resentAfterRestart(resent), timestamp);
        continue;
      }
      KnotCallResult result = completion.result();
      switch (result.outcome()) {
        case SWITCHED -> {
          switched.put(completion.taskKey(), now.toEpochMilli(), now.toEpochMilli());
          ports.metrics().outcome("SWITCHED");
          context.forward(new Record<>(completion.taskKey(), Result.of(Outcomes.switched(request.getEvent(),
              request.getDeadlineAt(), now, request.getSourceTopic(), request.getSourcePartition(),
              request.getSourceOffset(), entry.getCardLastFour(), result, resent)), timestamp));
        }
        case PERMANENT -> knotFailure(completion.taskKey(), entry, result, DeadLetterReason.KNOT_REJECTED,
            "Knot rejected the card for good: " + result.detail(), now);
        case AUTH -> knotFailure(completion.taskKey(), entry, result, DeadLetterReason.KNOT_AUTH_FAILED,
            "Knot refused card-switch's credentials (401): check KNOT_CLIENT_ID and KNOT_SECRET; " + result.detail(), now);
        case UNAVAILABLE -> knotFailure(completion.taskKey(), entry, result, DeadLetterReason.KNOT_UNAVAILABLE,
            "Knot was unavailable until the window closed: " + result.detail(), now);
        case DEADLINE -> knotFailure(completion.taskKey(), entry, result, DeadLetterReason.DEADLINE_EXCEEDED,
            "the window closed before Knot accepted the card: " + result.detail(), now);
      }
    }
  }

  private void knotFailure(String taskKey, PendingSwitch entry, KnotCallResult result, DeadLetterReason reason,
      String detail, Instant now) {
    deadLetter(taskKey, DeadLetters.draft(reason, detail, now)
        .request(entry.getRequest())
        .cardLastFour(entry.getCardLastFour())
        .knot(result)
        .resentAfterRestart(entry.getDispatches() > 1), now.toEpochMilli());
  }

  /**
   * Once per processor instance, after the stores are restored: a pending entry that this instance
   * did not start is a call interrupted by a crash, a kill or a move of the task; send it again.
   */
  private void resumeInterruptedCalls() {
    if (interruptedCallsResumed) {
      return;
    }
    interruptedCallsResumed = true;
    List<PendingSwitch> interrupted = new ArrayList<>();
    try (KeyValueIterator<String, PendingSwitch> all = pending.all()) {
      while (all.hasNext()) {
        KeyValue<String, PendingSwitch> entry = all.next();
        if (!dispatchedHere.contains(entry.key)) {
          interrupted.add(entry.value);
        }
      }
    }
    for (PendingSwitch entry : interrupted) {
      SwitchRequest request = entry.getRequest();
      String taskKey = taskKey(request);
      Instant now = ports.clock().instant();
      pending.delete(taskKey);
      String cardId = request.getEvent().getData().getCardId();
      if (!now.isBefore(request.getDeadlineAt())) {
        deadLetter(taskKey, DeadLetters.draft(DeadLetterReason.DEADLINE_EXCEEDED,
                "card-switch stopped with this call to Knot in flight and restarted after the window closed;"
                    + " Knot may or may not have received the card", now)
            .request(request).cardLastFour(entry.getCardLastFour()), now.toEpochMilli());
        continue;
      }
      ValueAndTimestamp<CardReference> reference = references.get(cardId);
      if (reference == null || reference.value() == null) {
        deadLetter(taskKey, DeadLetters.draft(DeadLetterReason.NO_CARD_REFERENCE,
                "card-switch restarted with this call in flight and the card reference for card_id " + cardId
                    + " is gone (deleted meanwhile), so the card cannot be sent again", now)
            .request(request).cardLastFour(entry.getCardLastFour()), now.toEpochMilli());
        continue;
      }
      dispatch(request, reference.value(), entry.getDispatches() + 1, now.toEpochMilli());
    }
  }

  /** Dead-letters requests whose deadline passed while waiting for their card reference. */
  private void expireWaiting() {
    Instant now = ports.clock().instant();
    List<KeyValue<String, WaitingSwitches>> changed = new ArrayList<>();
    List<SwitchRequest> expired = new ArrayList<>();
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
      }
    }
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
  }

  private boolean isWaiting(String cardId, String taskKey) {
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
    try (WindowStoreIterator<Long> found = switched.fetch(taskKey,
        now.minus(config.deduplicationRetention()), now.plus(config.window()))) {
      return found.hasNext();
    }
  }

  private void invalidCard(String taskKey, SwitchRequest request, CardReference reference, List<Violation> violations,
      Instant now, long timestamp) {
    deadLetter(taskKey, DeadLetters.draft(DeadLetterReason.INVALID_CARD_DATA,
            "the card document breaks " + violations.size() + " of Knot's rules (see invalid_fields):"
                + " correct the card reference, then replay", now)
        .request(request).cardLastFour(reference.getLastFour()).violations(violations), timestamp);
  }

  private void deadLetter(String taskKey, DeadLetters draft, long timestamp) {
    var deadLetter = draft.build();
    ports.metrics().deadLetter(deadLetter.getReason().name());
    context.forward(new Record<>(taskKey, Result.of(deadLetter), timestamp));
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
