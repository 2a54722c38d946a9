package com.community.analytics.common.config;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The set of declared configuration keys: common ones plus those each job declares. */
public final class ConfigSchema {
  private final Map<String, ConfigKey<?>> keys = new TreeMap<>();

  public ConfigSchema add(Collection<ConfigKey<?>> declared) {
    for (ConfigKey<?> key : declared) {
      ConfigKey<?> previous = keys.putIfAbsent(key.name(), key);
      if (previous != null && previous != key) {
        throw new IllegalStateException("config key declared twice: " + key.name());
      }
    }
    return this;
  }

  public ConfigKey<?> get(String name) {
    return keys.get(name);
  }

  /** True when {@code name} is a declared key whose whole YAML subtree is its value. */
  boolean isTree(String name) {
    ConfigKey<?> key = keys.get(name);
    return key != null && key.kind() == ConfigKey.Kind.TREE;
  }

  public Map<String, ConfigKey<?>> keys() {
    return Collections.unmodifiableMap(keys);
  }

  /**
   * Every declared key as a Markdown table (key, kind, default, meaning), sorted by key: the
   * configuration reference of the README, which a test keeps equal to this.
   */
  public String markdownTable() {
    StringBuilder out = new StringBuilder("| key | kind | default | meaning |\n")
        .append("|---|---|---|---|\n");
    for (ConfigKey<?> key : keys.values()) {
      out.append("| `").append(key.name()).append("` | ").append(kindOf(key)).append(" | ")
          .append(cell(defaultOf(key))).append(" | ").append(cell(key.description()))
          .append(" |\n");
    }
    return out.toString();
  }

  /** The kind of a key's values, with what each must be beyond it (e.g. {@code int >= 1}). */
  private static String kindOf(ConfigKey<?> key) {
    String kind = switch (key.kind()) {
      case ENUM -> String.join(" / ", key.allowed());
      case TREE -> key.treeShape();
      case LIST -> "list";
      default -> key.isSecret() ? "secret" : key.kind().name().toLowerCase(java.util.Locale.ROOT);
    };
    return key.requirements().isEmpty() ? kind
        : kind + " " + String.join(" and ", key.requirements());
  }

  private static String defaultOf(ConfigKey<?> key) {
    Object value = key.defaultValue();
    if (value == null) {
      return "—";
    }
    return value instanceof Collection<?> c ? String.join(", ", c.stream()
        .map(String::valueOf).toList()) : String.valueOf(value);
  }

  /** Text as one Markdown table cell: pipes escaped, line breaks folded. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** Fails with a message naming the key when it is not declared. */
  ConfigKey<?> require(String name, String source) {
    ConfigKey<?> key = keys.get(name);
    if (key == null) {
      throw new ConfigException("unknown config key '" + name + "' in " + source);
    }
    return key;
  }
}
