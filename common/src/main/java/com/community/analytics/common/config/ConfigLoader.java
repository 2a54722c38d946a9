package com.community.analytics.common.config;

import com.community.analytics.common.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The one config loader. Reads a YAML file through the Hadoop file system (so {@code s3a://}
 * config paths work), follows its {@code include:} list (files relative to it, loaded first and
 * overridden by the including file), flattens nested maps to dotted keys, checks every key
 * against the {@link ConfigSchema}, applies {@code --set} overrides, and fills defaults.
 *
 * <p>Rules: relative {@code PATH} values in a file are resolved against that file's folder;
 * relative paths given with {@code --set} against the working directory. {@code ${env:NAME}}
 * inside a value is replaced by that environment variable (a missing one is an error), which is
 * how secrets reach the config without being written in it: a secret key written in clear in a
 * file is refused. A key given without a value keeps its default; a key given twice in one file
 * is refused; YAML dates stay text, so a date key is parsed strictly.
 *
 * <p>Every mistake is a {@link ConfigException} whose one-line message names the key, file or
 * environment variable (and, for YAML syntax, the line and column).
 */
public final class ConfigLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final String INCLUDE = "include";

  private final ConfigSchema schema;
  private final Configuration hadoopConf;
  private final Map<String, String> environment;

  public ConfigLoader(ConfigSchema schema, Configuration hadoopConf,
      Map<String, String> environment) {
    this.schema = schema;
    this.hadoopConf = hadoopConf;
    this.environment = environment;
  }

  public ConfigLoader(ConfigSchema schema) {
    this(schema, new Configuration(), System.getenv());
  }

  /** Loads {@code file} and applies {@code overrides} (key=value from {@code --set}). */
  public AppConfig load(String file, Map<String, String> overrides) {
    Map<String, Object> raw = new TreeMap<>();
    readFile(file, raw, new ArrayDeque<>());
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      ConfigKey<?> key = schema.require(e.getKey(), "--set");
      String value = substituteEnv(e.getValue(), key.name());
      raw.put(key.name(), key.kind() == ConfigKey.Kind.PATH ? resolveAgainstWorkingDir(value)
          : value);
    }
    Map<String, Object> values = new TreeMap<>();
    Map<String, Boolean> secrets = new TreeMap<>();
    for (ConfigKey<?> key : schema.keys().values()) {
      Object given = raw.get(key.name());
      Object value = key.convert(given != null ? given : key.defaultValue());
      values.put(key.name(), value);
      secrets.put(key.name(), key.isSecret());
    }
    return new AppConfig(values, secrets, file);
  }

  private void readFile(String file, Map<String, Object> into, Deque<String> chain) {
    Path path = new Path(file);
    if (chain.contains(path.toString())) {
      throw new ConfigException("config include cycle: " + String.join(" -> ", chain) + " -> "
          + path);
    }
    String includedFrom = chain.peek();
    chain.push(path.toString());
    Object doc = parseYaml(path, includedFrom);
    if (doc == null) {
      chain.pop();
      return;
    }
    if (!(doc instanceof Map)) {
      throw new ConfigException("config file " + file + ": expected a map of keys at the top");
    }
    Map<?, ?> top = (Map<?, ?>) doc;
    Object includes = top.get(INCLUDE);
    if (includes != null) {
      if (!(includes instanceof List)) {
        throw new ConfigException("config file " + file + ": 'include' must be a list of files");
      }
      for (Object inc : (List<?>) includes) {
        readFile(resolveAgainst(path.getParent(), inc.toString()), into, chain);
      }
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", top, flat, file);
    for (Map.Entry<String, Object> e : flat.entrySet()) {
      ConfigKey<?> key = schema.require(e.getKey(), file);
      if (key.isSecret() && e.getValue() != null && !(e.getValue() instanceof String
          && ENV_REF.matcher((String) e.getValue()).matches())) {
        throw new ConfigException("config key '" + key.name() + "' is a secret: give it as "
            + "${env:NAME}, not in clear in " + file);
      }
      Object value = e.getValue() instanceof String
          ? substituteEnv((String) e.getValue(), key.name()) : e.getValue();
      // A list or map is no path: left as it is, for the key's check to refuse it.
      if (key.kind() == ConfigKey.Kind.PATH && value != null && !(value instanceof List)
          && !(value instanceof Map)) {
        value = resolveAgainst(path.getParent(), value.toString());
      }
      into.put(key.name(), value);
    }
    chain.pop();
  }

  private Object parseYaml(Path path, String includedFrom) {
    try {
      String text = HadoopFiles.readText(path, hadoopConf);
      return yaml().load(text);
    } catch (FileNotFoundException e) {
      throw new ConfigException("config file not found: " + path
          + (includedFrom == null ? "" : " (included from " + includedFrom + ")"));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark();
      throw new ConfigException("config file " + path + " is not valid YAML"
          + (at == null ? "" : " at line " + (at.getLine() + 1) + ", column "
              + (at.getColumn() + 1)) + ": " + e.getProblem().replace('\n', ' '), e);
    } catch (YAMLException e) {
      throw new ConfigException("config file " + path + " is not valid YAML: "
          + e.getMessage().replace('\n', ' '), e);
    }
  }

  /** Safe YAML that refuses duplicate keys and keeps dates as text (no lenient rollover). */
  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new SafeConstructor(options) {
      {
        yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
      }
    });
  }

  private void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, String file) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = prefix + e.getKey();
      if (prefix.isEmpty() && INCLUDE.equals(name)) {
        continue;
      }
      Object value = e.getValue();
      if (value instanceof Map && !schema.isTree(name)) {
        flatten(name + ".", (Map<?, ?>) value, out, file);
      } else {
        out.put(name, value);
      }
    }
  }

  private String substituteEnv(String value, String keyName) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String env = environment.get(m.group(1));
      if (env == null) {
        throw new ConfigException("config key '" + keyName + "' refers to environment variable "
            + m.group(1) + ", which is not set");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(env));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String resolveAgainst(Path base, String value) {
    if (isAbsoluteOrUri(value) || base == null) {
      return value;
    }
    Path resolved = new Path(base, value);
    if (resolved.toUri().getScheme() == null) {
      return Paths.get(resolved.toUri().getPath()).toAbsolutePath().normalize().toString();
    }
    return URI.create(resolved.toString()).normalize().toString();
  }

  static String resolveAgainstWorkingDir(String value) {
    return isAbsoluteOrUri(value) ? value : Paths.get(value).toAbsolutePath().normalize().toString();
  }

  private static boolean isAbsoluteOrUri(String value) {
    return value.startsWith("/") || value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }
}
