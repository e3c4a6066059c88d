package dev.cardswitch.loader;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.Violation;
import java.util.List;

/**
 * One row of an input file, as read: its line number, the identifiers (not card data), the card
 * document holding the clear values in wipeable arrays (null when the row could not be read into
 * one), and the problems found while reading. Close it as soon as the row is sealed or rejected:
 * that wipes the document. Not thread-safe.
 *
 * @param line 1-based line number in the file
 * @param cardId the issuer's card id, or null when missing
 * @param externalUserId the issuer's user id, or null when missing
 * @param fidoResponseJwt optional Cardinal FIDO response JWT, or null
 * @param document the card document, or null when the row's structure was broken
 * @param problems problems found while reading (field paths and rules, never values)
 */
public record CardRow(
    long line,
    String cardId,
    String externalUserId,
    String fidoResponseJwt,
    CardDocument document,
    List<Violation> problems)
    implements AutoCloseable {

  public CardRow {
    problems = List.copyOf(problems);
  }

  /** Wipes the document's clear values. Idempotent. */
  @Override
  public void close() {
    if (document != null) {
      document.close();
    }
  }

  @Override
  public String toString() {
    // The record's generated toString would print the document's masked form only, but say so here.
    return "CardRow[line=" + line + ", cardId=" + cardId + ", document=" + document + ", problems=" + problems + "]";
  }
}
