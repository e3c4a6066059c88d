package dev.cardswitch.app.console;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A one-line progress display for long work (demo, bench, replay, load): label, a bar, done/total,
 * percentage, rate, elapsed time, ETA and an optional detail text, e.g.
 *
 * <pre>
 * results [##########--------------]  412/1000  41%  205/s  elapsed 0:02  ETA 0:02  produced 1000/1000
 * </pre>
 *
 * <p>On a terminal the line is redrawn in place ({@code \r}) at most once per {@link
 * Builder#redrawInterval} (10 times a second by default); elsewhere (CI logs, files) a plain line
 * is printed once per {@link Builder#plainInterval} (5 s by default), so logs stay readable. {@link
 * #finish()} always prints the final state and ends the line. With a total of 0 or less (unknown),
 * the bar, percentage and ETA are left out.
 *
 * <p>Rate and ETA use the average since the bar was built: steady work gives a steady estimate,
 * which a moving window over bursty acknowledgements would not.
 *
 * <p>Thread-safe: any thread may call {@link #advance} or {@link #refresh}; counting is a lock-free
 * increment, and whichever updating thread finds a redraw due draws it (the others return at once),
 * under a lock so lines never interleave. The detail supplier is called by the drawing thread, so
 * it must be thread-safe too.
 */
public final class ProgressBar implements AutoCloseable {

  /** At most 10 redraws a second on a terminal: smooth to the eye, cheap for the updater. */
  public static final Duration DEFAULT_REDRAW_INTERVAL = Duration.ofMillis(100);

  /**
   * One plain line every 5 s when not on a terminal: a CI log of a minute-long run gets 12 lines.
   */
  public static final Duration DEFAULT_PLAIN_INTERVAL = Duration.ofSeconds(5);

  /** Characters between the brackets. */
  public static final int DEFAULT_BAR_WIDTH = 24;

  private final String label;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final Clock clock;
  private final long intervalMillis;
  private final int barWidth;
  private final Supplier<String> detail;
  private final long startMillis;

  private final AtomicLong done = new AtomicLong();
  private final AtomicLong nextDrawMillis;
  private final Object drawLock = new Object();
  private int lastLength; // guarded by drawLock
  private String lastPlainLine; // guarded by drawLock
  private boolean finished; // guarded by drawLock

  private ProgressBar(Builder b) {
    this.label = b.label;
    this.total = b.total;
    this.out = b.out;
    this.terminal = b.terminal;
    this.clock = b.clock;
    this.intervalMillis = (terminal ? b.redrawInterval : b.plainInterval).toMillis();
    this.barWidth = b.barWidth;
    this.detail = b.detail;
    this.startMillis = clock.millis();
    // A terminal shows the bar at the first update; a log gets its first line after one interval.
    this.nextDrawMillis = new AtomicLong(terminal ? startMillis : startMillis + intervalMillis);
  }

  /**
   * A bar for {@code total} units of work labelled {@code label}, drawing on {@code System.err}, in
   * place when a console is attached ({@code System.console() != null}).
   */
  public static Builder builder(String label, long total) {
    return new Builder(label, total);
  }

  /** One unit done. */
  public void step() {
    advance(1);
  }

  /** {@code units} more done (0 only redraws if due). */
  public void advance(long units) {
    if (units < 0) {
      throw new IllegalArgumentException("units must not be negative, was " + units);
    }
    done.addAndGet(units);
    drawIfDue();
  }

  /** Redraws if a redraw is due, e.g. after the detail text changed while the count did not. */
  public void refresh() {
    drawIfDue();
  }

  /** Units done so far. */
  public long done() {
    return done.get();
  }

  /**
   * Draws the final state and ends the line. Later updates still count but draw nothing.
   * Idempotent.
   */
  public void finish() {
    String line = render();
    synchronized (drawLock) {
      if (finished) {
        return;
      }
      finished = true;
      if (terminal) {
        out.print("\r" + padded(line) + System.lineSeparator());
      } else if (!line.equals(lastPlainLine)) {
        out.println(line);
      }
      out.flush();
    }
  }

  /** Same as {@link #finish()}. */
  @Override
  public void close() {
    finish();
  }

  /** The line as it would be drawn now, without the carriage return. */
  public String render() {
    long now = clock.millis();
    long count = done.get();
    long elapsedMillis = Math.max(0, now - startMillis);
    StringBuilder line = new StringBuilder(120).append(label);
    if (total > 0) {
      long shown = Math.min(count, total);
      int filled = (int) (shown * barWidth / total);
      line.append(" [")
          .append("#".repeat(filled))
          .append("-".repeat(barWidth - filled))
          .append("]  ")
          .append(count)
          .append('/')
          .append(total)
          .append("  ")
          .append(shown * 100 / total)
          .append('%');
    } else {
      line.append("  ").append(count);
    }
    double perSecond = elapsedMillis == 0 ? 0 : count * 1000.0 / elapsedMillis;
    line.append("  ")
        .append(rate(perSecond, elapsedMillis))
        .append("  elapsed ")
        .append(duration(elapsedMillis));
    if (total > 0) {
      line.append("  ETA ").append(eta(count, perSecond));
    }
    String more = detail == null ? null : detail.get();
    if (more != null && !more.isBlank()) {
      line.append("  ").append(more);
    }
    return line.toString();
  }

  private void drawIfDue() {
    long now = clock.millis();
    long due = nextDrawMillis.get();
    // One updater wins the slot; the others skip drawing instead of queueing behind it.
    if (now < due || !nextDrawMillis.compareAndSet(due, now + intervalMillis)) {
      return;
    }
    String line = render();
    synchronized (drawLock) {
      if (finished) {
        return;
      }
      if (terminal) {
        out.print("\r" + padded(line));
      } else {
        out.println(line);
        lastPlainLine = line;
      }
      out.flush();
    }
  }

  /** The line padded with spaces over the rest of a longer previous line. Under drawLock. */
  private String padded(String line) {
    int previous = lastLength;
    lastLength = line.length();
    return previous > line.length() ? line + " ".repeat(previous - line.length()) : line;
  }

  private static String rate(double perSecond, long elapsedMillis) {
    if (elapsedMillis == 0) {
      return "-/s";
    }
    return perSecond < 10
        ? String.format(Locale.ROOT, "%.1f/s", perSecond)
        : String.format(Locale.ROOT, "%d/s", Math.round(perSecond));
  }

  private String eta(long count, double perSecond) {
    if (count >= total) {
      return "0:00";
    }
    if (perSecond <= 0) {
      return "-:--";
    }
    return duration(Math.round((total - count) * 1000 / perSecond));
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String duration(long millis) {
    long seconds = millis / 1000;
    long hours = seconds / 3600;
    long minutes = seconds / 60 % 60;
    long secs = seconds % 60;
    return hours > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs)
        : String.format(Locale.ROOT, "%d:%02d", minutes, secs);
  }

  /** Settings of a bar; defaults in the {@code DEFAULT_*} constants. Not thread-safe. */
  public static final class Builder {
    private final String label;
    private final long total;
    private PrintStream out = System.err;
    private boolean terminal = System.console() != null;
    private Clock clock = Clock.systemUTC();
    private Duration redrawInterval = DEFAULT_REDRAW_INTERVAL;
    private Duration plainInterval = DEFAULT_PLAIN_INTERVAL;
    private int barWidth = DEFAULT_BAR_WIDTH;
    private Supplier<String> detail;

    private Builder(String label, long total) {
      this.label = Objects.requireNonNull(label, "label");
      this.total = total;
    }

    /** Where to draw; {@code System.err} by default, so the result on stdout stays clean. */
    public Builder out(PrintStream out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /**
     * Redraw in place (true) or print plain lines (false); by default, whether a console is
     * attached.
     */
    public Builder terminal(boolean terminal) {
      this.terminal = terminal;
      return this;
    }

    /** Decides elapsed time, rate, ETA and when to draw. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder redrawInterval(Duration interval) {
      this.redrawInterval = positive("redrawInterval", interval);
      return this;
    }

    public Builder plainInterval(Duration interval) {
      this.plainInterval = positive("plainInterval", interval);
      return this;
    }

    public Builder barWidth(int width) {
      if (width < 1) {
        throw new IllegalArgumentException("barWidth must be at least 1, was " + width);
      }
      this.barWidth = width;
      return this;
    }

    /** Text appended to the line, e.g. a second counter; called by the drawing thread. */
    public Builder detail(Supplier<String> detail) {
      this.detail = detail;
      return this;
    }

    public ProgressBar build() {
      return new ProgressBar(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
