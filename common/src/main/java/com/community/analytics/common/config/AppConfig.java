package com.community.analytics.common.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effective configuration of one run: declared keys with their checked values, defaults
 * filled in. Immutable; built by {@link ConfigLoader}. Values are read by key, so a job's code
 * names the {@link ConfigKey} it depends on.
 */
public final class AppConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Object> values;
  private final Map<String, Boolean> secrets;
  private final String source;

  AppConfig(Map<String, Object> values, Map<String, Boolean> secrets, String source) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.secrets = Collections.unmodifiableMap(new TreeMap<>(secrets));
    this.source = source;
  }

  /** Where the configuration came from (the config file path). */
  public String source() {
    return source;
  }

  public boolean isSet(ConfigKey<?> key) {
    return values.get(key.name()) != null;
  }

  /**
   * The value of {@code key}, of the key's type (checked when the config was loaded); fails
   * naming the key when it has no value and no default.
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object v = values.get(key.name());
    if (v == null) {
      throw new ConfigException("config key '" + key.name() + "' is not set (" + key.description()
          + ")");
    }
    return (T) v;
  }

  /** Every set key as {@code key=value}, sorted, secrets masked: what the run logs. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      boolean secret = secrets.getOrDefault(e.getKey(), false);
      lines.add(e.getKey() + "=" + (secret ? "****" : e.getValue()));
    }
    return lines;
  }
}
