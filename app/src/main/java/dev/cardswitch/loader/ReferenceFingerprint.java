package dev.cardswitch.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the loader remembers of a reference it wrote, to skip it when the same row is loaded again:
 * HMAC-SHA256, under a secret key, of the card id, the user id, the FIDO token and the card
 * document's canonical JSON. It travels as the {@value #HEADER} header of the card-reference record.
 *
 * <p>Why an HMAC and not a hash: the envelope cannot be compared (ECDH-ES seals with a fresh
 * ephemeral key each time), and the loader cannot open stored envelopes (issuers hold the public key
 * only). A plain SHA-256 of card data would be readable by anyone who reads the topic and, card
 * numbers having few unknown digits once the BIN and last four are known, brute-forceable. Under a
 * 256-bit secret key nobody without the key can test a guess.
 *
 * <p>The key is a file of 32 random bytes (owner-only permissions), created on first use in the data
 * folder, or given with {@code --fingerprint-key}. Loading from another machine with another key is
 * safe: the fingerprints differ, so rows are sealed and written again once (a new version of the same
 * compacted key, not a duplicate card).
 *
 * <p>Immutable; thread-safe (a fresh {@link Mac} per call).
 */
public final class ReferenceFingerprint {

  /** The record header holding the fingerprint (hex). */
  public static final String HEADER = "card-switch-fingerprint";

  /** The default key file's name in the data folder. */
  public static final String DEFAULT_KEY_FILE = "reference-fingerprint.key";

  private static final String ALGORITHM = "HmacSHA256";
  private static final int KEY_BYTES = 32;

  private final SecretKeySpec key;

  private ReferenceFingerprint(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    Arrays.fill(key, (byte) 0);
  }

  /** A fingerprinter with the key in {@code keyFile}, creating the file (mode 600) when missing. */
  public static ReferenceFingerprint withKeyFile(Path keyFile) {
    try {
      if (!Files.exists(keyFile)) {
        byte[] fresh = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(fresh);
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "fingerprint", ".tmp");
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the folder's own permissions apply
        }
        Files.write(tmp, fresh);
        Arrays.fill(fresh, (byte) 0);
        Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
      }
      byte[] key = Files.readAllBytes(keyFile);
      if (key.length < KEY_BYTES) {
        Arrays.fill(key, (byte) 0);
        throw new LoadException(LoadException.BAD_FILE, "fingerprint key file " + keyFile + " holds fewer than "
            + KEY_BYTES + " bytes: delete it to have a new one made");
      }
      return new ReferenceFingerprint(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the fingerprint key file " + keyFile
          + ": make its folder writable, or give --fingerprint-key", e);
    }
  }

  /** A fingerprinter with a given key, for tests. The array is zeroed. */
  static ReferenceFingerprint ofKey(byte[] key) {
    return new ReferenceFingerprint(key);
  }

  /** The fingerprint (hex) of one reference's content; {@code documentJson} is not kept. */
  public String of(String cardId, String externalUserId, String fidoResponseJwt, byte[] documentJson) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      // Length-prefixed parts: no two different rows can give the same input.
      part(mac, cardId.getBytes(StandardCharsets.UTF_8));
      part(mac, externalUserId.getBytes(StandardCharsets.UTF_8));
      part(mac, fidoResponseJwt == null ? new byte[0] : fidoResponseJwt.getBytes(StandardCharsets.UTF_8));
      part(mac, documentJson);
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
  }

  private static void part(Mac mac, byte[] bytes) {
    mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    mac.update(bytes);
  }

  @Override
  public String toString() {
    return "ReferenceFingerprint[HmacSHA256, key ****]";
  }
}
