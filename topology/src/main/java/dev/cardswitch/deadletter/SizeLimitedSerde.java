package dev.cardswitch.deadletter;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde whose deserializer refuses values larger than a limit before decoding them, with an
 * {@link OversizedRecordException} (which {@link DeadLetterExceptionHandler} turns into a dead
 * letter); the serializer is the wrapped one, untouched. Used for the webhook topic: an event is a
 * few hundred bytes, so a value of many kilobytes is a producer's mistake or an attack, and decoding
 * it would only cost memory and time.
 *
 * <p>Thread-safe if the wrapped serde is.
 */
public final class SizeLimitedSerde {

  private SizeLimitedSerde() {}

  /**
   * {@code serde} with values above {@code maxBytes} refused when read.
   *
   * @param setting the name of the setting that holds the limit, for the message (e.g. {@code MAX_EVENT_BYTES})
   */
  public static <T> Serde<T> wrap(Serde<T> serde, int maxBytes, String setting) {
    Objects.requireNonNull(serde, "serde");
    return Serdes.serdeFrom(serde.serializer(), new LimitedDeserializer<>(serde.deserializer(), maxBytes, setting));
  }

  /** The deserializer alone. */
  public static <T> Deserializer<T> wrap(Deserializer<T> deserializer, int maxBytes, String setting) {
    return new LimitedDeserializer<>(deserializer, maxBytes, setting);
  }

  private static final class LimitedDeserializer<T> implements Deserializer<T> {
    private final Deserializer<T> inner;
    private final int maxBytes;
    private final String setting;

    LimitedDeserializer(Deserializer<T> inner, int maxBytes, String setting) {
      this.inner = Objects.requireNonNull(inner, "deserializer");
      if (maxBytes < 1) {
        throw new IllegalArgumentException(setting + " must be at least 1 byte, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      this.setting = Objects.requireNonNull(setting, "setting");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
      inner.configure(configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      if (data != null && data.length > maxBytes) {
        throw new OversizedRecordException(topic, data.length, maxBytes, setting);
      }
      return inner.deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, org.apache.kafka.common.header.Headers headers, byte[] data) {
      if (data != null && data.length > maxBytes) {
        throw new OversizedRecordException(topic, data.length, maxBytes, setting);
      }
      return inner.deserialize(topic, headers, data);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
