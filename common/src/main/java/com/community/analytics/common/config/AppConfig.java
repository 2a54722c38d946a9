package com.community.analytics.common.config;

import java.io.Serializable;
import java.time.LocalDate;
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

  public boolean isSet(ConfigKey key) {
    return values.get(key.name()) != null;
  }

  public String getString(ConfigKey key) {
    Object v = require(key);
    return v.toString();
  }

  public int getInt(ConfigKey key) {
    return ((Number) require(key)).intValue();
  }

  public long getLong(ConfigKey key) {
    return ((Number) require(key)).longValue();
  }

  public double getDouble(ConfigKey key) {
    return ((Number) require(key)).doubleValue();
  }

  public boolean getBoolean(ConfigKey key) {
    return (Boolean) require(key);
  }

  public LocalDate getDate(ConfigKey key) {
    Object v = require(key);
    return v instanceof LocalDate ? (LocalDate) v : LocalDate.parse(v.toString());
  }

  /** A declared LIST value: its names, in order. */
  @SuppressWarnings("unchecked")
  public List<String> getList(ConfigKey key) {
    return (List<String>) require(key);
  }

  /** A declared TREE value: a YAML list or map, kept as loaded. */
  public Object getTree(ConfigKey key) {
    return require(key);
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

  private Object require(ConfigKey key) {
    Object v = values.get(key.name());
    if (v == null) {
      throw new ConfigException("config key '" + key.name() + "' is not set (" + key.description()
          + ")");
    }
    return v;
  }
}
