package com.community.analytics.common.lake;

import static com.community.analytics.common.testing.TestFiles.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw line reader on the bytes that real collectors and copies produce: byte-order marks,
 * bytes that are not UTF-8, blank and whitespace-only lines, mixed line ends, and files that
 * make the reader itself throw (truncated gzip, a file gone between listing and reading).
 */
class RawLakeTest {
  private static final Date DAY = Date.valueOf("2026-11-20");
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @TempDir
  Path tmp;

  /** Each row as "line|raw|read_error|encoding_error". */
  private static List<String> read(Path file) {
    List<String> rows = new ArrayList<>();
    Iterator<Row> it = RawLake.readFile(new Configuration(), DAY, file.toString());
    while (it.hasNext()) {
      Row r = it.next();
      rows.add(r.get(2) + "|" + r.get(3) + "|" + r.get(4) + "|" + r.get(5));
    }
    return rows;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void dropsByteOrderMarksAndBlankLinesAndMarksBytesThatAreNotUtf8() throws Exception {
    Path file = tmp.resolve("part-0.json");
    Files.write(file, concat(BOM, utf8("{\"a\":1}\n"), utf8("   \t \n\n"),
        utf8("{\"user_id\":\"caf"), new byte[] {(byte) 0xE9}, utf8("\"}\r\n"),
        // A second file appended with cat: its BOM starts a line mid-file.
        BOM, utf8("{\"b\":2}\r"), utf8("{\"c\":\"\u00e9\u4e2d\"}"), BOM, utf8("\n")));
    assertEquals(List.of(
        "1|{\"a\":1}|null|null",
        "4|{\"user_id\":\"caf\ufffd\"}|null|bytes that are not UTF-8 (MalformedInputException)",
        "5|{\"b\":2}|null|null",
        "6|{\"c\":\"\u00e9\u4e2d\"}" + new String(BOM, StandardCharsets.UTF_8) + "|null|null"),
        read(file), "line numbers count every line; only a leading BOM is dropped");
  }

  @Test
  void overlongAndSurrogateEncodingsAreNotUtf8() throws Exception {
    Path file = tmp.resolve("part-0.json");
    // "/" as an overlong two-byte sequence, and U+D800 encoded as if it were a character.
    Files.write(file, concat(utf8("{\"u\":\""), new byte[] {(byte) 0xC0, (byte) 0xAF},
        utf8("\"}\n{\"u\":\""), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        utf8("\"}\n")));
    List<String> rows = read(file);
    assertEquals(2, rows.size(), rows.toString());
    assertTrue(rows.stream().allMatch(r -> r.endsWith("|bytes that are not UTF-8 "
        + "(MalformedInputException)")), rows.toString());
  }

  @Test
  void aFileTheReaderCannotFinishKeepsItsLinesAndEndsWithOneErrorRow() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 5000; i++) {
      lines.append("{\"n\":").append(i * 7919L % 100003).append("}\n");
    }
    byte[] whole = gzip(utf8(lines.toString()));
    Path truncated = tmp.resolve("part-1.json.gz");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    List<String> rows = read(truncated);
    String last = rows.get(rows.size() - 1);
    List<String> before = rows.subList(0, rows.size() - 1);
    assertTrue(before.size() > 100, "the lines before the cut are kept: " + before.size());
    for (int i = 0; i < before.size(); i++) {
      assertEquals((i + 1) + "|{\"n\":" + ((i + 1) * 7919L % 100003) + "}|null|null",
          before.get(i));
    }
    assertTrue(last.startsWith("null|null|unreadable after " + (rows.size() - 1)
        + " lines: EOFException"), last);

    // Listed, then gone (or unreadable) when a task opens it.
    Path gone = tmp.resolve("part-2.json");
    List<String> missing = read(gone);
    assertEquals(1, missing.size());
    assertTrue(missing.get(0).startsWith("null|null|unreadable after 0 lines: "
        + "FileNotFoundException"), missing.get(0));
  }

  @Test
  void gzipMembersAreReadInSequenceAnEmptyOneHoldsNoLines() throws Exception {
    Path file = tmp.resolve("part-3.json.gz");
    Files.write(file, concat(gzip(new byte[0]), gzip(utf8("{\"a\":1}\n")), gzip(new byte[0])));
    assertEquals(List.of("1|{\"a\":1}|null|null"), read(file));
  }
}
