/** Rule constants from Xandr's pixel service (SPEC sections 4 and 6). */
export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

export const MAX_POST_VIEW_MINS = 43_200; // 30 days
export const MAX_POST_CLICK_MINS = 129_600; // 90 days
export const MAX_MIN_MINUTES_PER_CONV = 32_767;

/** An order_id counted once is not counted again for this long. */
export const ORDER_ID_MEMORY_MS = 90 * DAY_MS;

/**
 * A browser fire and a server event with the same event_id count once within this long of
 * each other (SPEC 12), whichever came first.
 */
export const EVENT_ID_MEMORY_MS = 2 * DAY_MS;

/** Touch history per user and advertiser: at most this many of the newest are kept… */
export const TOUCH_HISTORY_MAX_COUNT = 200;
/** …and none older than this. */
export const TOUCH_HISTORY_MAX_AGE_MS = 90 * DAY_MS;

/** How long a user's repeat state (last counted conversion, order ids) outlives its last write. */
export const REPEAT_STATE_TTL_MS = 90 * DAY_MS;
