package dev.cardswitch.topology.internal;

import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.internal.SwitchRequest;

/**
 * A switch request with its card reference, or with none yet ({@code reference == null});
 * {@code released} when the reference arrived after the request and released it from the wait store.
 * Never serialized.
 */
record Candidate(SwitchRequest request, CardReference reference, boolean released)
    implements DeadLetterExceptionHandler.RequestCarrier {

  @Override
  public SwitchRequest switchRequest() {
    return request;
  }
}
