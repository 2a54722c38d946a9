package com.community.analytics.common.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Binds a key's YAML subtree (maps, lists and scalars as SnakeYAML loaded them) into a typed
 * value with Jackson: snake_case field names, every field of a record required, no unknown
 * field, no null (in a map or list either), no number where text belongs, no fraction where a
 * whole number belongs. A failure is a {@link ConfigException} naming
 * the path, e.g. {@code tags.lifecycle.dormant_dayz}; a record's compact constructor may throw
 * a {@link ConfigException} for what relates its fields, and is reported under its path.
 */
final class ConfigTrees {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
      .withCoercionConfig(LogicalType.Textual, text -> text
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private ConfigTrees() {}

  static <T> T bind(String key, Object tree, TypeReference<T> type) {
    try {
      return MAPPER.convertValue(tree, type);
    } catch (IllegalArgumentException e) {
      throw failure(key, tree, e.getCause() instanceof JsonMappingException m ? m : null, e);
    }
  }

  private static ConfigException failure(String key, Object tree, JsonMappingException e,
      RuntimeException outer) {
    if (e == null) {
      return new ConfigException("config key '" + key + "': " + outer.getMessage());
    }
    String path = key + path(e.getPath());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConfigException rule) {
        return new ConfigException("config key '" + rule.pathUnder(path) + "': "
            + rule.getMessage(), rule);
      }
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return new ConfigException("config key '" + path + "': unknown field; known fields: "
          + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
          .collect(Collectors.joining(", ")), e);
    }
    String problem;
    if (e.getOriginalMessage().startsWith("Missing creator property")) {
      problem = "missing";
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      problem = "expected " + describe(m.getTargetType())
          + valueAt(tree, e.getPath()).map(v -> ", got '" + v + "'").orElse("");
    } else {
      problem = e.getOriginalMessage();
    }
    return new ConfigException("config key '" + path + "': " + problem, e);
  }

  /** The raw value at {@code refs} of the tree being bound, if there is one. */
  private static Optional<Object> valueAt(Object tree,
      List<JsonMappingException.Reference> refs) {
    Object at = tree;
    for (JsonMappingException.Reference r : refs) {
      if (at instanceof Map<?, ?> map && r.getFieldName() != null) {
        at = map.get(r.getFieldName());
      } else if (at instanceof List<?> list && r.getIndex() >= 0 && r.getIndex() < list.size()) {
        at = list.get(r.getIndex());
      } else {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(at);
  }

  /** How a message names a type: "a number", "text", "a list", "a map". */
  private static String describe(Class<?> type) {
    if (type == int.class || type == long.class || type == Integer.class
        || type == Long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a map";
  }

  /** {@code .a.b[2].c} of a Jackson reference path. */
  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        out.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
