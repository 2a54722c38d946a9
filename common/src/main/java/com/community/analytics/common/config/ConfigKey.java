package com.community.analytics.common.config;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One declared configuration key of values of type {@code T}: its dotted name, kind, default,
 * description and the checks a value must pass. Every key a config file or {@code --set} may use
 * is declared once, by {@code common} or by the job that reads it, so a misspelt key or a bad
 * value fails when the config is loaded (exit 2, naming the key) instead of deep inside a job.
 * A {@link Kind#TREE} key binds its YAML subtree into a record with Jackson ({@link
 * ConfigTrees}), rejecting unknown fields by their path.
 */
public final class ConfigKey<T> {

  /** The kinds of value a key holds; each knows how to check a raw value. */
  public enum Kind {
    STRING, INT, LONG, DOUBLE, BOOLEAN, DATE, TIME, ZONE, PATH, ENUM,
    /** A non-empty list of names: a YAML list, or comma-separated in {@code --set}. */
    LIST,
    /** A YAML list or map bound into a typed value (a record) when loaded. */
    TREE
  }

  /**
   * A check a value must pass, and how the error message states it (e.g. {@code >= 1}); or,
   * with no requirement, a rule that throws a {@link ConfigException} saying what is wrong.
   */
  private record Check<T>(Predicate<? super T> ok, String requirement) {}

  private final String name;
  private final Kind kind;
  private final Object defaultValue;
  private final String description;
  private final boolean secret;
  private final List<String> allowed;
  private final List<Check<T>> checks;
  /** The type a TREE key's subtree is bound into; null for the other kinds. */
  private final TypeReference<T> treeType;

