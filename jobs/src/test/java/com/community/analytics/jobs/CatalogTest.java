package com.community.analytics.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalog derived from the jobs is complete: every {@link TableSpec} constant declared in the
 * jar (found by scanning the classes of both modules) is owned by exactly one job, and every
 * table with a member id column says how erasure treats it.
 */
class CatalogTest {
  private static final Catalog CATALOG = Main.catalog();

  /** Every static TableSpec field of every class of the jobs and common modules. */
  private static TreeMap<String, String> declaredTables() throws Exception {
    TreeMap<String, String> found = new TreeMap<>();
    for (Class<?> anchor : List.of(Main.class, SilverTables.class)) {
      for (String className : classNames(anchor)) {
        Class<?> c = Class.forName(className, false, anchor.getClassLoader());
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) && f.getType() == TableSpec.class) {
            f.setAccessible(true);
            TableSpec spec = (TableSpec) f.get(null);
            String previous = found.put(spec.name(), c.getSimpleName() + "." + f.getName());
            assertEquals(null, previous, spec.name() + " declared twice");
          }
        }
      }
    }
    return found;
  }

  /** The classes of the folder or jar {@code anchor} was loaded from. */
  private static List<String> classNames(Class<?> anchor) throws IOException,
      URISyntaxException {
    Path source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(source)) {
      try (Stream<Path> files = Files.walk(source)) {
        files.filter(p -> p.toString().endsWith(".class"))
            .forEach(p -> names.add(className(source.relativize(p).toString())));
      }
    } else {
      try (JarFile jar = new JarFile(source.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          String name = e.nextElement().getName();
          if (name.endsWith(".class") && name.startsWith("com/community/")) {
            names.add(className(name));
          }
        }
      }
    }
    return names;
  }

  private static String className(String file) {
    return file.substring(0, file.length() - ".class".length()).replace('/', '.')
        .replace('\\', '.');
  }

  @Test
  void everyDeclaredTableIsInTheCatalogOnce() throws Exception {
    TreeMap<String, String> declared = declaredTables();
    assertTrue(declared.size() >= 26, "the scan found the tables: " + declared);
    assertTrue(declared.containsKey("ops.erasure_log") && declared.containsKey("ops.job_runs"),
        declared.toString());
    List<String> names = CATALOG.names();
    assertEquals(names.size(), new TreeSet<>(names).size(), "no table listed twice: " + names);
    TreeMap<String, String> missing = new TreeMap<>(declared);
    missing.keySet().removeAll(names);
    assertEquals(Map.of(), missing, "TableSpecs declared in the jar but owned by no job");
    assertEquals(declared.keySet(), new TreeSet<>(names),
        "the jobs' tables vs the declared tables");
  }

  @Test
  void aTableDeclaredByTwoOwnersFailsTheCatalog() {
    Catalog.Table events = CATALOG.find("silver.events").orElseThrow();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Catalog.of(List.of(events, Catalog.aggregate(events.spec()))));
    assertEquals("table silver.events is declared by two owners", e.getMessage());
  }

  @Test
  void everyTableWithAMemberIdColumnSaysHowErasureTreatsIt() {
    for (Catalog.Table t : CATALOG.all()) {
      boolean memberColumn = Stream.of(t.spec().schema().fieldNames())
          .anyMatch(c -> c.matches("(user|author|member)_id"));
      if (memberColumn) {
        assertTrue(t.holdsMembers(), t.name() + " has a member id column but no erasure rule");
      }
    }
    assertEquals(List.of("silver.events", "silver.users", "silver.content", "ops.quarantine",
        "gold.user_activity_daily", "gold.user_state", "gold.user_ltv", "gold.user_tags",
        "ml.churn_training_set", "gold.churn_scores", "gold.retention_actions",
        "gold.attribution_credits"), CATALOG.memberTables().stream().map(Catalog.Table::name)
        .toList());
    assertEquals(Catalog.Erasure.NULL_REFERENCE,
        CATALOG.find("silver.content").orElseThrow().member().erasure());
    assertFalse(CATALOG.find("gold.kpi_daily").orElseThrow().holdsMembers());
    Set<String> silverFirst = Set.of("silver.events", "silver.users", "silver.content");
    assertTrue(silverFirst.contains(CATALOG.all().get(0).name()));
  }
}
