package com.community.analytics.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.job.JobRunner;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rooms and doors of DESIGN.md section 3, checked on the compiled main classes of both
 * modules, with no exceptions listed: a capability package under {@code jobs} imports only
 * {@code common} (and libraries), never another capability; {@code common} knows no job; and
 * no two packages anywhere depend on each other in a cycle. Only the entry point ({@link Main},
 * in the root package) sees every capability, to list the jobs. And the rooms stay small: no
 * method of the main code is longer than sixty lines.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      // common's test fixtures reach this module as a jar (common-<version>-tests.jar)
      .withImportOption(location -> !location.contains("-tests.jar"))
      .importPackages("com.community.analytics");

  @Test
  void capabilitiesDoNotImportEachOther() {
    slices().matching("com.community.analytics.jobs.(*)..")
        .should().notDependOnEachOther()
        .check(MAIN_CLASSES);
  }

  @Test
  void commonKnowsNoJob() {
    noClasses().that().resideInAPackage("com.community.analytics.common..")
        .should().dependOnClassesThat().resideInAPackage("com.community.analytics.jobs..")
        .check(MAIN_CLASSES);
  }

  @Test
  void noPackageCycles() {
    slices().matching("com.community.analytics.(**)")
        .should().beFreeOfCycles()
        .check(MAIN_CLASSES);
  }

  @Test
  void noMethodOfTheMainCodeIsLongerThanSixtyLines() throws IOException {
    List<String> tooLong = new ArrayList<>();
    for (Path root : List.of(Path.of("src/main/java"), Path.of("../common/src/main/java"))) {
      assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " (tests run in jobs/)");
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          tooLong.addAll(methodsLongerThan(MAX_METHOD_LINES, file));
        }
      }
    }
    assertEquals(List.of(), tooLong, "split these into named steps");
  }

  @Test
  void theLengthRuleFindsALongMethod(@TempDir Path tmp) throws IOException {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < MAX_METHOD_LINES; i++) {
      body.append("    step(").append(i).append(");\n");
    }
    Path file = tmp.resolve("Long.java");
    Files.writeString(file, "class Long {\n  private static void run(int a,\n      int b) {\n"
        + body + "  }\n\n  record Point(int x, int y) {}\n\n  void step(int i) {}\n}\n");
    assertEquals(List.of(file + ":2 run: " + (MAX_METHOD_LINES + 3) + " lines"),
        methodsLongerThan(MAX_METHOD_LINES, file));
  }

  private static final int MAX_METHOD_LINES = 60;
  /** A method or constructor declaration: modifiers, type parameters, return type, name, "(". */
  private static final Pattern DECLARATION = Pattern.compile(
      "^(\\s+)(?:@\\w+(?:\\([^)]*\\))?\\s+)*"
      + "(?:(?:public|private|protected|static|final|synchronized|abstract|default)\\s+)*"
      + "(?:<[^>]+>\\s+)?(?:\\w[\\w<>\\[\\],.? ]*?\\s+)?(\\w+)\\s*\\(");
  private static final Pattern NOT_A_METHOD = Pattern.compile(
      "\\b(class|record|interface|enum|new|return|throw|else|if|for|while|switch|try|catch)\\b"
      + "|=");

  /**
   * The methods of a source file (Google style: a method's closing brace at its declaration's
   * indent) longer than {@code limit} lines from declaration to closing brace, as "file:line
   * name: n lines".
   */
  static List<String> methodsLongerThan(int limit, Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = DECLARATION.matcher(line);
      String head = line.split("\\(", 2)[0];
      if (!m.find() || NOT_A_METHOD.matcher(head).find() || line.strip().startsWith("*")
          || line.strip().startsWith("//")) {
        continue;
      }
      int open = i;
      while (open < lines.size() && !lines.get(open).matches(".*[{;}]\\s*$")) {
        open++;
      }
      if (open == lines.size() || !lines.get(open).stripTrailing().endsWith("{")) {
        continue;
      }
      String close = m.group(1) + "}";
      int end = open + 1;
      while (end < lines.size() && !lines.get(end).equals(close)) {
        end++;
      }
      if (end - i + 1 > limit) {
        found.add(file + ":" + (i + 1) + " " + m.group(2) + ": " + (end - i + 1) + " lines");
      }
      i = end;
    }
    return found;
  }

  @Test
  void theRulesSeeBothModules() {
    assertTrue(MAIN_CLASSES.contain(Main.class) && MAIN_CLASSES.contain(JobRunner.class)
        && MAIN_CLASSES.size() > 150, "classes imported: " + MAIN_CLASSES.size());
    assertFalse(MAIN_CLASSES.contain(ArchitectureTest.class), "tests are not checked");
  }
}
