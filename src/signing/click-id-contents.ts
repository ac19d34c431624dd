/** What a click id carries (SPEC 12): enough to credit its click with nothing stored. */
export interface ClickIdContents {
  advertiser_id: number;
  line_item_id: number;
  campaign_id: number | null;
  creative_id: number | null;
  /** When the click happened, epoch milliseconds. */
  ts: number;
  /** The `uuid2` user the click was recorded under, or null. */
  user_id: string | null;
}
