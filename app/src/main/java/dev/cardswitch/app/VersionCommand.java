package dev.cardswitch.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code card-switch version}: the product version and the versions of the libraries it pins. */
@Command(name = "version", description = "Print the card-switch version and the pinned library versions.")
public final class VersionCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    for (String line : lines()) {
      spec.commandLine().getOut().println(line);
    }
  }

  static String[] lines() {
    Properties p = versions();
    return new String[] {
      "card-switch " + p.getProperty("version"),
      "kafka " + p.getProperty("kafka")
          + ", avro " + p.getProperty("avro")
          + ", nimbus-jose-jwt " + p.getProperty("nimbus")
          + ", resilience4j " + p.getProperty("resilience4j"),
      "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }

  static Properties versions() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "version.properties is missing from the class path: rebuild with ./card-switch (or mvn -B package)");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** Lets {@code card-switch --version} print the same as {@code card-switch version}. */
  public static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return lines();
    }
  }
}
