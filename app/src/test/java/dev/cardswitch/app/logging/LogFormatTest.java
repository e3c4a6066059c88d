package dev.cardswitch.app.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.Launch;
import dev.cardswitch.app.runtime.SettingException;
import dev.cardswitch.app.runtime.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogFormatTest {

  @Test
  void readsTextOrJsonInAnyCase() {
    assertEquals(LogFormat.JSON, LogFormat.parse("JSON"));
    assertEquals(LogFormat.TEXT, LogFormat.parse(" text "));
    assertNull(LogFormat.parse("logfmt"));
  }

  @Test
  void theFlagAndTheVariableSetTheSameSettingAndABadValueNamesIt() {
    assertEquals(LogFormat.TEXT, AppConfig.from(Settings.of(Map.of(), List.of(), AppConfig.SETTINGS))
        .logFormat());
    assertEquals(LogFormat.JSON, AppConfig.from(Settings.of(Map.of(),
        List.of("--log-format", "json"), AppConfig.SETTINGS)).logFormat());
    assertEquals(LogFormat.JSON, AppConfig.from(Settings.of(
        Map.of(AppConfig.LOG_FORMAT, "json"), List.of(), AppConfig.SETTINGS)).logFormat());
    SettingException e = assertThrows(SettingException.class,
        () -> Launch.configure(Map.of(AppConfig.LOG_FORMAT, "yaml"), List.of()));
    assertTrue(e.getMessage().contains("LOG_FORMAT is \"yaml\": use text"), e.getMessage());
  }

  @Test
  void jsonReplacesTheConsoleAppenderWithTheJsonEncoder() {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> before = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(before::add);
    try {
      LogFormat.JSON.apply();
      ConsoleAppender<?> console = consoles(root).get(0);
      assertEquals(1, consoles(root).size());
      assertEquals("stderr", console.getName());
      assertEquals(LogFormat.JSON, ((LogLineEncoder) console.getEncoder()).format());
      LogFormat.JSON.apply(); // already in force: nothing changes
      assertEquals(console, consoles(root).get(0));
      LogFormat.TEXT.apply();
      assertEquals(1, consoles(root).size());
      assertEquals(LogFormat.TEXT, ((LogLineEncoder) consoles(root).get(0).getEncoder()).format());
    } finally {
      for (ConsoleAppender<?> added : consoles(root)) {
        if (!before.contains(added)) {
          root.detachAppender(added.getName());
          added.stop();
        }
      }
      for (Appender<ILoggingEvent> a : before) {
        if (!root.isAttached(a)) {
          a.start();
          root.addAppender(a);
        }
      }
    }
  }

  private static List<ConsoleAppender<?>> consoles(Logger root) {
    List<ConsoleAppender<?>> out = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(a -> {
      if (a instanceof ConsoleAppender<?> c) {
        out.add(c);
      }
    });
    return out;
  }
}
