package dev.cardswitch.topology.internal;

import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.internal.SwitchRequest;
import dev.cardswitch.schemas.internal.WaitingSwitches;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Releases the switch requests that were waiting for a card reference when it arrives: each leaves
 * the wait store and goes on to the switch with the reference. A versioned table's join grace
 * period would not do this (it never matches a table update stamped after the event); this store,
 * filled by {@link SwitchProcessor} and expired by its punctuator, does.
 */
final class ReleaseProcessor implements Processor<String, CardReference, String, Candidate> {

  private ProcessorContext<String, Candidate> context;
  private KeyValueStore<String, WaitingSwitches> waiting;

  @Override
  public void init(ProcessorContext<String, Candidate> context) {
    this.context = context;
    this.waiting = context.getStateStore(StoreNames.WAITING);
  }

  @Override
  public void process(Record<String, CardReference> record) {
    if (record.key() == null || record.value() == null) {
      return; // a deleted reference releases nothing; waiting requests expire at their deadline
    }
    WaitingSwitches parked = waiting.delete(record.key());
    if (parked == null) {
      return;
    }
    for (SwitchRequest request : parked.getRequests()) {
      context.forward(record.withValue(new Candidate(request, record.value(), true)));
    }
  }
}
