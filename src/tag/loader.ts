/**
 * The queue-style tag loader served at `/tag.js` (SPEC section 9), compiled for browsers by
 * scripts/build-tag.ts. It runs inside advertisers' pages, so nothing here may throw into them:
 * every call is handled on its own and a bad one is dropped.
 *
 *   window.pxq = window.pxq || [];
 *   pxq.push(["conv", 37, { value: 49.9, order_id: "A-1001", other: "spring" }]);
 *   pxq.push(["conv", "thank-you", { member: 958 }]);   // by pixel code
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
/** The TCF events that carry a settled answer (not `cmpuishown`, which means "still asking"). */
const SETTLED = ["tcloaded", "useractioncomplete"];

const tagWindow = window as unknown as TagWindow;
const queued = tagWindow.pxq;

// A page that includes the tag twice keeps the first loader.
if (queued === undefined || Array.isArray(queued)) start(queued ?? []);

function start(earlier: Call[]): void {
  const base = loaderBase();
  const tcf = tagWindow.__tcfapi;
  // undefined while a TCF CMP has not answered yet: calls wait for its answer.
  let consent: boolean | undefined = typeof tcf === "function" ? undefined : true;
  let waiting: Call[] = [];
  let handled = 0;

  const send = (call: Call): void => {
    try {
      fire(base, call);
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
        if (consent) for (const call of ready) send(call);
      } catch {
        // A broken CMP answer leaves the calls waiting, which records nothing.
      }
    });
  } catch {
    // A CMP that throws gives no consent; calls keep waiting.
  }
}

/** Fires one `["conv", id or code, options]` call as a `/px` script (so piggybacks run). */
function fire(base: string, call: Call): void {
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
  // The page's Global Privacy Control signal, honoured by /px like the Sec-GPC header.
  if ((navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true)
    add("gpc", 1);
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
