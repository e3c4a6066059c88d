package dev.cardswitch.carddoc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ISO 3166 code lists the validator checks addresses against. Lookups compare the document's
 * {@code char[]} values with the sorted lists directly, so no String of an address part is made.
 *
 * <ul>
 *   <li>ISO 3166-1 alpha-2 countries: the JDK's own list, {@link Locale#getISOCountries()}, updated
 *       with each JDK release.
 *   <li>ISO 3166-2 subdivisions (not in the JDK): the generated resource {@value #SUBDIVISIONS_RESOURCE},
 *       taken from Debian's iso-codes data; its header says which release and when, and {@code
 *       topology/tools/regenerate-iso3166-2.sh} regenerates it.
 * </ul>
 *
 * Immutable after class initialisation; thread-safe.
 */
final class IsoCodes {

  static final String SUBDIVISIONS_RESOURCE = "/dev/cardswitch/carddoc/iso3166-2.txt";

  private static final String[] COUNTRIES = sorted(Locale.getISOCountries());
  private static final String[] SUBDIVISIONS = sorted(loadSubdivisions());

  private IsoCodes() {}

  /** Whether {@code code} is an ISO 3166-1 alpha-2 country code (upper case, as ISO writes it). */
  static boolean isCountry(char[] code) {
    return code.length == 2 && find(COUNTRIES, code) >= 0;
  }

  /** Whether ISO 3166-2 defines any subdivision for the given (valid) country. */
  static boolean hasSubdivisions(char[] country) {
    char[] prefix = {country[0], country[1], '-'};
    int insertion = -find(SUBDIVISIONS, prefix) - 1;
    return insertion < SUBDIVISIONS.length && startsWith(SUBDIVISIONS[insertion], prefix);
  }

  /**
   * Whether {@code region} is an ISO 3166-2 subdivision of {@code country}, written either in full
   * ({@code US-NY}) or without the country prefix ({@code NY}, as in Knot's sample).
   */
  static boolean isSubdivisionOf(char[] country, char[] region) {
    if (country.length != 2 || region.length == 0) {
      return false;
    }
    if (region.length > 3 && region[2] == '-') {
      return region[0] == country[0] && region[1] == country[1] && find(SUBDIVISIONS, region) >= 0;
    }
    char[] full = new char[region.length + 3];
    try {
      full[0] = country[0];
      full[1] = country[1];
      full[2] = '-';
      System.arraycopy(region, 0, full, 3, region.length);
      return find(SUBDIVISIONS, full) >= 0;
    } finally {
      Arrays.fill(full, '\0');
    }
  }

  /** Number of subdivision codes loaded, for tests. */
  static int subdivisionCount() {
    return SUBDIVISIONS.length;
  }

  /** Binary search of a sorted array for {@code key}: index, or {@code -(insertion point) - 1}. */
  private static int find(String[] sorted, char[] key) {
    int low = 0;
    int high = sorted.length - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int comparison = compare(sorted[middle], key);
      if (comparison < 0) {
        low = middle + 1;
      } else if (comparison > 0) {
        high = middle - 1;
      } else {
        return middle;
      }
    }
    return -(low + 1);
  }

  private static boolean startsWith(String text, char[] prefix) {
    if (text.length() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (text.charAt(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Same order as {@link String#compareTo}. */
  private static int compare(String text, char[] key) {
    int length = Math.min(text.length(), key.length);
    for (int i = 0; i < length; i++) {
      int difference = text.charAt(i) - key[i];
      if (difference != 0) {
        return difference;
      }
    }
    return text.length() - key.length;
  }

  private static String[] sorted(String[] codes) {
    String[] copy = codes.clone();
    Arrays.sort(copy);
    return copy;
  }

  private static String[] loadSubdivisions() {
    InputStream in = IsoCodes.class.getResourceAsStream(SUBDIVISIONS_RESOURCE);
    if (in == null) {
      throw new IllegalStateException(SUBDIVISIONS_RESOURCE + " is missing from the classpath: the build is broken");
    }
    List<String> codes = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String code = line.strip();
        if (!code.isEmpty() && !code.startsWith("#")) {
          codes.add(code);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SUBDIVISIONS_RESOURCE, e);
    }
    return codes.toArray(new String[0]);
  }
}
