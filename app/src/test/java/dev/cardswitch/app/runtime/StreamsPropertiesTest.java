package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams properties the service derives from its settings. */
class StreamsPropertiesTest {

  private static Properties streamsProperties(Map<String, String> env) {
    AppConfig config = Launch.configure(env, List.of());
    TopologySerdes serdes = TopologySerdes.of(new HttpSchemaRegistryClient(
        SchemaRegistryConfig.builder("http://127.0.0.1:1").build()));
    return CardSwitchService.streamsProperties(config, "127.0.0.1:9092", serdes, Clock.systemUTC(), 1);
  }

  @Test
  void aNewInstanceIsProbedForTasksEveryMinuteNotEveryTen() {
    Properties props = streamsProperties(Map.of());
    assertEquals(60_000L, props.get(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG));
    // Kafka Streams itself accepts the value (it refuses less than a minute).
    assertEquals(60_000L, new StreamsConfig(props).getLong(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG));
  }

  @Test
  void theProbingIntervalAndCommitIntervalFollowTheirSettings() {
    Properties props = streamsProperties(Map.of("PROBING_REBALANCE_INTERVAL", "5m", "COMMIT_INTERVAL", "40ms"));
    assertEquals(300_000L, props.get(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG));
    assertEquals(40L, props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void theMainConsumerWaitsUpTo10msForFullerFetchesAndTheRestoreConsumerDoesNot() {
    StreamsConfig config = new StreamsConfig(streamsProperties(Map.of()));
    Map<String, Object> main = config.getMainConsumerConfigs("group", "client", 0);
    assertEquals(65_536, main.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
    assertEquals(10, main.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    Map<String, Object> restore = config.getRestoreConsumerConfigs("client");
    assertNull(restore.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
    assertNull(restore.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
  }

  @Test
  void aTaskProcessesWhatIsBufferedWithoutWaitingForItsOtherPartitions() {
    Properties props = streamsProperties(Map.of());
    assertEquals(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED,
        new StreamsConfig(props).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
  }
}
