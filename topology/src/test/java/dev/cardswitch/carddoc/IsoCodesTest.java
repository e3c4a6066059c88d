package dev.cardswitch.carddoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IsoCodesTest {

  @Test
  void everySubdivisionBelongsToAnIsoCountryOfTheJdk() throws Exception {
    Set<String> jdkCountries = Set.of(Locale.getISOCountries());
    List<String> codes = resourceCodes();

    Set<String> countriesWithSubdivisions =
        codes.stream().map(code -> code.substring(0, 2)).collect(Collectors.toCollection(TreeSet::new));
    countriesWithSubdivisions.removeAll(jdkCountries);
    assertEquals(Set.of(), countriesWithSubdivisions, "subdivisions of countries the JDK does not know");
    assertEquals(codes.size(), IsoCodes.subdivisionCount());
    assertTrue(codes.stream().allMatch(code -> code.matches("[A-Z]{2}-[A-Z0-9]{1,3}")));
  }

  @Test
  void coversEveryUsStateAndCanadianProvince() {
    List<String> states = List.of("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
        "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        "DC", "PR");
    for (String state : states) {
      assertTrue(IsoCodes.isSubdivisionOf("US".toCharArray(), state.toCharArray()), state);
      assertTrue(IsoCodes.isSubdivisionOf("US".toCharArray(), ("US-" + state).toCharArray()), state);
    }
    for (String province : List.of("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")) {
      assertTrue(IsoCodes.isSubdivisionOf("CA".toCharArray(), province.toCharArray()), province);
    }
  }

  @Test
  void rejectsSubdivisionsOfAnotherCountry() {
    assertFalse(IsoCodes.isSubdivisionOf("US".toCharArray(), "ON".toCharArray()));
    assertFalse(IsoCodes.isSubdivisionOf("US".toCharArray(), "CA-ON".toCharArray()));
    assertFalse(IsoCodes.isSubdivisionOf("US".toCharArray(), "US-".toCharArray()));
    assertFalse(IsoCodes.isSubdivisionOf("US".toCharArray(), "".toCharArray()));
  }

  @Test
  void knowsCountriesWithoutSubdivisions() {
    assertTrue(IsoCodes.hasSubdivisions("US".toCharArray()));
    assertTrue(IsoCodes.hasSubdivisions("AD".toCharArray())); // first in the list
    assertTrue(IsoCodes.hasSubdivisions("ZW".toCharArray())); // last in the list
    assertFalse(IsoCodes.hasSubdivisions("PR".toCharArray()));
    assertFalse(IsoCodes.hasSubdivisions("VA".toCharArray()));
  }

  @Test
  void countriesComeFromTheJdk() {
    for (String country : Locale.getISOCountries()) {
      assertTrue(IsoCodes.isCountry(country.toCharArray()), country);
    }
    assertFalse(IsoCodes.isCountry("XQ".toCharArray()));
    assertFalse(IsoCodes.isCountry("us".toCharArray()));
    assertFalse(IsoCodes.isCountry("USA".toCharArray()));
  }

  private static List<String> resourceCodes() throws Exception {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                IsoCodes.class.getResourceAsStream(IsoCodes.SUBDIVISIONS_RESOURCE), StandardCharsets.US_ASCII))) {
      return reader.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).collect(Collectors.toList());
    }
  }
}
