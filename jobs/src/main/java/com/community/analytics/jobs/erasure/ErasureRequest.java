package com.community.analytics.jobs.erasure;

import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The member ids of one erasure request, from {@code --ids}: either a comma-separated list
 * ({@code u1,u2}) or a file with one id per line, blank lines and {@code #} comments ignored. A
 * value with a {@code /} in it, or ending in {@code .txt}, is a file: a local path ({@code
 * ./ids.txt}) or any Hadoop path ({@code s3a://bucket/erasure/T-123.txt}). Ids are trimmed and
 * deduplicated; an empty request is a usage error, so a wrong path never erases nobody quietly.
 */
public record ErasureRequest(Set<String> ids) {

  public ErasureRequest {
    ids = Set.copyOf(ids);
  }

  /** True when {@code value} names a file of ids rather than listing ids. */
  static boolean namesFile(String value) {
    return value.contains("/") || value.endsWith(".txt");
  }

  /**
   * Reads the ids {@code value} gives; a file through the Hadoop file system of {@code hadoop}.
   *
   * @throws UsageException when the file does not exist or the request holds no id
   */
  public static ErasureRequest read(String value, Configuration hadoop) {
    if (!namesFile(value)) {
      return of(parseList(value), "--ids '" + value + "'");
    }
    return of(parseLines(readFile(value, hadoop)), "ids file " + value);
  }

  /** The ids of a comma-separated list. */
  static Set<String> parseList(String text) {
    Set<String> ids = new LinkedHashSet<>();
    for (String id : text.split(",")) {
      add(ids, id);
    }
    return ids;
  }

  /** The ids of a file's text: one a line; {@code #} starts a comment. */
  static Set<String> parseLines(String text) {
    Set<String> ids = new LinkedHashSet<>();
    text.lines().map(line -> line.contains("#") ? line.substring(0, line.indexOf('#')) : line)
        .forEach(id -> add(ids, id));
    return ids;
  }

  /** Checks a list given on the command line before any session starts. */
  static void checkList(String value) {
    if (!namesFile(value)) {
      of(parseList(value), "--ids '" + value + "'");
    }
  }

  private static void add(Set<String> ids, String raw) {
    String id = raw.strip();
    if (!id.isEmpty()) {
      ids.add(id);
    }
  }

  private static ErasureRequest of(Set<String> ids, String source) {
    if (ids.isEmpty()) {
      throw new UsageException(source + " lists no user ids");
    }
    return new ErasureRequest(ids);
  }

  private static String readFile(String file, Configuration hadoop) {
    try {
      return HadoopFiles.readText(new Path(file), hadoop);
    } catch (FileNotFoundException e) {
      throw new UsageException("ids file not found: " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ids file " + file, e);
    }
  }

  /** How many distinct ids the request holds (the only thing about them that is recorded). */
  public int size() {
    return ids.size();
  }

  @Override
  public String toString() {
    // Never print the ids: logs and error messages outlive the erasure.
    return "ErasureRequest[" + ids.size() + " ids]";
  }
}
