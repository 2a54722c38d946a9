package com.community.analytics.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.job.JobRunner;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The rooms and doors of DESIGN.md section 3, checked on the compiled main classes of both
 * modules, with no exceptions listed: a capability package under {@code jobs} imports only
 * {@code common} (and libraries), never another capability; {@code common} knows no job; and
 * no two packages anywhere depend on each other in a cycle. Only the entry point ({@link Main},
 * in the root package) sees every capability, to list the jobs.
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
  void theRulesSeeBothModules() {
    assertTrue(MAIN_CLASSES.contain(Main.class) && MAIN_CLASSES.contain(JobRunner.class)
        && MAIN_CLASSES.size() > 150, "classes imported: " + MAIN_CLASSES.size());
    assertFalse(MAIN_CLASSES.contain(ArchitectureTest.class), "tests are not checked");
  }
}
