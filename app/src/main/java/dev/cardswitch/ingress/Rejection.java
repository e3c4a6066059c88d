package dev.cardswitch.ingress;

import java.util.Locale;

/**
 * Why the ingress refused a webhook, with the HTTP status Knot gets. A 4xx tells Knot the request
 * itself is wrong; a 503 tells it to retry later (Knot retries a webhook it did not get a 200 for).
 * The lower-case name is the {@code reason} label of the rejection counter.
 */
public enum Rejection {
  /** Anything but {@code POST}. */
  METHOD_NOT_ALLOWED(405),
  /** Anything but {@code /knot/webhooks}. */
  NOT_FOUND(404),
  /** Larger than {@code INGRESS_MAX_BODY_BYTES}. */
  BODY_TOO_LARGE(413),
  /** Not a JSON object (not JSON, duplicate keys, not an object). */
  MALFORMED_JSON(400),
  /** JSON, but not a Knot event: a field missing or of the wrong type. */
  NOT_A_KNOT_EVENT(400),
  /** A header that enters the signature ({@code Knot-Signature} itself included) is absent. */
  MISSING_SIGNATURE_HEADER(401),
  /** The signature does not match: another secret, or a signed part was changed. */
  BAD_SIGNATURE(401),
  /** The broker did not acknowledge the record within {@code INGRESS_PRODUCE_TIMEOUT}. */
  NOT_ACKNOWLEDGED(503),
  /** The record could not be produced (broker or schema registry refused or unreachable). */
  PRODUCE_FAILED(503);

  private final int status;

  Rejection(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The metric label and the {@code error} field of the response body. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
