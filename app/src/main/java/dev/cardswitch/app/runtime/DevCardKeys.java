package dev.cardswitch.app.runtime;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.cardswitch.envelope.JwkSetKeyRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The card-data key ring: from {@code CARD_KEYS_FILE} / {@code CARD_KEYS} when set; otherwise a
 * development key kept in the data folder (created on first use, readable by its owner only), so the
 * embedded default runs without setup and envelopes made by an earlier run still open.
 */
public final class DevCardKeys {

  public static final String FILE_NAME = "dev-card-keys.json";

  private DevCardKeys() {}

  public static JwkSetKeyRing keyRing(AppConfig config) {
    if (config.cardKeysConfigured()) {
      return JwkSetKeyRing.fromEnvironment(config.settings().asMap());
    }
    Path file = config.dataDir().resolve(FILE_NAME);
    if (!Files.exists(file)) {
      ECKey key = JwkSetKeyRing.generate("dev-" + UUID.randomUUID().toString().substring(0, 8));
      try {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "keys", ".tmp");
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the data folder's own permissions apply
        }
        Files.writeString(tmp, new JWKSet(key).toString(false), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the development card key to " + file
            + ": make DATA_DIR writable, or set CARD_KEYS_FILE", e);
      }
    }
    return JwkSetKeyRing.fromFile(file,
        JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(config.topology().cardCryptoProvider()));
  }

}
