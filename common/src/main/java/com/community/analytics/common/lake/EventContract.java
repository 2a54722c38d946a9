package com.community.analytics.common.lake;

import java.util.List;
import java.util.Set;

/** The raw event contract of design section 4: known types and what each requires. */
public final class EventContract {
  private EventContract() {}

  /** Every event type, in the contract's order (features count them in this order). */
  public static final List<String> EVENT_TYPE_LIST = List.of("register", "login",
      "content_view", "click", "like", "comment", "share", "collect", "post", "checkin", "follow",
      "purchase", "refund", "coupon_redeem", "push_sent", "push_open", "membership_change",
      "complaint", "experiment_exposure");

  public static final Set<String> EVENT_TYPES = Set.copyOf(EVENT_TYPE_LIST);

  /** Types that touch a content item and must name it. */
  public static final Set<String> CONTENT_EVENTS =
      Set.of("content_view", "click", "like", "comment", "share", "collect");

  /** Types that carry money and an order. */
  public static final Set<String> ORDER_EVENTS = Set.of("purchase", "refund");

  public static final String EXPOSURE = "experiment_exposure";

  /** The top-level fields of the contract; any other field is kept in properties. */
  public static final Set<String> FIELDS = Set.of("event_id", "event_time", "user_id",
      "event_type", "session_id", "content_id", "channel", "platform", "amount", "currency",
      "order_id", "experiment_id", "variant", "properties");
}
