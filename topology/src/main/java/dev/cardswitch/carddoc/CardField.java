package dev.cardswitch.carddoc;

/**
 * The string fields of Knot's card document (seeds 000/001), in the order Knot documents them and
 * {@link CardDocument#toJson()} writes them. Each knows its object path and JSON key, so parser,
 * writer and validator share one description of the structure.
 */
enum CardField {
  FIRST_NAME("user.name", "first_name", true),
  LAST_NAME("user.name", "last_name", true),
  STREET("user.address", "street", true),
  STREET2("user.address", "street2", false),
  CITY("user.address", "city", true),
  REGION("user.address", "region", true),
  POSTAL_CODE("user.address", "postal_code", true),
  COUNTRY("user.address", "country", true),
  PHONE_NUMBER("user", "phone_number", true),
  NUMBER("card", "number", true),
  EXPIRATION("card", "expiration", true),
  CVV("card", "cvv", true);

  private final String objectPath;
  private final String key;
  private final String path;
  private final boolean required;

  CardField(String objectPath, String key, boolean required) {
    this.objectPath = objectPath;
    this.key = key;
    this.path = objectPath + "." + key;
    this.required = required;
  }

  /** Path of the object holding this field, e.g. {@code user.address}. */
  String objectPath() {
    return objectPath;
  }

  /** JSON key inside its object, e.g. {@code postal_code}. */
  String key() {
    return key;
  }

  /** Full field path, e.g. {@code user.address.postal_code}: printable, never a value. */
  String path() {
    return path;
  }

  boolean required() {
    return required;
  }
}
