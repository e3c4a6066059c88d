package dev.cardswitch.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * No field of the schemas that rest on topics can hold card data in clear: the card document lives
 * only inside CardReference.card_envelope (a JWE), and the outcome and dead letter carry at most the
 * last four digits. Checked by field name, at any depth (DeadLetter embeds the original event).
 */
class NoClearCardDataTest {

  /**
   * Names that would hold a card number, CVV, expiry or the cardholder's name, address or phone.
   * {@code merchant_name} and {@code KnotMerchant.name} are a business's name, allowed explicitly.
   */
  private static final Pattern CARD_DATA = Pattern.compile(
      "(^|_)(pan|number|card_number|cvv|cvv2|cvc|csc|security_code|expiry|expiration|exp_month|exp_year"
          + "|first_name|last_name|full_name|cardholder|holder|name_on_card|name|street|street2|address"
          + "|city|region|postal_code|zip|phone|phone_number|msisdn)($|_)");
  private static final List<String> ALLOWED = List.of(
      "DeadLetter.merchant_name", "SwitchOutcome.merchant_name",
      "KnotWebhookEvent.merchant.name", "DeadLetter.event.merchant.name");

  static List<String> cardDataFields(Schema root) {
    List<String> found = new ArrayList<>();
    SchemaWalk.fields(root, (path, field) -> {
      if (CARD_DATA.matcher(field.name().toLowerCase(Locale.ROOT)).find() && !ALLOWED.contains(path)) {
        found.add(path);
      }
    });
    return found;
  }

  @Test
  void restingSchemasHaveNoFieldForClearCardData() {
    for (String name : List.of("CardReference", "SwitchOutcome", "DeadLetter", "KnotWebhookEvent")) {
      Schema schema = SchemaFiles.load(SchemaFiles.CURRENT).get("dev.cardswitch.schemas." + name);
      assertEquals(List.of(), cardDataFields(schema), name + " has fields that could hold card data in clear");
    }
  }

  @Test
  void theCardDocumentTravelsOnlyAsAnEcdhEsEnvelope() {
    Schema reference = SchemaFiles.load(SchemaFiles.CURRENT).get("dev.cardswitch.schemas.CardReference");
    Schema.Field envelope = reference.getField("card_envelope");
    assertEquals(Schema.Type.STRING, envelope.schema().getType());
    assertTrue(envelope.doc().contains("ECDH-ES") && envelope.doc().contains("A256GCM") && envelope.doc().contains("kid"));
  }

  @Test
  void theCheckCatchesCardDataFields() {
    Schema probe = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Probe\",\"doc\":\"d\",\"fields\":["
        + "{\"name\":\"card_number\",\"type\":\"string\"},{\"name\":\"cvv\",\"type\":\"string\"},"
        + "{\"name\":\"holder_name\",\"type\":\"string\"},{\"name\":\"last_four\",\"type\":\"string\"}]}");
    assertEquals(List.of("Probe.card_number", "Probe.cvv", "Probe.holder_name"), cardDataFields(probe));
  }
}
