package dev.switchboard.bench.peer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The InboundMessage contract of libs/contracts/src/messages, written again for the peer: size,
 * JSON, nesting, reserved keys and unstorable text, the fields with their patterns and types,
 * and the sender normalised to its channel's one spelling. Differences from the project's
 * parser are listed in bench/streams-peer/README.md.
 */
final class InboundValidation {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final int MAX_BYTES = 65_536;
  static final int NESTING_MAX = 64;
  static final int ADDRESS_MAX_LENGTH = 256;
  static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:=+/-]{1,128}");
  static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  static final Pattern UNPRINTABLE_ADDRESS = Pattern.compile("[|\\x{0000}-\\x{001f}\\x{007f}-\\x{009f}]");
  /** RFC 3339 date-time, as the project's fast schema has it. */
  static final Pattern SENT_AT =
      Pattern.compile(
          "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
              + "(\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])");
  static final Set<String> PHONE_CHANNELS = Set.of("whatsapp", "sms", "voice");
  static final Set<String> MESSAGE_TYPES =
      Set.of(
          "text", "image", "audio", "video", "document", "location", "contact", "sticker",
          "reaction", "other");
  static final Set<String> FIELDS =
      Set.of("messageId", "tenantId", "channel", "from", "to", "type", "content", "sentAt", "profile");
  static final Set<String> RESERVED_KEYS =
      Set.of(
          "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__",
          "__lookupSetter__", "constructor", "hasOwnProperty", "isPrototypeOf",
          "propertyIsEnumerable", "toLocaleString", "toString", "valueOf", "prototype");
  static final int[] DAYS_IN_MONTH = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private InboundValidation() {}

  /** What one inbound record is: a valid message (with its identity key) or the reason it is not. */
  record Verdict(String reason, ObjectNode message, String key, byte[] originalKey, byte[] originalValue) {
    boolean valid() {
      return reason == null;
    }

    /** The record came keyed by the sender's one spelling already: its value goes on as it came. */
    boolean keyedAsItCame() {
      return originalKey != null && Arrays.equals(originalKey, key.getBytes(StandardCharsets.UTF_8));
    }
  }

  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static Verdict check(byte[] key, byte[] value) {
    try {
      ObjectNode message = parse(value);
      String from = message.get("from").textValue();
      String canonical = canonicalAddress(message.get("channel").textValue(), from);
      if (!canonical.equals(from)) {
        message.put("from", canonical);
      }
      String identity =
          message.get("tenantId").textValue() + "|" + message.get("channel").textValue() + "|" + canonical;
      return new Verdict(null, message, identity, key, value);
    } catch (Invalid invalid) {
      return new Verdict(invalid.getMessage(), null, null, key, value);
    }
  }

  static ObjectNode parse(byte[] value) throws Invalid {
    if (value == null) {
      throw new Invalid("record has no value");
    }
    if (value.length > MAX_BYTES) {
      throw new Invalid(
          "an inbound message is at most " + MAX_BYTES + " bytes; this one has " + value.length);
    }
    JsonNode plain;
    try {
      plain = JSON.readTree(value);
    } catch (JsonProcessingException error) {
      throw new Invalid("record value is not JSON: " + error.getOriginalMessage());
    } catch (IOException error) {
      throw new Invalid("record value is not JSON: " + error.getMessage());
    }
    if (plain == null || plain.isMissingNode()) {
      throw new Invalid("record value is not JSON: no value");
    }
    walk(plain, 1, "");
    if (!plain.isObject()) {
      throw new Invalid("InboundMessage must be a JSON object");
    }
    ObjectNode message = (ObjectNode) plain;
    for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new Invalid("InboundMessage is invalid: property " + name + " should not exist");
      }
    }
    matches(message, "messageId", MESSAGE_ID);
    matches(message, "tenantId", TENANT_ID);
    matches(message, "channel", CHANNEL);
    String channel = message.get("channel").textValue();
    String from = string(message, "from");
    String canonical = canonicalAddress(channel, from);
    if (PHONE_CHANNELS.contains(channel)) {
      if (canonical == null || !E164.matcher(canonical).matches()) {
        throw new Invalid(
            "InboundMessage is invalid: from: from must be a phone number with its country code (like +14155550123) on channel "
                + channel);
      }
    } else if (canonical.isEmpty()
        || canonical.length() > ADDRESS_MAX_LENGTH
        || UNPRINTABLE_ADDRESS.matcher(canonical).find()) {
      throw new Invalid(
          "InboundMessage is invalid: from: from must be 1-256 printable characters without '|'");
    }
    if (string(message, "to").length() > ADDRESS_MAX_LENGTH) {
      throw new Invalid("InboundMessage is invalid: to: to must be shorter than or equal to 256 characters");
    }
    if (!MESSAGE_TYPES.contains(string(message, "type"))) {
      throw new Invalid("InboundMessage is invalid: type: type must be one of the message types");
    }
    JsonNode content = message.get("content");
    if (content == null || !content.isObject()) {
      throw new Invalid("InboundMessage is invalid: content: content must be an object");
    }
    String sentAt = string(message, "sentAt");
    if (!SENT_AT.matcher(sentAt).matches() || !isCalendarDate(sentAt)) {
      throw new Invalid("InboundMessage is invalid: sentAt: sentAt must be a valid ISO 8601 date string");
    }
    JsonNode profile = message.get("profile");
    if (profile != null && !profile.isNull()) {
      if (!profile.isObject()) {
        throw new Invalid("InboundMessage is invalid: profile: nested property profile must be an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = profile.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getKey().equals("name")) {
          throw new Invalid(
              "InboundMessage is invalid: profile." + field.getKey() + ": property should not exist");
        }
        JsonNode name = field.getValue();
        if (!name.isNull() && (!name.isTextual() || name.textValue().length() > 200)) {
          throw new Invalid(
              "InboundMessage is invalid: profile.name: name must be a string of at most 200 characters");
        }
      }
    }
    return message;
  }

  private static String string(ObjectNode message, String field) throws Invalid {
    JsonNode node = message.get(field);
    if (node == null || !node.isTextual()) {
      throw new Invalid("InboundMessage is invalid: " + field + ": " + field + " must be a string");
    }
    return node.textValue();
  }

  private static void matches(ObjectNode message, String field, Pattern pattern) throws Invalid {
    if (!pattern.matcher(string(message, field)).matches()) {
      throw new Invalid(
          "InboundMessage is invalid: " + field + ": " + field + " must match " + pattern.pattern());
    }
  }

  /** Nesting, reserved keys and text the store cannot hold, anywhere in the value. */
  private static void walk(JsonNode node, int depth, String path) throws Invalid {
    if (node.isTextual()) {
      if (isUnstorable(node.textValue())) {
        throw new Invalid(
            "InboundMessage is invalid: "
                + path
                + ": must not contain U+0000 or an unpaired UTF-16 surrogate (the store cannot hold them)");
      }
      return;
    }
    if (!node.isContainerNode()) {
      return;
    }
    if (depth > NESTING_MAX) {
      throw new Invalid("record value nests more than " + NESTING_MAX + " levels");
    }
    if (node.isArray()) {
      for (int index = 0; index < node.size(); index++) {
        walk(node.get(index), depth + 1, path.isEmpty() ? String.valueOf(index) : path + "." + index);
      }
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      String child = path.isEmpty() ? key : path + "." + key;
      if (RESERVED_KEYS.contains(key)) {
        throw new Invalid(
            "InboundMessage is invalid: "
                + child
                + ": "
                + key
                + " is a reserved key (a member of every JavaScript object) and is refused rather than dropped");
      }
      if (isUnstorable(key)) {
        throw new Invalid(
            "InboundMessage is invalid: "
                + child
                + ": keys must not contain U+0000 or an unpaired UTF-16 surrogate (the store cannot hold them)");
      }
      walk(field.getValue(), depth + 1, child);
    }
  }

  private static boolean isUnstorable(String text) {
    for (int index = 0; index < text.length(); index++) {
      char character = text.charAt(index);
      if (character == 0) {
        return true;
      }
      if (Character.isHighSurrogate(character)) {
        if (index + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(index + 1))) {
          return true;
        }
        index++;
      } else if (Character.isLowSurrogate(character)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isCalendarDate(String timestamp) {
    int year = Integer.parseInt(timestamp.substring(0, 4));
    int month = Integer.parseInt(timestamp.substring(5, 7));
    int day = Integer.parseInt(timestamp.substring(8, 10));
    if (month == 2 && day == 29) {
      return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }
    return day <= DAYS_IN_MONTH[month - 1];
  }

  /**
   * The one spelling of an address on its channel, or null for a phone number it cannot read.
   * Phone channels: E.164, a `channel:` or `tel:` prefix dropped, digits without `+` read as an
   * international number; the other spellings the project reads with libphonenumber-js
   * (separators, `00`, national numbers) are refused here. E-mail: the domain in lower case.
   */
  static String canonicalAddress(String channel, String address) {
    if (PHONE_CHANNELS.contains(channel)) {
      if (E164.matcher(address).matches()) {
        return address;
      }
      String text = address.strip();
      for (String prefix : new String[] {channel + ":", "tel:"}) {
        if (text.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          text = text.substring(prefix.length()).strip();
        }
      }
      if (E164.matcher(text).matches()) {
        return text;
      }
      if (E164.matcher("+" + text).matches()) {
        return "+" + text;
      }
      return null;
    }
    if (channel.equals("email")) {
      int at = address.lastIndexOf('@');
      if (at < 0) {
        return address;
      }
      String domain = address.substring(at + 1);
      String lower = domain.toLowerCase(Locale.ROOT);
      return lower.equals(domain) ? address : address.substring(0, at + 1) + lower;
    }
    return address;
  }
}
