package com.community.analytics.common.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.struct;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.util.LineReader;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads raw folders of the lake ({@code <lake>/raw/<kind>/dt=YYYY-MM-DD/}) as lines, one row per
 * line with its file and line number, plus one row per file that could not be read (with the
 * error), so nothing is lost silently. Files are read whole (gzip is not splittable anyway), in
 * parallel: up to four tasks per core, each reading a run of the files in order; a file that
 * fails part-way keeps the lines read before the failure.
 *
 * <p>Cost: a listing per folder on the driver, one pass over the files; no shuffle.
 */
public final class RawLake {
  public static final StructType LINES = new StructType()
      .add("arrival_date", DataTypes.DateType, true, "folder dt")
      .add("source_file", DataTypes.StringType, true, "file path")
      .add("line_number", DataTypes.LongType, true, "1-based line number")
      .add("raw", DataTypes.StringType, true, "line text")
      .add("read_error", DataTypes.StringType, true, "why the file could not be read")
      .add("encoding_error", DataTypes.StringType, true,
          "why the line's bytes are not UTF-8 (raw then holds them decoded with U+FFFD)");

  /**
   * What a folder holds: whether it exists, whether its {@code _SUCCESS} marker is there, and its
   * data files (hidden and {@code _}-prefixed files and zero-byte files left out, so a folder
   * whose files hold no bytes lists none), and when the marker was written (null without one).
   */
  public record Folder(LocalDate date, String path, boolean exists, boolean complete,
      List<String> files, Instant completedAt) {}

  private final SparkSession spark;
  private final String lakeRoot;

  public RawLake(SparkSession spark, String lakeRoot) {
    this.spark = spark;
    this.lakeRoot = lakeRoot.endsWith("/") ? lakeRoot.substring(0, lakeRoot.length() - 1)
        : lakeRoot;
  }

  public String folderPath(String kind, LocalDate date) {
    return lakeRoot + "/raw/" + kind + "/dt=" + date;
  }

  /** Lists a folder: whether it exists, has its {@code _SUCCESS} marker, and its data files. */
  public Folder folder(String kind, LocalDate date) {
    Path dir = new Path(folderPath(kind, date));
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return new Folder(date, dir.toString(), false, false, List.of(), null);
      }
      List<String> files = new ArrayList<>();
      FileStatus[] listing = fs.listStatus(dir);
      java.util.Arrays.sort(listing, Comparator.comparing(s -> s.getPath().getName()));
      for (FileStatus s : listing) {
        String name = s.getPath().getName();
        if (s.isFile() && s.getLen() > 0 && !name.startsWith("_") && !name.startsWith(".")) {
          files.add(s.getPath().toString());
        }
      }
      Instant completedAt = null;
      for (FileStatus s : listing) {
        if (s.isFile() && s.getPath().getName().equals("_SUCCESS")) {
          completedAt = Instant.ofEpochMilli(s.getModificationTime());
        }
      }
      return new Folder(date, dir.toString(), true, completedAt != null, files, completedAt);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** One file to read, with the arrival date of its folder. */
  private record FileTask(Date arrivalDate, String file) implements java.io.Serializable {}

