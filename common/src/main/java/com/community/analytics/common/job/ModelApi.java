package com.community.analytics.common.job;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as its capability's published model core: public so that code outside the
 * capability (the benchmark harness) can run the model alone, on data it made, without the
 * job around it. Such a class states its inputs, outputs and cost in its Javadoc and keeps its
 * public methods stable. Everything else public in a capability package is public for the
 * runner (a {@link Job}) or for the package's own tests, not for other code to call; the bench
 * module's architecture test holds it to that.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ModelApi {}
