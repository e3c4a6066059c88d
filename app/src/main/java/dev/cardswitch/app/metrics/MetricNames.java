package dev.cardswitch.app.metrics;

/**
 * The Micrometer names of card-switch's own meters. The Prometheus registry writes them with
 * underscores and adds the unit and {@code _total} suffixes: {@code card_switch.events} is exported
 * as {@code card_switch_events_total}, the timer {@code card_switch.knot.call} as the histogram
 * {@code card_switch_knot_call_seconds}. Renaming one breaks dashboards and alerts: treat it as a
 * migration. Not instantiable.
 */
public final class MetricNames {

  /** Counter, tag {@code event_type}: {@code card_switch_events_total}. */
  public static final String EVENTS = "card_switch.events";
  /** Counter: {@code card_switch_deadline_misses_total}. */
  public static final String DEADLINE_MISSES = "card_switch.deadline.misses";
  /** Timer (histogram): {@code card_switch_knot_call_seconds}, one sample per {@code POST /card} exchange. */
  public static final String KNOT_CALL = "card_switch.knot.call";
  /** Timer (histogram): {@code card_switch_knot_answer_window_left_seconds}, the window left when Knot answered. */
  public static final String KNOT_ANSWER_WINDOW_LEFT = "card_switch.knot.answer.window.left";
  /** Gauge: {@code card_switch_knot_key_age_seconds}, since Knot's cached JWE key was fetched. */
  public static final String KNOT_KEY_AGE = "card_switch.knot.key.age";
  /** Gauge, tag {@code kid}: {@code card_switch_envelope_key_age_seconds}, since an envelope key's {@code iat}. */
  public static final String ENVELOPE_KEY_AGE = "card_switch.envelope.key.age";

  private MetricNames() {}
}
