package dev.cardswitch.app.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How card-switch's log lines look ({@code LOG_FORMAT} / {@code --log-format}): {@link #TEXT}, one
 * line per event for people, or {@link #JSON}, one JSON object per line for log collectors ({@link
 * JsonLineEncoder}). Both go to stderr. {@code logback.xml} already picks the format from the
 * environment variable, so that the first lines are right too; {@link #apply} switches the console
 * appender once the settings (the flag included) are read.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** The console appender's name, in {@code logback.xml} and when {@link #apply} replaces it. */
  static final String APPENDER = "stderr";
  /** The human line, as in {@code logback.xml}. */
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n";

  /** {@code text} or {@code json}, any case; null for anything else. */
  public static LogFormat parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> null;
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Makes the root logger write this format to stderr, replacing the console appenders the logback
   * configuration attached (nothing else is touched: test captures and other appenders stay). A
   * no-op when the format is already in force, or when SLF4J is not bound to logback. Call it once,
   * at start-up, before the service's threads log.
   */
  public void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<ConsoleAppender<ILoggingEvent>> consoles = new ArrayList<>();
    boolean jsonNow = false;
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
        jsonNow |= writesJson(console.getEncoder());
        consoles.add(console);
      }
    }
    // Text is whatever human format the logback configuration in use chose (logback-test.xml's in
    // tests): it is replaced only when the console writes JSON, or when there is no console at all.
    boolean inForce = this == JSON ? jsonNow : !jsonNow && !consoles.isEmpty();
    if (inForce) {
      return;
    }
    LogLineEncoder encoder = new LogLineEncoder();
    encoder.setContext(context);
    encoder.setFormat(label());
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(APPENDER);
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    root.addAppender(console);
    for (ConsoleAppender<ILoggingEvent> old : consoles) {
      root.detachAppender(old);
      old.stop();
    }
  }

  private static boolean writesJson(Encoder<ILoggingEvent> encoder) {
    return encoder instanceof JsonLineEncoder
        || encoder instanceof LogLineEncoder line && line.format() == JSON;
  }
}
