package dev.cardswitch.app.runtime;

import dev.cardswitch.knot.client.KnotClientConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The settings of one run: environment variables, overridden by command-line flags of the same
 * name ({@code --knot-base-url X} sets {@code KNOT_BASE_URL}). One name per setting across layers:
 * the variable, the flag, the Helm value. Immutable.
 */
public final class Settings {

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /**
   * @param env the environment (only the known settings are kept)
   * @param flags {@code --name value} or {@code --name=value} pairs for known settings
   * @param known every setting name the command accepts
   * @throws SettingException for an unknown flag or a flag without a value
   */
  public static Settings of(Map<String, String> env, List<String> flags, Collection<String> known) {
    Map<String, String> values = new HashMap<>();
    for (String name : known) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        values.put(name, v.trim());
      }
    }
    for (int i = 0; i < flags.size(); i++) {
      String flag = flags.get(i);
      if (!flag.startsWith("--")) {
        throw new SettingException(flag, "unexpected argument '" + flag + "': settings are given as --name value");
      }
      String body = flag.substring(2);
      String value = null;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        value = body.substring(eq + 1);
        body = body.substring(0, eq);
      }
      String name = body.toUpperCase(Locale.ROOT).replace('-', '_');
      if (!known.contains(name)) {
        throw new SettingException(name, "unknown option --" + body + ": the settings are "
            + String.join(", ", new TreeSet<>(known)).toLowerCase(Locale.ROOT).replace('_', '-')
            + " (as --name value or as environment variables in upper case)");
      }
      if (value == null) {
        if (i + 1 >= flags.size()) {
          throw new SettingException(name, "--" + body + " needs a value");
        }
        value = flags.get(++i);
      }
      values.put(name, value.trim());
    }
    return new Settings(values);
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public String get(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  public int intValue(String name, int defaultValue, int min) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new SettingException(name, name + " is \"" + v + "\": write a whole number, e.g. " + defaultValue);
    }
    if (n < min) {
      throw new SettingException(name, name + " is " + n + ": give a whole number of at least " + min);
    }
    return n;
  }

  public Duration duration(String name, Duration defaultValue) {
    String v = values.get(name);
    return v == null ? defaultValue : KnotClientConfig.parseDuration(name, v);
  }

  public boolean bool(String name, boolean defaultValue) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new SettingException(name, name + " is \"" + v + "\": write true or false (or on, off)");
    };
  }

  /** All values, for handing to the parts that read their own settings (e.g. the Knot client). */
  public Map<String, String> asMap() {
    return values;
  }

  /** A copy with more values (later wins). */
  public Settings with(Map<String, String> more) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(more);
    return new Settings(merged);
  }
}