  /** Reads the JSON-lines files of the folders as {@link #LINES} rows. */
  public Dataset<Row> readLines(List<Folder> folders) {
    List<FileTask> tasks = new ArrayList<>();
    for (Folder f : folders) {
      for (String file : f.files()) {
        tasks.add(new FileTask(Date.valueOf(f.date()), file));
      }
    }
    if (tasks.isEmpty()) {
      return spark.createDataFrame(List.of(), LINES);
    }
    // Hadoop's Configuration is not Serializable: Spark's wrapper carries it to the executors,
    // broadcast as Spark's own file scans do. Held in the closure, it was serialized into every
    // task of every stage over these rows, and its deserialization was half of a small write's
    // CPU (one task per file, read again by each stage over the cached rows).
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(
        spark.sparkContext().hadoopConfiguration()));
    // A task reads a run of files: every stage over these rows (validation, deduplication,
    // the quarantine) then has a few tasks per core rather than one per file, each of which
    // paid to deserialize its plan; a backfill of 90 folders has hundreds of files.
    int slices = Math.min(tasks.size(), 4 * jsc.defaultParallelism());
    return spark.createDataFrame(jsc.parallelize(tasks, slices)
        .flatMap(task -> readFile(conf.value().value(), task.arrivalDate(), task.file())),
        LINES);
  }

  /**
   * Reads Parquet folders as {@link #LINES} rows, each record rendered as a JSON line so one
   * parser validates both formats. Line numbers are the record's position in the read.
   */
  public Dataset<Row> readParquet(List<Folder> folders) {
    Dataset<Row> all = null;
    for (Folder f : folders) {
      if (f.files().isEmpty()) {
        continue;
      }
      Dataset<Row> part = spark.read().parquet(f.files().toArray(new String[0]))
          .select(lit(Date.valueOf(f.date())).as("arrival_date"),
              org.apache.spark.sql.functions.input_file_name().as("source_file"),
              monotonically_increasing_id().plus(1).as("line_number"),
              to_json(struct(col("*"))).as("raw"),
              lit(null).cast(DataTypes.StringType).as("read_error"),
              lit(null).cast(DataTypes.StringType).as("encoding_error"));
      all = all == null ? part : all.unionByName(part);
    }
    return all == null ? spark.createDataFrame(List.of(), LINES) : all;
  }

  /**
   * The lines of one file, read lazily so a large file never sits in memory. Lines end at LF,
   * CR or CRLF; a UTF-8 byte-order mark at the start of a line is dropped (files concatenated
   * with {@code cat} carry one mid-file); lines of only spaces and tabs are not rows. Each
   * line's bytes are decoded strictly: bytes that are not UTF-8 mark the line with an {@code
   * encoding_error} rather than silently becoming U+FFFD in an id. A read error ends the file
   * with one row carrying the error instead of a line.
   */
  static java.util.Iterator<Row> readFile(Configuration conf, Date date, String file) {
    return new FileLines(conf, date, file);
  }

  /** The rows of one file, read lazily: its lines, or the error that ended the read. */
  private static final class FileLines implements java.util.Iterator<Row> {
    private final Configuration conf;
    private final Date date;
    private final String file;
    private final Text bytes = new Text();
    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private LineReader reader;
    private long line;
    private Row next;
    private boolean done;

    FileLines(Configuration conf, Date date, String file) {
      this.conf = conf;
      this.date = date;
      this.file = file;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        next = advance();
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Row row = next;
      next = null;
      return row;
    }

    private Row advance() {
      try {
        if (reader == null) {
          Path path = new Path(file);
          FileSystem fs = path.getFileSystem(conf);
          CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
          InputStream raw = fs.open(path);
          InputStream in = codec == null ? raw : codec.createInputStream(raw);
          reader = new LineReader(in, 1 << 16);
        }
        while (reader.readLine(bytes) > 0) {
          line++;
          int start = startsWithBom(bytes) ? 3 : 0;
          if (isBlank(bytes, start)) {
            continue;
          }
          ByteBuffer content = ByteBuffer.wrap(bytes.getBytes(), start,
              bytes.getLength() - start);
          try {
            String text = strict.decode(content).toString();
            return RowFactory.create(date, file, line, text, null, null);
          } catch (CharacterCodingException e) {
            content.rewind().position(start);
            return RowFactory.create(date, file, line,
                StandardCharsets.UTF_8.decode(content).toString(), null,
                "bytes that are not UTF-8 (" + e.getClass().getSimpleName() + ")");
          }
        }
        finish();
        return null;
      } catch (IOException | RuntimeException e) {
        finish();
        return RowFactory.create(date, file, null, null, "unreadable after " + line
            + " lines: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null);
      }
    }

    private boolean startsWithBom(Text t) {
      byte[] b = t.getBytes();
      return t.getLength() >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB
          && b[2] == (byte) 0xBF;
    }

    /** Only JSON's in-line whitespace (spaces, tabs) from {@code start} on. */
    private boolean isBlank(Text t, int start) {
      byte[] b = t.getBytes();
      for (int i = start; i < t.getLength(); i++) {
        if (b[i] != ' ' && b[i] != '\t') {
          return false;
        }
      }
      return true;
    }

    private void finish() {
      done = true;
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException ignored) {
          // The file was read as far as it could be; a failed close loses nothing.
        }
      }
    }
  }
}
