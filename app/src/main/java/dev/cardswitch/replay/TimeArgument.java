package dev.cardswitch.replay;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time of {@code --from} and {@code --to}: an ISO-8601 instant ({@code 2026-11-25T10:00:00Z}),
 * a date-time with an offset ({@code 2026-11-25T11:00:00+01:00}) or without one (taken as UTC), a
 * date (its start, UTC), {@code now}, or an age: a number and a unit {@code s}, {@code m}, {@code h}
 * or {@code d} followed by {@code ago} ({@code 2h ago}, {@code 30m ago}, {@code 1d ago}), or an
 * ISO-8601 duration followed by {@code ago} ({@code PT90M ago}). Stateless.
 */
public final class TimeArgument {

  private static final Pattern AGE = Pattern.compile("(\\d+)\\s*(s|m|h|d)\\s+ago");
  private static final Pattern ISO_AGE = Pattern.compile("(p\\S+)\\s+ago");

  private TimeArgument() {}

  /**
   * @param option the option's name, for the error message
   * @throws ReplayException {@link ReplayException#BAD_OPTION} naming the option and the accepted forms
   */
  public static Instant parse(String option, String text, Clock clock) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("now")) {
      return clock.instant();
    }
    Matcher age = AGE.matcher(t);
    if (age.matches()) {
      long n = Long.parseLong(age.group(1));
      Duration d = switch (age.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return clock.instant().minus(d);
    }
    Matcher isoAge = ISO_AGE.matcher(t);
    try {
      if (isoAge.matches()) {
        return clock.instant().minus(Duration.parse(isoAge.group(1).toUpperCase(Locale.ROOT)));
      }
      String upper = text.trim().toUpperCase(Locale.ROOT);
      if (upper.contains("T")) {
        return upper.endsWith("Z") || upper.matches(".*[+-]\\d{2}:\\d{2}$")
            ? OffsetDateTime.parse(upper).toInstant()
            : LocalDateTime.parse(upper).toInstant(ZoneOffset.UTC);
      }
      return LocalDate.parse(upper).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException | ArithmeticException e) {
      throw new ReplayException(ReplayException.BAD_OPTION, option + " is \"" + text + "\": write an ISO-8601 time"
          + " (2026-11-25T10:00:00Z, 2026-11-25T11:00+01:00, 2026-11-25), an age (30m ago, 2h ago, 1d ago,"
          + " PT90M ago) or now");
    }
  }
}