  private ConfigKey(String name, Kind kind, Object defaultValue, String description,
      boolean secret, List<String> allowed, List<Check<T>> checks, TypeReference<T> treeType) {
    this.name = Objects.requireNonNull(name);
    this.kind = Objects.requireNonNull(kind);
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description);
    this.secret = secret;
    this.allowed = allowed;
    this.checks = checks;
    this.treeType = treeType;
  }

  private static <T> ConfigKey<T> of(String name, Kind kind, Object defaultValue,
      String description) {
    return new ConfigKey<>(name, kind, defaultValue, description, false, List.of(), List.of(),
        null);
  }

  public static ConfigKey<String> string(String name, String defaultValue, String description) {
    return of(name, Kind.STRING, defaultValue, description);
  }

  public static ConfigKey<String> secret(String name, String description) {
    return new ConfigKey<>(name, Kind.STRING, null, description, true, List.of(), List.of(),
        null);
  }

  public static ConfigKey<Integer> integer(String name, Integer defaultValue,
      String description) {
    return of(name, Kind.INT, defaultValue, description);
  }

  public static ConfigKey<Long> longValue(String name, Long defaultValue, String description) {
    return of(name, Kind.LONG, defaultValue, description);
  }

  public static ConfigKey<Double> decimal(String name, Double defaultValue, String description) {
    return of(name, Kind.DOUBLE, defaultValue, description);
  }

  public static ConfigKey<Boolean> bool(String name, Boolean defaultValue, String description) {
    return of(name, Kind.BOOLEAN, defaultValue, description);
  }

  public static ConfigKey<LocalDate> date(String name, String defaultValue, String description) {
    return of(name, Kind.DATE, defaultValue, description);
  }

  /** A local time of day, {@code HH:MM}. */
  public static ConfigKey<LocalTime> time(String name, String defaultValue, String description) {
    return of(name, Kind.TIME, defaultValue, description);
  }

  public static ConfigKey<String> zone(String name, String defaultValue, String description) {
    return of(name, Kind.ZONE, defaultValue, description);
  }

  public static ConfigKey<String> path(String name, String defaultValue, String description) {
    return of(name, Kind.PATH, defaultValue, description);
  }

  public static ConfigKey<String> oneOf(String name, String defaultValue, String description,
      String... allowed) {
    return new ConfigKey<>(name, Kind.ENUM, defaultValue, description, false, List.of(allowed),
        List.of(), null);
  }

  public static ConfigKey<List<String>> list(String name, List<String> defaultValue,
      String description) {
    return of(name, Kind.LIST, defaultValue, description);
  }

  /**
   * A key whose YAML subtree is bound into {@code type} (usually a record, whose compact
   * constructor checks what relates its fields): field names in snake_case, every field
   * required, an unknown field an error naming its path.
   */
  public static <T> ConfigKey<T> tree(String name, String description, TypeReference<T> type) {
    return new ConfigKey<>(name, Kind.TREE, null, description, false, List.of(), List.of(),
        Objects.requireNonNull(type));
  }

  /** As {@link #tree(String, String, TypeReference)} for a type without type parameters. */
  public static <T> ConfigKey<T> tree(String name, String description, Class<T> type) {
    return tree(name, description, new TypeReference<T>() {
      @Override
      public java.lang.reflect.Type getType() {
        return type;
      }
    });
  }

  /** This key, accepting only values that pass {@code ok}, stated as {@code requirement}. */
  public ConfigKey<T> check(Predicate<? super T> ok, String requirement) {
    List<Check<T>> more = new ArrayList<>(checks);
    more.add(new Check<>(ok, requirement));
    return new ConfigKey<>(name, kind, defaultValue, description, secret, allowed,
        List.copyOf(more), treeType);
  }

  /**
   * This key, accepting only values {@code rule} accepts: the rule throws a {@link
   * ConfigException} saying what is wrong, made with {@link ConfigException#at} to name the
   * field (e.g. {@code at("gmvv", "no such KPI")}). For checks across a tree's entries.
   */
  public ConfigKey<T> validate(java.util.function.Consumer<? super T> rule) {
    return check(v -> {
      rule.accept(v);
      return true;
    }, null);
  }

  /**
   * This numeric key, accepting only values of at least {@code min}: a count or period of zero
   * days would otherwise fail deep inside a job (exit 1) instead of at loading (exit 2).
   */
  public ConfigKey<T> atLeast(long min) {
    if (kind != Kind.INT && kind != Kind.LONG && kind != Kind.DOUBLE) {
      throw new IllegalArgumentException(name + " is not numeric");
    }
    return check(v -> ((Number) v).doubleValue() >= min, ">= " + min);
  }

  /** This numeric key, accepting only values from {@code min} to {@code max}. */
  public ConfigKey<T> between(double min, double max) {
    if (kind != Kind.INT && kind != Kind.LONG && kind != Kind.DOUBLE) {
      throw new IllegalArgumentException(name + " is not numeric");
    }
    return check(v -> ((Number) v).doubleValue() >= min && ((Number) v).doubleValue() <= max,
        "from " + plain(min) + " to " + plain(max));
  }

  /** This text key, accepting only values that are not blank. */
  public ConfigKey<T> nonEmpty() {
    return check(v -> !v.toString().isBlank(), "not empty");
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

  /** For a TREE key, what its YAML value is: {@code list} or {@code map}; else null. */
  public String treeShape() {
    if (treeType == null) {
      return null;
    }
    java.lang.reflect.Type t = treeType.getType();
    Class<?> raw = t instanceof java.lang.reflect.ParameterizedType p ? (Class<?>) p.getRawType()
        : (Class<?>) t;
    return List.class.isAssignableFrom(raw) ? "list" : "map";
  }

  /** What every value must be beyond its kind, e.g. {@code >= 1}; empty when nothing. */
  public List<String> requirements() {
    return checks.stream().map(Check::requirement).filter(Objects::nonNull).toList();
  }

  /**
   * Checks a raw value (from YAML or a {@code --set} string) and converts it to this key's Java
   * type, failing with a message that names the key.
   */
  T convert(Object raw) {
    if (raw == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T value = kind == Kind.TREE ? ConfigTrees.bind(name, raw, treeType) : (T) parse(raw);
    for (Check<T> check : checks) {
      boolean ok;
      try {
        ok = check.ok().test(value);
      } catch (ConfigException e) {
        throw new ConfigException("config key '" + e.pathUnder(name) + "': " + e.getMessage(),
            e);
      } catch (RuntimeException e) {
        if (check.requirement() == null) {
          throw e; // a validate rule that fails by accident is a bug, not a bad value
        }
        ok = false;
      }
      if (!ok) {
        throw invalid(raw, expected());
      }
    }
    return value;
  }

  private Object parse(Object raw) {
    if (kind == Kind.LIST) {
      return names(raw);
    }
    if (raw instanceof List || raw instanceof Map) {
      throw invalid(raw, expected());
    }
    String text = raw.toString().trim();
    try {
      switch (kind) {
        case STRING:
        case PATH:
          return text;
        case INT:
          return Integer.parseInt(text);
        case LONG:
          return Long.parseLong(text);
        case DOUBLE:
          return Double.parseDouble(text);
        case BOOLEAN:
          if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
          }
          throw invalid(raw, expected());
        case DATE:
          return LocalDate.parse(text);
        case TIME:
          return LocalTime.parse(text);
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
        : raw instanceof Map ? null : List.of(raw.toString().split(",", -1));
    if (items == null || items.isEmpty()) {
      throw invalid(raw, expected());
    }
    List<String> names = new ArrayList<>();
    for (Object item : items) {
      if (item == null || item instanceof List || item instanceof Map
          || item.toString().isBlank()) {
        throw invalid(raw, expected());
      }
      names.add(item.toString().trim());
    }
    return List.copyOf(names);
  }

  private String expected() {
    String base = switch (kind) {
      case INT, LONG -> "an integer";
      case DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
      case DATE -> "a date YYYY-MM-DD";
      case TIME -> "a time HH:MM";
      case ZONE -> "a time-zone id such as Asia/Shanghai";
      case ENUM -> "one of " + String.join(", ", allowed);
      case LIST -> "a non-empty list of names";
      case TREE -> "a " + treeShape();
      default -> "a single value";
    };
    return requirements().isEmpty() ? base : base + " " + String.join(" and ", requirements());
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private ConfigException invalid(Object raw, String expected) {
    return new ConfigException("config key '" + name + "': expected " + expected + ", got '"
        + (secret ? "****" : raw) + "'");
  }
}
