package com.community.analytics.common.config;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The set of declared configuration keys: common ones plus those each job declares. */
public final class ConfigSchema {
  private final Map<String, ConfigKey> keys = new TreeMap<>();

  public ConfigSchema add(Collection<ConfigKey> declared) {
    for (ConfigKey key : declared) {
      ConfigKey previous = keys.putIfAbsent(key.name(), key);
      if (previous != null && previous != key) {
        throw new IllegalStateException("config key declared twice: " + key.name());
      }
    }
    return this;
  }

  public ConfigKey get(String name) {
    return keys.get(name);
  }

  /** True when {@code name} is a declared key whose whole YAML subtree is its value. */
  boolean isTree(String name) {
    ConfigKey key = keys.get(name);
    return key != null && key.kind() == ConfigKey.Kind.TREE;
  }

  public Map<String, ConfigKey> keys() {
    return Collections.unmodifiableMap(keys);
  }

  /** Fails with a message naming the key when it is not declared. */
  ConfigKey require(String name, String source) {
    ConfigKey key = keys.get(name);
    if (key == null) {
      throw new ConfigException("unknown config key '" + name + "' in " + source);
    }
    return key;
  }
}
