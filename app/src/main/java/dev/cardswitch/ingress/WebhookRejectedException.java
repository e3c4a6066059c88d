package dev.cardswitch.ingress;

import dev.cardswitch.CardSwitchException;
import java.util.Objects;

/**
 * A webhook the ingress refuses: the {@link Rejection} (and so the HTTP status) and a detail that
 * names the field path or header at fault, never a value from the body.
 */
public final class WebhookRejectedException extends CardSwitchException {

  private final Rejection rejection;

  public WebhookRejectedException(Rejection rejection, String detail) {
    super(Objects.requireNonNull(rejection, "rejection").name(), detail);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
