package com.community.analytics.common.spark;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small driver-side date lists as Spark tables, to join against (cutoffs, as-of dates). */
public final class DateFrames {
  private DateFrames() {}

  /** A one-column table {@code column} (DATE) holding {@code dates}, in their order. */
  public static Dataset<Row> of(SparkSession spark, String column, Collection<LocalDate> dates) {
    return spark.createDataFrame(dates.stream().map(d -> RowFactory.create(Date.valueOf(d)))
        .toList(), new StructType().add(column, DataTypes.DateType));
  }
}
