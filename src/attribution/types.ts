/** A recorded impression or click of one user, as SPEC section 3 defines it. */
export interface Touch {
  type: "imp" | "click";
  user_id: string;
  advertiser_id: number;
  line_item_id: number;
  campaign_id: number | null;
  creative_id: number | null;
  /** Epoch milliseconds. */
  ts: number;
}

export type TriggerType = "view" | "click" | "hybrid";

/** The fields of a pixel that the attribution rules read (SPEC section 4). */
export interface PixelRules {
  state: "active" | "inactive";
  advertiser_id: number;
  trigger_type: TriggerType;
  min_minutes_per_conv: number | null;
  post_view_expire_mins: number | null;
  post_click_expire_mins: number | null;
  post_view_value: number | null;
  post_click_value: number | null;
  /** Attached line items; `state` is the association's state. */
  line_items: ReadonlyArray<{ id: number; state: "active" | "inactive" }> | null;
}

/** One pixel fire as the attribution rules see it. */
export interface Fire {
  /** `"0"` when the browser had no cookie, `"-1"` when opted out. */
  user_id: string;
  /** Epoch milliseconds. */
  ts: number;
  order_id: string | null;
  value: number | null;
  /**
   * The click a valid click id names (`pxclid`, `sspdata`, `click_id`, SPEC 12): one more
   * candidate, competing with the stored touches under the same rules. Absent: none.
   */
  click?: Touch | null;
  /** The conversion's own id, shared by a browser fire and a server event (SPEC 12). */
  event_id?: string | null;
}

/** What earlier counted conversions of this user on this pixel left behind. */
export interface RepeatState {
  /** Time of the most recent counted conversion, or null when none was counted. */
  last_conversion_ts: number | null;
  /** order_id → time it was counted. */
  order_ids: ReadonlyMap<string, number>;
  /** event_id → time it was counted. */
  event_ids: ReadonlyMap<string, number>;
}

export type UnattributedReason = "unknown_user" | "inactive_pixel" | "no_line_item" | "no_touch";
export type UncountedReason =
  | "duplicate_event"
  | "duplicate_order"
  | "repeat_user"
  | "repeat_interval";

export interface Credit {
  conversion_type: "click" | "view";
  touch: Touch;
}

/** The outcome of one fire: a value, never an exception. */
export type Decision =
  | { attributed: false; counted: false; reason: UnattributedReason }
  | { attributed: true; counted: false; reason: UncountedReason; credit: Credit }
  | { attributed: true; counted: true; reason: "counted"; credit: Credit; revenue: number | null };

export type DecisionReason = Decision["reason"];
