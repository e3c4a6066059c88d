package dev.cardswitch.topology.lifecycle;

import dev.cardswitch.schemas.KnotWebhookEvent;

/**
 * One record for the lifecycle processor: a closing webhook, or an outcome-topic value still to be
 * decoded. Exactly one field is set. Never serialized.
 */
record LifecycleInput(KnotWebhookEvent webhook, byte[] outcome) {

  static LifecycleInput webhook(KnotWebhookEvent event) {
    return new LifecycleInput(event, null);
  }

  static LifecycleInput outcome(byte[] value) {
    return new LifecycleInput(null, value);
  }
}
