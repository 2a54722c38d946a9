package com.community.analytics.common.config;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One declared configuration key: its dotted name, kind, default and description. Every key a
 * config file or {@code --set} may use is declared once, by {@code common} or by the job that
 * reads it, so a misspelt key fails fast instead of being ignored.
 */
public final class ConfigKey {

  /** The kinds of value a key holds; each knows how to check a raw value. */
  public enum Kind {
    STRING, INT, LONG, DOUBLE, BOOLEAN, DATE, ZONE, PATH, ENUM,
    /** A non-empty list of names: a YAML list, or comma-separated in {@code --set}. */
    LIST,
    /** A YAML list or map kept whole (e.g. rule tables), validated by the job that reads it. */
    TREE
  }

  private final String name;
  private final Kind kind;
  private final Object defaultValue;
  private final String description;
  private final boolean secret;
  private final List<String> allowed;
  /** The smallest value a numeric key accepts; null: any. */
  private final Long minimum;

  private ConfigKey(String name, Kind kind, Object defaultValue, String description,
      boolean secret, List<String> allowed) {
    this(name, kind, defaultValue, description, secret, allowed, null);
  }

  private ConfigKey(String name, Kind kind, Object defaultValue, String description,
      boolean secret, List<String> allowed, Long minimum) {
    this.name = Objects.requireNonNull(name);
    this.kind = Objects.requireNonNull(kind);
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description);
    this.secret = secret;
    this.allowed = allowed;
    this.minimum = minimum;
  }

  public static ConfigKey string(String name, String defaultValue, String description) {
    return new ConfigKey(name, Kind.STRING, defaultValue, description, false, List.of());
  }

  public static ConfigKey secret(String name, String description) {
    return new ConfigKey(name, Kind.STRING, null, description, true, List.of());
  }

  public static ConfigKey integer(String name, Integer defaultValue, String description) {
    return new ConfigKey(name, Kind.INT, defaultValue, description, false, List.of());
  }

  public static ConfigKey longValue(String name, Long defaultValue, String description) {
    return new ConfigKey(name, Kind.LONG, defaultValue, description, false, List.of());
  }

  public static ConfigKey decimal(String name, Double defaultValue, String description) {
    return new ConfigKey(name, Kind.DOUBLE, defaultValue, description, false, List.of());
  }

  public static ConfigKey bool(String name, Boolean defaultValue, String description) {
    return new ConfigKey(name, Kind.BOOLEAN, defaultValue, description, false, List.of());
  }

  public static ConfigKey date(String name, String defaultValue, String description) {
    return new ConfigKey(name, Kind.DATE, defaultValue, description, false, List.of());
  }

  public static ConfigKey zone(String name, String defaultValue, String description) {
    return new ConfigKey(name, Kind.ZONE, defaultValue, description, false, List.of());
  }

  public static ConfigKey path(String name, String defaultValue, String description) {
    return new ConfigKey(name, Kind.PATH, defaultValue, description, false, List.of());
  }

  public static ConfigKey oneOf(String name, String defaultValue, String description,
      String... allowed) {
    return new ConfigKey(name, Kind.ENUM, defaultValue, description, false, List.of(allowed));
  }

  public static ConfigKey list(String name, List<String> defaultValue, String description) {
    return new ConfigKey(name, Kind.LIST, defaultValue, description, false, List.of());
  }

  public static ConfigKey tree(String name, String description) {
    return new ConfigKey(name, Kind.TREE, null, description, false, List.of());
  }

  /**
   * This numeric key, accepting only values of at least {@code min}: a count or period of zero
   * days would otherwise fail deep inside a job (exit 1) instead of at loading (exit 2).
   */
  public ConfigKey atLeast(long min) {
    if (kind != Kind.INT && kind != Kind.LONG && kind != Kind.DOUBLE) {
      throw new IllegalArgumentException(name + " is not numeric");
    }
    return new ConfigKey(name, kind, defaultValue, description, secret, allowed, min);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public boolean isSecret() {
    return secret;
  }

  public List<String> allowed() {
    return allowed;
  }

  /**
   * Checks a raw value (from YAML or a {@code --set} string) and converts it to this key's Java
   * type, failing with a message that names the key.
   */
  Object convert(Object raw) {
    if (raw == null) {
      return null;
    }
    if (kind == Kind.TREE) {
      if (raw instanceof List || raw instanceof java.util.Map) {
        return raw;
      }
      throw invalid(raw, "a list or a map");
    }
    if (kind == Kind.LIST) {
      return names(raw);
    }
    if (raw instanceof List || raw instanceof java.util.Map) {
      throw invalid(raw, expected());
    }
    String text = raw.toString().trim();
    try {
      switch (kind) {
        case STRING:
        case PATH:
          return text;
        case INT:
          return checkMinimum(raw, Integer.parseInt(text));
        case LONG:
          return checkMinimum(raw, Long.parseLong(text));
        case DOUBLE:
          return checkMinimum(raw, Double.parseDouble(text));
        case BOOLEAN:
          if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
          }
          throw invalid(raw, expected());
        case DATE:
          return LocalDate.parse(text);
        case ZONE:
          ZoneId.of(text);
          return text;
        case ENUM:
          String lower = text.toLowerCase(Locale.ROOT);
          if (allowed.contains(lower)) {
            return lower;
          }
          throw invalid(raw, expected());
        default:
          throw new IllegalStateException("unhandled kind " + kind);
      }
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw invalid(raw, expected());
    }
  }

  private List<String> names(Object raw) {
    List<?> items = raw instanceof List ? (List<?>) raw
        : raw instanceof java.util.Map ? null : List.of(raw.toString().split(",", -1));
    if (items == null || items.isEmpty()) {
      throw invalid(raw, expected());
    }
    List<String> names = new java.util.ArrayList<>();
    for (Object item : items) {
      if (item == null || item instanceof List || item instanceof java.util.Map
          || item.toString().isBlank()) {
        throw invalid(raw, expected());
      }
      names.add(item.toString().trim());
    }
    return List.copyOf(names);
  }

  private <N extends Number> N checkMinimum(Object raw, N value) {
    if (minimum != null && value.doubleValue() < minimum) {
      throw invalid(raw, expected());
    }
    return value;
  }

  private String expected() {
    switch (kind) {
      case INT:
      case LONG:
        return "an integer" + (minimum == null ? "" : " >= " + minimum);
      case DOUBLE:
        return "a number" + (minimum == null ? "" : " >= " + minimum);
      case BOOLEAN:
        return "true or false";
      case DATE:
        return "a date YYYY-MM-DD";
      case ZONE:
        return "a time-zone id such as Asia/Shanghai";
      case ENUM:
        return "one of " + String.join(", ", allowed);
      case LIST:
        return "a non-empty list of names";
      default:
        return "a single value";
    }
  }

  private ConfigException invalid(Object raw, String expected) {
    return new ConfigException("config key '" + name + "': expected " + expected + ", got '"
        + (secret ? "****" : raw) + "'");
  }
}
