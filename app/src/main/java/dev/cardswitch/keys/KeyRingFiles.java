package dev.cardswitch.keys;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.CardSwitchException;
import dev.cardswitch.envelope.JwkSetKeyRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a key rotation: a new key pair as a JWK set file, and the service's ring file
 * ({@code CARD_KEYS_FILE}) with a new key added as the current one (first) and the old ones kept, so
 * envelopes sealed to them still open. Files are written to a temporary file with owner-only
 * permissions and moved into place atomically; an existing file is never overwritten by {@link
 * #writeNew}. Messages never hold key material. Stateless; thread-safe.
 */
public final class KeyRingFiles {

  /** Reason code of every problem with a key file. */
  public static final String REASON = "KEY_FILE";

  private KeyRingFiles() {}

  /** A new EC P-256 key pair for envelopes, as a JWK set of one key (private part included). */
  public static JWKSet newKeySet(String kid) {
    return new JWKSet(JwkSetKeyRing.generate(kid));
  }

  /** Writes {@code keys} to {@code file} (mode 600); refuses to overwrite an existing file. */
  public static void writeNew(Path file, JWKSet keys) {
    if (Files.exists(file)) {
      throw new CardSwitchException(REASON, file + " exists: choose another --out file (keys are never overwritten)");
    }
    write(file, keys);
  }

  /**
   * Adds the keys of {@code newKeysFile} to the ring in {@code ringFile} (created when missing) as its
   * first, current keys; the ring's keys are kept after them. The result is checked as a ring.
   *
   * @return the ring's kids, current first
   */
  public static List<String> add(Path newKeysFile, Path ringFile) {
    List<JWK> keys = new ArrayList<>(read(newKeysFile).getKeys());
    List<String> kids = new ArrayList<>();
    keys.forEach(k -> kids.add(k.getKeyID()));
    if (Files.exists(ringFile)) {
      for (JWK old : read(ringFile).getKeys()) {
        if (kids.contains(old.getKeyID())) {
          throw new CardSwitchException(REASON, "kid " + old.getKeyID() + " is already in " + ringFile
              + ": make the new key with another --kid");
        }
        keys.add(old);
        kids.add(old.getKeyID());
      }
    }
    JwkSetKeyRing.of(keys, JwkSetKeyRing.Options.DEFAULT); // every key usable, kids unique, private parts present
    write(ringFile, new JWKSet(keys));
    return kids;
  }

  /**
   * Removes the key {@code kid} from the ring in {@code ringFile}; refuses to remove the last key.
   *
   * @return the ring's kids left, current first
   */
  public static List<String> retire(String kid, Path ringFile) {
    List<JWK> keys = new ArrayList<>(read(ringFile).getKeys());
    if (!keys.removeIf(k -> kid.equals(k.getKeyID()))) {
      throw new CardSwitchException(REASON, "kid " + kid + " is not in " + ringFile);
    }
    if (keys.isEmpty()) {
      throw new CardSwitchException(REASON, kid + " is the only key of " + ringFile + ": add a new key first");
    }
    write(ringFile, new JWKSet(keys));
    return keys.stream().map(JWK::getKeyID).toList();
  }

  /** The public halves of {@code keys}, as a JWK set: what producers may be given. */
  public static JWKSet publicOnly(JWKSet keys) {
    List<JWK> pub = new ArrayList<>();
    for (JWK k : keys.getKeys()) {
      pub.add(k instanceof ECKey ec ? ec.toPublicJWK() : k.toPublicJWK());
    }
    return new JWKSet(pub);
  }

  static JWKSet read(Path file) {
    try {
      return JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CardSwitchException(REASON, "cannot read " + file + " (" + e.getClass().getSimpleName()
          + "): give a JWK set file, e.g. one made by ./card-switch keys new --out FILE");
    } catch (ParseException e) {
      throw new CardSwitchException(REASON, file + " is not a JWK set: expected {\"keys\":[...]}");
    }
  }

  private static void write(Path file, JWKSet keys) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "keys", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the folder's own permissions apply
      }
      Files.writeString(tmp, keys.toString(false), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CardSwitchException(REASON, "cannot write " + file + " (" + e.getClass().getSimpleName()
          + "): make its folder writable");
    }
  }
}
