package com.community.analytics.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.ModelApi;
import com.community.analytics.jobs.Main;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness reaches the jobs only through their published doors: the entry point's
 * job list ({@link Main#jobs}), the declared config keys (public by nature: a job lists them),
 * and the classes a capability marks {@link ModelApi} (with their nested types). Nothing made
 * public for another reason may be used here, and no exception is listed.
 */
class BenchArchitectureTest {
  private static final String JOBS = "com.community.analytics.jobs";
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("com.community.analytics");

  @Test
  void benchUsesOnlyThePublishedDoorsOfTheJobs() {
    classes().that().resideInAPackage("com.community.analytics.bench..")
        .should(useOnlyPublishedDoors())
        .check(CLASSES);
  }

  /** Fails for a class that depends on a jobs class through anything but a published door. */
  static ArchCondition<JavaClass> useOnlyPublishedDoors() {
    return new ArchCondition<>("use only the published doors of the jobs") {
      @Override
      public void check(JavaClass bench, ConditionEvents events) {
        for (Dependency d : bench.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          if (target.getPackageName().startsWith(JOBS) && !published(target)
              && !readsAConfigKey(d)) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }

  private static boolean published(JavaClass target) {
    for (Optional<JavaClass> c = Optional.of(target); c.isPresent();
        c = c.get().getEnclosingClass()) {
      if (c.get().isAnnotatedWith(ModelApi.class) || c.get().isEquivalentTo(Main.class)) {
        return true;
      }
    }
    return false;
  }

  /** A read of a job's declared config key (a static field of type ConfigKey). */
  private static boolean readsAConfigKey(Dependency d) {
    Set<JavaFieldAccess> reads = d.convertTo(JavaFieldAccess.class);
    return !reads.isEmpty() && reads.stream().allMatch(read -> read.getTarget().resolveMember()
        .map(f -> f.getRawType().isAssignableTo(ConfigKey.class)).orElse(false));
  }
}
