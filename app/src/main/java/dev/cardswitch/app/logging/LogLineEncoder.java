package dev.cardswitch.app.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The console encoder of {@code logback.xml}: human lines ({@link #setPattern pattern}) or JSON lines
 * ({@link JsonLineEncoder}) as its {@code format} property says ({@code ${LOG_FORMAT:-text}}, any
 * case; an unknown value gives text, and the settings then refuse it with a message). One appender
 * whose encoder decides, rather than one appender per format chosen by name: logback warns about
 * the appender left unreferenced, and a warning makes it print its whole start-up status on stdout,
 * which belongs to reports and JSON output. Thread-safe once started (configured before).
 */
public final class LogLineEncoder extends EncoderBase<ILoggingEvent> {

  private LogFormat format = LogFormat.TEXT;
  private String pattern = LogFormat.TEXT_PATTERN;
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String value) {
    LogFormat parsed = LogFormat.parse(value == null ? "" : value);
    this.format = parsed == null ? LogFormat.TEXT : parsed;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public LogFormat format() {
    return format;
  }

  @Override
  public void start() {
    if (format == LogFormat.JSON) {
      delegate = new JsonLineEncoder();
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(pattern);
      delegate = text;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
