package com.community.analytics.common.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Small text files (config, request lists) read through the Hadoop file system: local or s3a. */
public final class HadoopFiles {
  private HadoopFiles() {}

  /**
   * The whole file as UTF-8 text.
   *
   * @throws java.io.FileNotFoundException when it does not exist
   */
  public static String readText(Path path, Configuration conf) throws IOException {
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Whether {@code path} (a file or folder) exists. */
  public static boolean exists(Path path, Configuration conf) throws IOException {
    return path.getFileSystem(conf).exists(path);
  }
}
