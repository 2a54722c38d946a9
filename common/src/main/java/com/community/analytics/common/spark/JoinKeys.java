package com.community.analytics.common.spark;

import java.util.List;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** Column names as the Scala Seq that {@code Dataset.join(other, usingColumns, type)} takes. */
public final class JoinKeys {
  private JoinKeys() {}

  public static Seq<String> on(String... columns) {
    return JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }
}
