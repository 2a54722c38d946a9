package com.community.analytics.jobs.kpi;

import java.util.Arrays;
import java.util.Optional;

/**
 * The cockpit's KPIs: the name used in {@code gold.kpi_daily} and {@code conf/kpis.yaml}, the
 * unit, and the definition the README and the table's {@code definition} column show. All are
 * per business date; "active" means gold.user_activity_daily.is_active.
 */
public enum Kpi {
  DAU("dau", "members", "members active on the day"),
  MAU("mau", "members", "members active on any of the kpi.mau_days days ending on the day"),
  STICKINESS("stickiness", "ratio", "DAU / MAU"),
  NEW_MEMBERS("new_members", "members", "members who registered on the day"),
  DAY1_RETENTION("day1_retention", "ratio",
      "share of the members who registered the day before who are active on the day"),
  DAY7_RETENTION("day7_retention", "ratio",
      "share of the members who registered 7 days before who are active on the day"),
  INTERACTION_RATE("interaction_rate", "ratio",
      "interactions (kpi.interaction_event_types) / content views"),
  ORIGINALITY_RATE("originality_rate", "ratio", "original posts / posts"),
  PUSH_OPEN_RATE("push_open_rate", "ratio", "push opens / pushes sent"),
  CONVERSION_RATE("conversion_rate", "ratio", "buyers / active members"),
  GMV("gmv", "currency", "purchase amounts, before refunds"),
  ARPU("arpu", "currency", "GMV / active members"),
  COMPLAINTS("complaints", "events", "complaints"),
  COUPON_ROI("coupon_roi", "ratio",
      "GMV of the orders a coupon was redeemed on / their coupon cost (null: no coupon cost)");

  private final String id;
  private final String unit;
  private final String definition;

  Kpi(String id, String unit, String definition) {
    this.id = id;
    this.unit = unit;
    this.definition = definition;
  }

  public String id() {
    return id;
  }

  public String unit() {
    return unit;
  }

  public String definition() {
    return definition;
  }

  public static Optional<Kpi> byId(String id) {
    return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
  }
}
