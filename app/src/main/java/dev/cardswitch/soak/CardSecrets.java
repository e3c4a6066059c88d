package dev.cardswitch.soak;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;

/**
 * The clear card values a check must never find (card numbers, CVVs, cardholder names, streets,
 * phone numbers), and a matcher that finds any of them in a text in one pass (Aho-Corasick), so
 * that thousands of cards can be looked for in millions of records.
 *
 * <p>What it reports is masked: a finding names the kind of value and at most its last two
 * characters, so a failed check never prints the card data it found. {@link #toString()} shows
 * counts only. Immutable once built; thread-safe.
 */
public final class CardSecrets {

  /** What a secret is, for the report. */
  public enum Kind { CARD_NUMBER, CVV, CARDHOLDER_NAME, STREET, PHONE_NUMBER, OTHER }

  /** One secret found: its kind and a masked form. */
  public record Finding(Kind kind, String masked) {
    @Override
    public String toString() {
      return kind + " " + masked;
    }
  }

  private static final class Node {
    final Map<Character, Node> next = new HashMap<>();
    Node fail;
    /** Secrets ending here (this node's, and those of its failure chain). */
    final List<Integer> ends = new ArrayList<>();
  }

  private final List<String> values;
  private final List<Kind> kinds;
  private final Node root = new Node();

  private CardSecrets(Map<String, Kind> secrets) {
    this.values = List.copyOf(secrets.keySet());
    this.kinds = List.copyOf(secrets.values());
    for (int i = 0; i < values.size(); i++) {
      Node node = root;
      for (char c : values.get(i).toCharArray()) {
        node = node.next.computeIfAbsent(c, k -> new Node());
      }
      node.ends.add(i);
    }
    Queue<Node> queue = new ArrayDeque<>();
    root.fail = root;
    for (Node child : root.next.values()) {
      child.fail = root;
      queue.add(child);
    }
    while (!queue.isEmpty()) {
      Node node = queue.poll();
      for (Map.Entry<Character, Node> e : node.next.entrySet()) {
        Node child = e.getValue();
        Node f = node.fail;
        while (f != root && !f.next.containsKey(e.getKey())) {
          f = f.fail;
        }
        Node target = f.next.get(e.getKey());
        child.fail = target != null && target != child ? target : root;
        child.ends.addAll(child.fail.ends);
        queue.add(child);
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Secrets of kind {@link Kind#OTHER}, e.g. for a self-test. */
  public static CardSecrets of(Collection<String> values) {
    Builder b = builder();
    values.forEach(v -> b.add(Kind.OTHER, v));
    return b.build();
  }

  public int size() {
    return values.size();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Whether {@code value} is one of the secrets (for self-tests: the secrets are never exposed). */
  public boolean contains(String value) {
    return values.contains(value);
  }

  /** The secrets found in {@code text}, each once, masked; empty when none. */
  public Set<Finding> findIn(CharSequence text) {
    Set<Finding> found = new LinkedHashSet<>();
    Node node = root;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      while (node != root && !node.next.containsKey(c)) {
        node = node.fail;
      }
      node = node.next.getOrDefault(c, root);
      for (int end : node.ends) {
        found.add(new Finding(kinds.get(end), mask(values.get(end))));
      }
    }
    return found;
  }

  private static String mask(String value) {
    String tail = value.length() > 6 ? value.substring(value.length() - 2) : "";
    return "****" + tail + " (" + value.length() + " chars)";
  }

  @Override
  public String toString() {
    Map<Kind, Integer> counts = new LinkedHashMap<>();
    kinds.forEach(k -> counts.merge(k, 1, Integer::sum));
    return "CardSecrets" + counts;
  }

  /** Collects secrets; blank values and values shorter than 3 characters are ignored. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Kind> secrets = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(Kind kind, String value) {
      Objects.requireNonNull(kind, "kind");
      if (value != null && value.strip().length() >= 3) {
        secrets.putIfAbsent(value, kind);
      }
      return this;
    }

    public CardSecrets build() {
      return new CardSecrets(secrets);
    }
  }
}
