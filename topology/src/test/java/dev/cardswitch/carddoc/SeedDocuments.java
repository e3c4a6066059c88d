package dev.cardswitch.carddoc;

import java.nio.charset.StandardCharsets;

/** Card documents of the seeds, for tests. */
final class SeedDocuments {

  /** Seed 001's example ("sufficient to pass validation"), without its comments, compact. */
  static final String SEED_001_JSON =
      "{\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"},"
          + "\"address\":{\"street\":\"100 Main Street\",\"street2\":\"#100\",\"city\":\"NEW YORK\","
          + "\"region\":\"NY\",\"postal_code\":\"12345\",\"country\":\"US\"},"
          + "\"phone_number\":\"+11234567890\"},"
          + "\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}}";

  private SeedDocuments() {}

  static byte[] seed001Bytes() {
    return SEED_001_JSON.getBytes(StandardCharsets.UTF_8);
  }

  /** Seed 001's values in a builder, to change one of them. */
  static CardDocument.Builder seed001Builder() {
    return dev.cardswitch.topology.TestCards.seedDocument();
  }
}
