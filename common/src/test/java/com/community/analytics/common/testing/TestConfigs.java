package com.community.analytics.common.testing;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigLoader;
import com.community.analytics.common.config.ConfigSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a YAML config for a test and loads it with the real loader. */
public final class TestConfigs {
  private TestConfigs() {}

  public static Path write(Path dir, String yaml) {
    try {
      Path file = dir.resolve("test-" + System.nanoTime() + ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AppConfig load(ConfigSchema schema, Path file, Map<String, String> overrides) {
    return new ConfigLoader(schema).load(file.toString(), overrides);
  }
}
