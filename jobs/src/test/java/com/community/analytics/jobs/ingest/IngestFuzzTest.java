package com.community.analytics.jobs.ingest;

import static com.community.analytics.common.testing.TestFiles.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest under fuzzing (issue #18): 12,000 valid events of every kind, about 60% of them mutated
 * by a seeded generator in one to three ways (truncation, flipped types, inserted bytes, extreme
 * and non-finite numbers, extreme times and offsets, deep nesting, huge strings, duplicate
 * keys, encodings, blank lines, dropped fields), 5% re-delivered, written as plain, gzip,
 * truncated-gzip and not-gzip files of one arrival folder. The run must succeed, reconcile
 * exactly from the tables themselves, keep the contract in every silver row and give every
 * quarantined row a reason and its raw text. {@code -Dfuzz.mutations=a,b} limits the mutations
 * (to see which of them a change breaks); the counts applied are printed.
 */
class IngestFuzzTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final int ROWS = 12_000;
  private static final Set<String> REASONS = Set.of("malformed_json", "missing_required_field",
      "wrong_type", "unknown_event_type", "unparseable_time", "future_time", "negative_amount",
      "unreadable_file", "invalid_encoding", "duplicate_key", "non_finite_number",
      "out_of_range", "implausible_time");
  private static final String[] TYPES = {"login", "content_view", "like", "share", "purchase",
      "refund", "experiment_exposure", "checkin", "push_sent", "comment"};
  private static final String[] NUMBERS = {"NaN", "Infinity", "-Infinity", "1e999", "-1e999",
      "1e20", "1e16", "-1e308", "1e-999999999", "123456789012345678901234567890", "-0.0",
      "0.004", "9999999999999999.995", "5e-324", "1.7976931348623157e308", "0", "\"12.5\"",
      "true", "[1]", "{}"};
  private static final String[] TIMES = {"\"1899-12-31T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"",
      "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00-18:00\"", "0",
      "99999999999999999999999", "\"2026-11-20T25:00:00+08:00\"",
      "\"2026-11-20T10:00:00+25:00\"", "1763604000", "\"1763604000000\"", "-1", "1.5e12",
      "\"2026-11-20\"", "\"\"", "null", "\"2026-11-20T10:00:00.123456789+08:00\"",
      "\"1999-12-31T15:59:59Z\"", "\"2030-01-01T00:00:00Z\""};
  private static final String[] FIELDS = {"event_id", "event_time", "user_id", "event_type",
      "content_id", "amount", "order_id", "experiment_id", "variant", "channel", "properties"};

  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  /** One mutation: the row's text (as built so far) to its new text. */
  private static final Map<String, BiFunction<String, SplittableRandom, String>> MUTATIONS =
      mutations();

  private static Map<String, BiFunction<String, SplittableRandom, String>> mutations() {
    Map<String, BiFunction<String, SplittableRandom, String>> m = new LinkedHashMap<>();
    m.put("truncate", (s, r) -> s.substring(0, r.nextInt(s.length())));
    m.put("flip_type", (s, r) -> {
      String field = FIELDS[r.nextInt(FIELDS.length)];
      String[] values = {"42", "true", "[\"x\"]", "{\"a\":1}", "\"text\"", "null", "-7.5"};
      return replaceValue(s, field, values[r.nextInt(values.length)]);
    });
    m.put("insert_bytes", (s, r) -> {
      StringBuilder b = new StringBuilder(s);
      for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
        b.insert(r.nextInt(b.length() + 1), rawByte(r.nextInt(256)));
      }
      return b.toString();
    });
    m.put("extreme_number", (s, r) -> replaceValue(s, "amount",
        NUMBERS[r.nextInt(NUMBERS.length)]));
    m.put("extreme_time", (s, r) -> replaceValue(s, "event_time",
        TIMES[r.nextInt(TIMES.length)]));
    m.put("deep_nesting", (s, r) -> {
      int depth = r.nextBoolean() ? 1 + r.nextInt(900) : 1000 + r.nextInt(5000);
      return replaceValue(s, "properties", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
    });
    m.put("huge_string", (s, r) -> replaceValue(s, r.nextBoolean() ? "user_id" : "session_id",
        "\"" + "x".repeat(r.nextInt(100) == 0 ? 1_000_000 : 5_000) + "\""));
    m.put("duplicate_key", (s, r) -> {
      String field = FIELDS[r.nextInt(4)];
      return s.substring(0, s.length() - 1) + ",\"" + field + "\":\"again\"}";
    });
    m.put("encoding", (s, r) -> {
      String[] forms = {"\\ud800", "\\udfff", "\\ud83d", BOM, rawByte(0xE9),
          rawByte(0xC0) + rawByte(0xAF), rawByte(0xED) + rawByte(0xA0) + rawByte(0x80),
          "\\u0000", "\u00e9\u4e2d\ud83d\ude00"};
      String form = forms[r.nextInt(forms.length)];
      int at = Math.max(0, s.indexOf("\"user_id\":\"") + 11);
      return form.equals(BOM) ? form + s : s.substring(0, Math.min(at, s.length())) + form
          + s.substring(Math.min(at, s.length()));
    });
    m.put("line_breaks", (s, r) -> {
      String[] breaks = {"\r", "\r\n", "\n", "   \t", ""};
      int at = r.nextInt(s.length() + 1);
      return r.nextBoolean() ? breaks[r.nextInt(breaks.length)]
          : s.substring(0, at) + breaks[r.nextInt(3)] + s.substring(at);
    });
    m.put("drop_field", (s, r) -> replaceValue(s, FIELDS[r.nextInt(FIELDS.length)], null));
    m.put("odd_type", (s, r) -> replaceValue(s, "event_type", new String[] {"\"LOGIN\"",
        "\"teleport\"", "\" purchase \"", "\"\""}[r.nextInt(4)]));
    return m;
  }

  /** The row with {@code field}'s value replaced (null: the field removed; absent: added). */
  private static String replaceValue(String json, String field, String value) {
    String key = "\"" + field + "\":";
    int at = json.indexOf(key);
    if (at < 0) {
      return value == null ? json : json.substring(0, json.length() - 1) + "," + key + value
          + "}";
    }
    int start = at + key.length();
    int end = valueEnd(json, start);
    if (value != null) {
      return json.substring(0, start) + value + json.substring(end);
    }
    String before = json.substring(0, at);
    String after = json.substring(end);
    return after.startsWith(",") || before.isEmpty() ? before + after.substring(
        after.startsWith(",") ? 1 : 0) : before.substring(0, before.length() - 1) + after;
  }

  /** End of the JSON value at {@code start} of a row this test built. */
  private static int valueEnd(String json, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
          if (depth == 0) {
            return i + 1;
          }
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return i;
        }
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return json.length();
  }

  private static String validRow(int i, SplittableRandom r) {
    String type = TYPES[r.nextInt(TYPES.length)];
    Instant time = DAY.atStartOfDay(java.time.ZoneId.of("Asia/Shanghai")).toInstant()
        .plusSeconds(r.nextInt(86_400));
    StringBuilder b = new StringBuilder("{\"event_id\":\"f" + i + "\",\"event_time\":\""
        + time + "\",\"user_id\":\"u" + r.nextInt(500) + "\",\"event_type\":\"" + type + "\"");
    switch (type) {
      case "content_view", "like", "share", "comment" -> b.append(",\"content_id\":\"c")
          .append(r.nextInt(50)).append("\",\"channel\":\"feed\"");
      case "purchase", "refund" -> b.append(",\"order_id\":\"o").append(i)
          .append("\",\"amount\":").append(r.nextInt(100_000) / 100.0);
      case "experiment_exposure" -> b.append(",\"experiment_id\":\"x1\",\"variant\":\"")
          .append(r.nextBoolean() ? "a" : "b").append("\"");
      default -> { }
    }
    return b.append(",\"properties\":{\"k\":\"v").append(r.nextInt(9)).append("\"}}").toString();
  }

  /**
   * A raw byte inside a row being built, as one private-use character (so no later mutation
   * can cut it in half); {@link #bytes} writes it as the byte itself.
   */
  private static String rawByte(int b) {
    return String.valueOf((char) (0xE000 + b));
  }

  private static final String BOM = "\uF8FF";

  /** The row's bytes: raw-byte and BOM markers as those bytes, everything else as UTF-8. */
  private static byte[] bytes(String row) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder text = new StringBuilder();
    for (char c : row.toCharArray()) {
      boolean marker = (c >= 0xE000 && c <= 0xE0FF) || c == 0xF8FF;
      if (!marker) {
        text.append(c);
        continue;
      }
      out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
      text.setLength(0);
      if (c == 0xF8FF) {
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      } else {
        out.write(c - 0xE000);
      }
    }
    out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void anyMutationOfValidRowsIsAcceptedCorrectlyOrQuarantinedWithItsRawText() throws Exception {
    SplittableRandom random = new SplittableRandom(20261202L);
    List<String> enabled = new ArrayList<>(MUTATIONS.keySet());
    String only = System.getProperty("fuzz.mutations", "");
    if (!only.isBlank()) {
      enabled.retainAll(Arrays.asList(only.split(",")));
    }
    Map<String, Integer> applied = new TreeMap<>();
    ByteArrayOutputStream[] files = new ByteArrayOutputStream[4];
    for (int i = 0; i < files.length; i++) {
      files[i] = new ByteArrayOutputStream();
    }
    int mutated = 0;
    for (int i = 0; i < ROWS; i++) {
      String row = validRow(i, random);
      if (random.nextDouble() < 0.6 && !enabled.isEmpty()) {
        mutated++;
        for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
          String name = enabled.get(random.nextInt(enabled.size()));
          row = MUTATIONS.get(name).apply(row.isEmpty() ? "{}" : row, random);
          applied.merge(name, 1, Integer::sum);
        }
      }
      int copies = random.nextDouble() < 0.05 ? 2 : 1;
      for (int c = 0; c < copies; c++) {
        ByteArrayOutputStream file = files[random.nextInt(files.length)];
        file.writeBytes(bytes(row));
        file.write('\n');
      }
    }
    Path dir = Files.createDirectories(new JobFixture(tmp).lake.resolve("raw/events/dt=" + DAY));
    Files.write(dir.resolve("part-0.json"), files[0].toByteArray());
    Files.write(dir.resolve("part-1.json"), files[1].toByteArray());
    Files.write(dir.resolve("part-2.json.gz"), gzip(files[2].toByteArray()));
    byte[] whole = gzip(files[3].toByteArray());
    Files.write(dir.resolve("part-3.json.gz"), Arrays.copyOf(whole, whole.length * 2 / 3));
    Files.write(dir.resolve("part-4.json.gz"), "not gzip at all\n".getBytes());
    Files.write(dir.resolve("_SUCCESS"), new byte[0]);
    System.out.println("fuzz: " + ROWS + " rows, " + mutated + " mutated; mutations applied: "
        + applied);

    JobFixture f = new JobFixture(tmp);
    JobFixture.Ran ran = f.run(new IngestJob(), Map.of(), "--date", DAY.toString());

    Dataset<Row> silver = spark.read().format("delta").load(f.warehouse + "/silver/events");
    Dataset<Row> quarantine = spark.read().format("delta").load(f.warehouse + "/ops/quarantine")
        .where("source = 'events'");
    long accepted = silver.count();
    long rejected = quarantine.count();
    long read = ran.rowsRead();
    long duplicates = ran.result(IngestJob.Result.class).duplicates();
    System.out.println("fuzz: read " + read + " = accepted " + accepted + " + duplicates "
        + duplicates + " + quarantined " + rejected + "; by reason: "
        + quarantine.groupBy("reason").count().collectAsList());
    assertEquals(read, accepted + duplicates + rejected, "reconciled from the tables");
    if (only.isBlank()) {
      assertTrue(read > 10_000 && accepted > 3000 && rejected > 3000 && duplicates > 100,
          "both outcomes and re-deliveries are exercised");
    }

    assertEquals(0L, silver.where("event_id is null or user_id is null or event_type is null "
        + "or event_time is null or event_date is null").count());
    assertEquals(0L, silver.where("event_type in ('purchase', 'refund') and (amount is null "
        + "or amount < 0 or order_id is null)").count(), "orders have an amount in range");
    Row range = silver.selectExpr("min(event_time)", "max(event_time)").first();
    assertTrue(!range.getTimestamp(0).toInstant().isBefore(Instant.parse("1999-12-31T16:00:00Z"))
        && !range.getTimestamp(1).toInstant().isAfter(Instant.parse("2026-11-22T16:00:00Z")),
        "times within bounds: " + range);
    for (String column : new String[] {"event_id", "user_id", "session_id", "content_id",
        "channel", "order_id", "experiment_id", "variant"}) {
      assertEquals(0L, silver.where(column + " like '%\ufffd%'").count(),
          column + " never holds a replacement character");
    }
    for (Row r : silver.select("user_id", "event_id").collectAsList()) {
      assertTrue(!StrictJson.hasUnpairedSurrogate(r.getString(0))
          && !StrictJson.hasUnpairedSurrogate(r.getString(1)), r.toString());
    }
    assertEquals(0L, quarantine.where("reason is null or detail is null").count());
    assertEquals(0L, quarantine.where("raw is null and reason != 'unreadable_file'").count(),
        "every rejected row keeps its raw text");
    assertEquals(Set.of(), Set.copyOf(quarantine.select("reason").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).stream()
        .filter(reason -> !REASONS.contains(reason)).collect(java.util.stream.Collectors.toSet()));
    assertEquals(2L, quarantine.where("reason = 'unreadable_file'").count(),
        "the truncated gzip and the file that is not gzip");
  }
}
