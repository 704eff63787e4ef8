package dev.switchboard.bench.peer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bench.peer.InboundValidation.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.Stores;

/**
 * The message filter written as the obvious Kafka Streams application: `messages.inbound` left
 * joined by sender identity with a GlobalKTable over `contacts.blocklist`. Valid and not blocked
 * goes to messages.accepted unchanged, blocked to messages.blocked as {message, block,
 * droppedAt}, invalid to the DLQ with the reason in `dlq-reason`. At least once.
 *
 * <p>Configured by environment: PEER_BOOTSTRAP, PEER_APPLICATION_ID, PEER_INBOUND_TOPIC,
 * PEER_BLOCKLIST_TOPIC, PEER_ACCEPTED_TOPIC, PEER_BLOCKED_TOPIC, PEER_DLQ_TOPIC, PEER_THREADS
 * (default 2), PEER_STATE_DIR.
 */
public final class StreamsPeer {
  static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private StreamsPeer() {}

  /** One routed valid message: its output topic, its key (the sender's identity) and value. */
  record Routed(String topic, byte[] key, byte[] value) {}

  public static void main(String[] args) throws InterruptedException {
    String applicationId = env("PEER_APPLICATION_ID", "switchboard-streams-peer");
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("PEER_BOOTSTRAP", "127.0.0.1:9092"));
    properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, env("PEER_THREADS", "2"));
    properties.put(StreamsConfig.STATE_DIR_CONFIG, env("PEER_STATE_DIR", System.getProperty("java.io.tmpdir") + "/streams-peer"));
    properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Kafka 5's default, and it silences a warning at start-up; nothing in the global table throws.
    properties.put("processing.exception.handler.global.enabled", "true");

    Topology topology =
        topology(
            env("PEER_INBOUND_TOPIC", "messages.inbound"),
            env("PEER_BLOCKLIST_TOPIC", "contacts.blocklist"),
            env("PEER_ACCEPTED_TOPIC", "messages.accepted"),
            env("PEER_BLOCKED_TOPIC", "messages.blocked"),
            env("PEER_DLQ_TOPIC", "messages.inbound.dlq"),
            applicationId);
    KafkaStreams streams = new KafkaStreams(topology, properties);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        error -> {
          error.printStackTrace();
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          System.err.println(Instant.now() + " [streams-peer] " + before + " -> " + now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(30));
                  stopped.countDown();
                }));
    streams.start();
    stopped.await();
  }

  static Topology topology(
      String inbound, String blocklistTopic, String accepted, String blocked, String dlq, String groupId) {
    StreamsBuilder builder = new StreamsBuilder();
    // The blocklist in memory, as the filter holds it (blocked identities are few); a tombstone
    // removes an entry. Values stay bytes: only a hit (a blocked sender) is parsed.
    GlobalKTable<String, byte[]> blocklist =
        builder.globalTable(
            blocklistTopic,
            Consumed.with(Serdes.String(), Serdes.ByteArray()),
            Materialized.<String, byte[]>as(Stores.inMemoryKeyValueStore("blocklist"))
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.ByteArray())
                .withCachingDisabled());

    KStream<byte[], Verdict> verdicts =
        builder.stream(inbound, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
            .mapValues((key, value) -> InboundValidation.check(key, value), Named.as("validate"));
    var branches =
        verdicts
            .split(Named.as("route-"))
            .branch((key, verdict) -> verdict.valid(), Branched.as("valid"))
            .defaultBranch(Branched.as("invalid"));

    branches
        .get("route-invalid")
        .process(() -> new DeadLetter(groupId), Named.as("dead-letter"))
        .to(dlq, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));

    Serde<Routed> routedSerde =
        Serdes.serdeFrom((topic, routed) -> routed.value(), (topic, bytes) -> {
          throw new UnsupportedOperationException("the peer never reads its outputs");
        });
    branches
        .get("route-valid")
        .leftJoin(blocklist, (key, verdict) -> verdict.key(), StreamsPeer::route, Named.as("blocklist-join"))
        .process(KeyByIdentity::new, Named.as("key-by-identity"))
        .to(
            (key, routed, context) -> routed.topic().equals("accepted") ? accepted : blocked,
            Produced.with(Serdes.ByteArray(), routedSerde));
    return builder.build();
  }

  /** Accepted unless the identity holds a block whose `until`, if any, is still ahead. */
  static Routed route(Verdict verdict, byte[] entryBytes) {
    byte[] key = verdict.key().getBytes(StandardCharsets.UTF_8);
    long now = System.currentTimeMillis();
    JsonNode entry = entryBytes == null ? null : readEntry(entryBytes);
    if (entry == null || endsAtMs(entry) <= now) {
      byte[] value = verdict.keyedAsItCame() ? verdict.originalValue() : write(verdict.message());
      return new Routed("accepted", key, value);
    }
    ObjectNode dropped = InboundValidation.JSON.createObjectNode();
    dropped.set("message", verdict.message());
    ObjectNode block = dropped.putObject("block");
    block.set("contactId", entry.get("contactId"));
    block.set("blockedAt", entry.get("blockedAt"));
    block.set("blockedBy", entry.get("blockedBy"));
    if (truthy(entry.get("reason"))) {
      block.set("reason", entry.get("reason"));
    }
    if (truthy(entry.get("until"))) {
      block.set("until", entry.get("until"));
    }
    dropped.put("droppedAt", MILLIS.format(Instant.ofEpochMilli(now)));
    return new Routed("blocked", key, write(dropped));
  }

  /** A blocklist entry with the fields a block needs, or null for one the peer cannot read. */
  static JsonNode readEntry(byte[] bytes) {
    try {
      JsonNode entry = InboundValidation.JSON.readTree(bytes);
      if (entry == null
          || !entry.isObject()
          || !entry.path("contactId").isTextual()
          || !entry.path("blockedAt").isTextual()
          || !entry.path("blockedBy").isTextual()) {
        return null;
      }
      return entry;
    } catch (IOException error) {
      return null;
    }
  }

  static long endsAtMs(JsonNode entry) {
    JsonNode until = entry.get("until");
    if (until == null || until.isNull()) {
      return Long.MAX_VALUE;
    }
    try {
      return OffsetDateTime.parse(until.asText()).toInstant().toEpochMilli();
    } catch (DateTimeParseException error) {
      return Long.MAX_VALUE; // Date.parse gives NaN, and NaN <= now is false: still blocked
    }
  }

  static boolean truthy(JsonNode node) {
    return node != null && node.isTextual() && !node.textValue().isEmpty();
  }

  static byte[] write(JsonNode node) {
    try {
      return InboundValidation.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException error) {
      throw new IllegalStateException(error);
    }
  }

  /**
   * Keys a routed message by its sender's identity and writes it as the filter does: no headers
   * (Streams would carry the input's on), the time of writing as its timestamp (Streams would
   * keep the input's).
   */
  static final class KeyByIdentity implements Processor<byte[], Routed, byte[], Routed> {
    private ProcessorContext<byte[], Routed> context;

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], Routed> record) {
      Routed routed = record.value();
      context.forward(new Record<>(routed.key(), routed, System.currentTimeMillis(), new RecordHeaders()));
    }
  }

  /** The DLQ copy: original key, value and headers (less `dlq-*`), plus why and where from. */
  static final class DeadLetter implements Processor<byte[], Verdict, byte[], byte[]> {
    private final String groupId;
    private ProcessorContext<byte[], byte[]> context;

    DeadLetter(String groupId) {
      this.groupId = groupId;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], Verdict> record) {
      Headers headers = new RecordHeaders();
      for (Header header : record.headers()) {
        if (!header.key().startsWith("dlq-")) {
          headers.add(header);
        }
      }
      String reason = record.value().reason();
      add(headers, "dlq-reason", reason.length() > 4000 ? reason.substring(0, 4000) : reason);
      add(headers, "dlq-error-code", "contract-violation");
      RecordMetadata source = context.recordMetadata().orElse(null);
      if (source != null) {
        add(headers, "dlq-source-topic", source.topic());
        add(headers, "dlq-source-partition", String.valueOf(source.partition()));
        add(headers, "dlq-source-offset", String.valueOf(source.offset()));
      }
      add(headers, "dlq-consumer-group", groupId);
      add(headers, "dlq-failed-at", MILLIS.format(Instant.now()));
      byte[] key = record.key() == null ? new byte[0] : record.key();
      context.forward(new Record<>(key, record.value().originalValue(), System.currentTimeMillis(), headers));
    }

    private static void add(Headers headers, String name, String value) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
