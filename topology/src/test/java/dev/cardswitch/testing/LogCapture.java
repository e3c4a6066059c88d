package dev.cardswitch.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event (all loggers, all levels, down to TRACE) while open, with the formatted
 * message, arguments, MDC and the whole chain of throwables rendered as text, so a test can assert
 * that no card data or secret reached any log line. Use in try-with-resources: {@code try (LogCapture logs = LogCapture.capture()) {...}}.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> lines = new ArrayList<>();
  private final Logger root;
  private final Level previousLevel;

  private final Level level;

  private LogCapture(Level level) {
    this.level = level;
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    this.previousLevel = root.getLevel();
    setContext(context);
    setName("log-capture");
  }

  /** Starts capturing; the root logger is set to TRACE until {@link #close()}. */
  public static LogCapture capture() {
    return capture(Level.TRACE);
  }

  /**
   * Starts capturing with the root logger at {@code level} until {@link #close()}: for runs with an
   * embedded broker, whose TRACE output would slow everything down. Loggers with a level of their
   * own keep it.
   */
  public static LogCapture capture(Level level) {
    LogCapture capture = new LogCapture(level);
    capture.start0();
    return capture;
  }

  private void start0() {
    start();
    root.setLevel(level);
    root.addAppender(this);
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    StringBuilder text = new StringBuilder();
    text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ');
    text.append(event.getFormattedMessage());
    if (event.getMDCPropertyMap() != null && !event.getMDCPropertyMap().isEmpty()) {
      text.append(" mdc=").append(event.getMDCPropertyMap());
    }
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      text.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        text.append("\n\t").append(frame.getSTEAsString());
      }
      for (IThrowableProxy suppressed : t.getSuppressed()) {
        text.append("\nSuppressed: ").append(suppressed.getClassName()).append(": ").append(suppressed.getMessage());
      }
    }
    lines.add(text.toString());
  }

  /** Every captured event, rendered as text. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** All captured text in one string, for {@code contains} checks. */
  public synchronized String text() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    root.setLevel(previousLevel);
    stop();
  }
}
