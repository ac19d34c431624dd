/**
 * The management API's objects as stored in Redis (SPEC section 6 fields). The API owns them;
 * the edge reads pixels (src/pixels/pixel-document.ts) and advertisers' redirect allowlists.
 */

export interface MemberDocument {
  id: number;
  name: string;
  created_on: string;
  last_modified: string;
}

/**
 * An advertiser as the management API stores it; the edge reads `redirect_domains` (with each
 * pixel) and `append_click_id` (on a click).
 */
export interface AdvertiserDocument {
  id: number;
  code: string | null;
  name: string;
  state: "active" | "inactive";
  member_id: number;
  redirect_domains: string[] | null;
  /** A signed /click appends `pxclid` to its landing URL (SPEC 12); absent in older documents. */
  append_click_id?: boolean;
  created_on: string;
  last_modified: string;
}

export interface LineItemDocument {
  id: number;
  code: string | null;
  name: string;
  state: "active" | "inactive";
  advertiser_id: number;
  member_id: number;
  pixels: Array<{
    id: number;
    state: "active" | "inactive";
    post_click_revenue: number | null;
    post_view_revenue: number | null;
  }>;
  created_on: string;
  last_modified: string;
}

export interface CampaignDocument {
  id: number;
  code: string | null;
  name: string;
  state: "active" | "inactive";
  advertiser_id: number;
  member_id: number;
  line_item_id: number;
  pixels: Array<{ id: number; state: "active" | "inactive" }>;
  created_on: string;
  last_modified: string;
}

/** An API user: a system admin, or a user of one member. */
export interface UserDocument {
  id: number;
  username: string;
  /** A salted scrypt hash (src/api/auth/password.ts), never the password. */
  password_hash: string;
  /** An advertiser user is a member's user that sees one advertiser's reports, and nothing else. */
  user_type: "admin" | "member" | "advertiser";
  /** The member a member or advertiser user belongs to; 0 for a system admin. */
  member_id: number;
  /** An advertiser user's advertiser (Xandr's advertiser users). */
  advertiser_id?: number;
  /** An inactive user cannot log in and its tokens stop working; absent in older documents. */
  state?: "active" | "inactive";
  created_on: string;
  last_modified: string;
}
