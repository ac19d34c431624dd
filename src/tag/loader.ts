/**
 * The queue-style tag loader served at `/tag.js` (SPEC section 9), compiled for browsers by
 * scripts/build-tag.ts. It runs inside advertisers' pages, so nothing here may throw into them:
 * every call is handled on its own and a bad one is dropped.
 *
 *   window.pxq = window.pxq || [];
 *   pxq.push(["conv", 37, { value: 49.9, order_id: "A-1001", other: "spring" }]);
 *   pxq.push(["conv", "thank-you", { member: 958 }]);   // by pixel code
 *
 * A `pxclid` in the page's URL (a click id the edge's /click appended, SPEC 12) is kept in the
 * first-party cookie `_pxclid` on the page's own site for 90 days and sent with every fire, so
 * a conversion pages later is credited to the click without any third-party cookie. It is
 * kept and sent only when fires may be: with TCF consent, and never under Global Privacy
 * Control.
 */

type Call = unknown;

/** The part of the IAB TCF v2 `TCData` the loader reads. */
interface TcData {
  eventStatus?: string;
  gdprApplies?: boolean;
  listenerId?: number;
  purpose?: { consents?: Record<string, boolean> };
}

type TcfApi = (
  command: string,
  version: number,
  callback: (data: TcData, success: boolean) => void,
  parameter?: unknown,
) => void;

interface TagWindow {
  pxq?: Call[] | { push(...calls: Call[]): number };
  __tcfapi?: TcfApi;
}

const CONVERSION = "conv";
const CLICK_ID_COOKIE = "_pxclid";
const CLICK_ID = /^[A-Za-z0-9._-]{1,160}$/;
const NINETY_DAYS_S = 7776000;
/** The TCF events that carry a settled answer (not `cmpuishown`, which means "still asking"). */
const SETTLED = ["tcloaded", "useractioncomplete"];

const tagWindow = window as unknown as TagWindow;
const queued = tagWindow.pxq;

// A page that includes the tag twice keeps the first loader.
if (queued === undefined || Array.isArray(queued)) start(queued ?? []);

function start(earlier: Call[]): void {
  const base = loaderBase();
  const gpc = (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  // Read now: a single-page site may change its URL before consent arrives.
  const landed = clickIdInUrl();
  let clickId: string | null = null;
  const consented = (): void => {
    if (gpc) return;
    try {
      clickId = landed ?? readClickId();
      if (landed) keepClickId(landed);
    } catch {
      // Cookies disabled: fires go without a click id.
    }
  };
  const tcf = tagWindow.__tcfapi;
  // undefined while a TCF CMP has not answered yet: calls wait for its answer.
  let consent: boolean | undefined = typeof tcf === "function" ? undefined : true;
  let waiting: Call[] = [];
  let handled = 0;

  const send = (call: Call): void => {
    try {
      fire(base, call, clickId, gpc);
    } catch {
      // A malformed call must not stop the ones after it.
    }
  };
  const handle = (call: Call): void => {
    handled++;
    if (consent === undefined) waiting.push(call);
    else if (consent) send(call);
  };

  tagWindow.pxq = {
    push(...calls: Call[]): number {
      for (const call of calls) handle(call);
      return handled;
    },
  };
  if (consent) consented();
  for (const call of earlier) handle(call);

  if (typeof tcf !== "function") return;
  try {
    tcf("addEventListener", 2, (data, success) => {
      try {
        if (!success || !data || SETTLED.indexOf(data.eventStatus ?? "") < 0) return;
        consent = data.gdprApplies === false || data.purpose?.consents?.[1] === true;
        // Without consent the waiting calls are dropped: nothing is recorded for them.
        const ready = waiting;
        waiting = [];
        if (!consent) return;
        consented();
        for (const call of ready) send(call);
      } catch {
        // A broken CMP answer leaves the calls waiting, which records nothing.
      }
    });
  } catch {
    // A CMP that throws gives no consent; calls keep waiting.
  }
}

/** The last `pxclid` of the page's URL (the one the click appended), when well formed. */
function clickIdInUrl(): string | null {
  const found = location.search.match(/[?&]pxclid=([^&#]*)/g);
  const value = found ? (found[found.length - 1] ?? "").slice(8) : "";
  return CLICK_ID.test(value) ? value : null;
}

function readClickId(): string | null {
  const found = document.cookie.match(/(?:^|;\s*)_pxclid=([^;]*)/);
  return found && CLICK_ID.test(found[1] ?? "") ? (found[1] ?? null) : null;
}

/**
 * Sets `_pxclid` on the widest domain the browser takes (the site's registrable domain: it
 * refuses a public suffix such as `co.uk`), so every page of the site reads it; host-only on
 * an IP address or a one-label host.
 */
function keepClickId(value: string): void {
  const host = location.hostname;
  const tail = `; Max-Age=${NINETY_DAYS_S}; Path=/; SameSite=Lax${location.protocol === "https:" ? "; Secure" : ""}`;
  const labels = host.split(".");
  if (!/^[0-9.]+$/.test(host) && host.indexOf(":") < 0)
    for (let i = labels.length - 2; i >= 0; i--) {
      writeCookie(`${CLICK_ID_COOKIE}=${value}; Domain=${labels.slice(i).join(".")}${tail}`);
      if (readClickId() === value) return;
    }
  writeCookie(`${CLICK_ID_COOKIE}=${value}${tail}`);
}

function writeCookie(cookie: string): void {
  // The Cookie Store API is missing from many browsers advertisers' pages run in, and the
  // domain probe needs to read its write back at once. The value is URL-safe by CLICK_ID.
  // biome-ignore lint/suspicious/noDocumentCookie: see above
  document.cookie = cookie;
}

/** Fires one `["conv", id or code, options]` call as a `/px` script (so piggybacks run). */
function fire(base: string, call: Call, clickId: string | null, gpc: boolean): void {
  if (!Array.isArray(call) || call[0] !== CONVERSION) return;
  const pixel = call[1];
  const options = (call[2] ?? {}) as Record<string, unknown>;
  const params: string[] = [];
  const add = (name: string, value: unknown): void => {
    if (value === undefined || value === null || value === "") return;
    params.push(`${name}=${encodeURIComponent(String(value))}`);
  };
  if (options.member !== undefined) {
    add("code", pixel);
    add("member", options.member);
  } else if (/^[1-9][0-9]*$/.test(String(pixel))) {
    add("id", pixel);
  }
  if (params.length === 0) return;
  add("t", 1);
  add("order_id", options.order_id);
  add("value", options.value);
  add("other", options.other);
  add("event_id", options.event_id);
  add("pxclid", clickId);
  // The page's Global Privacy Control signal, honoured by /px like the Sec-GPC header.
  if (gpc) add("gpc", 1);
  const script = document.createElement("script");
  script.async = true;
  script.src = `${base}/px?${params.join("&")}`;
  (document.head || document.documentElement).appendChild(script);
}

/** Where this loader came from (with any path prefix), so fires go to the same deployment. */
function loaderBase(): string {
  let src = (document.currentScript as HTMLScriptElement | null)?.src ?? "";
  if (!src) {
    const scripts = document.getElementsByTagName("script");
    for (let i = 0; i < scripts.length && !src; i++)
      if (/\/tag\.js(?:[?#]|$)/.test(scripts[i]?.src ?? "")) src = scripts[i]?.src ?? "";
  }
  const at = src.lastIndexOf("/tag.js");
  return at >= 0 ? src.slice(0, at) : "";
}
