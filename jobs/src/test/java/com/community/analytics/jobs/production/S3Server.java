package com.community.analytics.jobs.production;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3-compatible server on 127.0.0.1: S3Proxy (from Maven Central) on its filesystem
 * backend, run as its own process, with signed requests required. Buckets are folders of its
 * data directory. The secret is random per server, so a test can look for it in logs.
 */
final class S3Server implements AutoCloseable {
  /**
   * s3a settings this server needs beyond the endpoint and keys: S3Proxy does not answer s3a's
   * bulk DeleteObjects of directory markers (the client waits for its timeout), so markers are
   * kept (the s3a default from Hadoop 3.4, and what the README recommends) and deletes go one
   * by one.
   */
  static final Map<String, String> CLIENT_SETTINGS = Map.of(
      "fs.s3a.directory.marker.retention", "keep",
      "fs.s3a.multiobjectdelete.enable", "false");

  final String accessKey = "community-test";
  final String secretKey = "s3secret-" + UUID.randomUUID();
  private final LocalServices.Service service;

  S3Server(Path dir, String... buckets) {
    try {
      Path data = dir.resolve("data");
      for (String bucket : buckets) {
        Files.createDirectories(data.resolve(bucket));
      }
      int port = LocalServices.freePort();
      Path conf = Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + accessKey,
          "s3proxy.credential=" + secretKey,
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + data, ""));
      Path jar = LocalServices.requiredPath("community.s3proxy.jar");
      service = LocalServices.start(dir, "s3proxy", List.of(Path.of(System.getProperty(
          "java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString(),
          "--properties", conf.toString()), Map.of(), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + service.port();
  }

  /** The s3a settings a client of this server needs, with the given secret. */
  void configure(Configuration conf, String secret) {
    conf.set("fs.s3a.endpoint", endpoint());
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.access.key", accessKey);
    conf.set("fs.s3a.secret.key", secret);
    for (Map.Entry<String, String> e : CLIENT_SETTINGS.entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
  }

  /** {@link #CLIENT_SETTINGS} as JVM options of a job's process (Spark reads spark.hadoop.*). */
  static java.util.List<String> clientJvmOptions() {
    return CLIENT_SETTINGS.entrySet().stream().map(e -> "-Dspark.hadoop." + e.getKey() + "="
        + e.getValue()).sorted().toList();
  }

  @Override
  public void close() {
    service.close();
  }
}
