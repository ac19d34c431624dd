import { conversionRevenue, creditedTouch } from "./credit.js";
import { ineligibility } from "./eligibility.js";
import { repeatRefusal } from "./repeat-rule.js";
import type { Decision, Fire, PixelRules, RepeatState, Touch } from "./types.js";

export interface AttributionInput {
  pixel: PixelRules;
  /**
   * The user's touches, in any order; other advertisers' touches are ignored. The fire's
   * `click` (from a click id) competes with them as one more.
   */
  touches: readonly Touch[];
  state: RepeatState;
  fire: Fire;
}

/**
 * Decides one fire under SPEC section 4. Pure: no I/O, no clock (the fire carries its time).
 *
 * @example attribute({ pixel, touches: [], state: EMPTY_REPEAT_STATE, fire }).reason // "no_touch"
 */
export function attribute({ pixel, touches, state, fire }: AttributionInput): Decision {
  const unattributed = ineligibility(pixel, fire);
  if (unattributed) return { attributed: false, counted: false, reason: unattributed };
  const credit = creditedTouch(pixel, touches, fire);
  if (!credit) return { attributed: false, counted: false, reason: "no_touch" };
  const refusal = repeatRefusal(pixel, state, fire);
  if (refusal) return { attributed: true, counted: false, reason: refusal, credit };
  const revenue = conversionRevenue(pixel, credit.conversion_type, fire);
  return { attributed: true, counted: true, reason: "counted", credit, revenue };
}

export const EMPTY_REPEAT_STATE: RepeatState = {
  last_conversion_ts: null,
  order_ids: new Map(),
  event_ids: new Map(),
};
