/**
 * The dashboard at `/ui` (SPEC section 7): sign in, pick an advertiser, see its pixels with
 * their tags ready to copy and a chart of fires and conversions per day. It only calls the
 * public API with the session cookie `POST /auth` sets; everything users typed is shown with
 * textContent, never as HTML. Compiled with Chart.js by scripts/build-browser.ts.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import type { AdvertiserDocument } from "../objects/documents.js";
import type { PixelDocument } from "../pixels/pixel-document.js";
import type { PixelReportRow, ReportTotals } from "../reports/pixel-report.js";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

// The API's own shapes (type imports: nothing of the server is bundled).
type Advertiser = Pick<AdvertiserDocument, "id" | "name">;
type Pixel = Pick<PixelDocument, "id" | "name" | "state" | "trigger_type">;

class SignedOut extends Error {}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
let chart: Chart | null = null;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    credentials: "same-origin",
    ...init,
    headers: { "Content-Type": "application/json" },
  });
  const body = (await response.json().catch(() => ({}))) as { response?: Record<string, unknown> };
  if (response.status === 401) throw new SignedOut();
  if (!response.ok) throw new Error(String(body.response?.error ?? response.statusText));
  return (body.response ?? {}) as T;
}

function show(signedIn: boolean): void {
  byId("login").hidden = signedIn;
  byId("app").hidden = !signedIn;
}

async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const data = new FormData(form);
  const error = byId("login-error");
  error.textContent = "";
  try {
    await api("/auth", {
      method: "POST",
      body: JSON.stringify({
        auth: { username: data.get("username"), password: data.get("password") },
      }),
    });
    form.reset();
    await start();
  } catch (e) {
    error.textContent = e instanceof SignedOut ? "Wrong username or password." : String(e);
  }
}

async function start(): Promise<void> {
  try {
    const { advertisers } = await api<{ advertisers: Advertiser[] }>(
      "/advertiser?num_elements=100",
    );
    show(true);
    const select = byId<HTMLSelectElement>("advertiser");
    select.replaceChildren(
      ...advertisers.map((a) => new Option(`${a.name} (${a.id})`, String(a.id))),
    );
    byId("empty").hidden = advertisers.length > 0;
    if (advertisers.length > 0) await showAdvertiser();
  } catch (e) {
    if (e instanceof SignedOut) show(false);
    else byId("status").textContent = String(e);
  }
}

async function showAdvertiser(): Promise<void> {
  const advertiser = byId<HTMLSelectElement>("advertiser").value;
  if (!advertiser) return;
  const days = Number(byId<HTMLSelectElement>("days").value);
  const dates = lastDays(days);
  const [pixels, report] = await Promise.all([
    api<{ pixels: Pixel[] }>(`/pixel?advertiser_id=${advertiser}&num_elements=100`),
    api<{ report: { rows: PixelReportRow[]; totals: ReportTotals } }>(
      `/report/pixel?advertiser_id=${advertiser}&start_date=${dates[0]}` +
        `&timezone=${encodeURIComponent(zone)}`,
    ),
  ]);
  renderPixels(pixels.pixels);
  renderReport(dates, report.report.rows, report.report.totals);
  const rows = await breakdown(advertiser, dates[0] ?? "");
  renderBreakdown(rows);
}

const BREAKDOWN_COLUMNS = [
  "line_item_id",
  "line_item_name",
  "campaign_id",
  "campaign_name",
  "fires",
  "post_click_convs",
  "post_view_convs",
  "total_revenue",
];

/**
 * Fires, conversions and revenue by line item and campaign, from the Report Service as any
 * client asks it: POST /report, then poll GET /report?id= until the job is ready.
 */
async function breakdown(advertiser: string, startDate: string): Promise<string[][]> {
  const { report_id } = await api<{ report_id: string }>(`/report?advertiser_id=${advertiser}`, {
    method: "POST",
    body: JSON.stringify({
      report: {
        report_type: "advertiser_analytics",
        columns: BREAKDOWN_COLUMNS,
        start_date: startDate,
        timezone: zone,
        orders: [{ order_by: "fires", direction: "DESC" }],
      },
    }),
  });
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    const answer = await api<{
      execution_status: string;
      report: { data?: string; error?: string };
    }>(`/report?id=${report_id}`);
    if (answer.execution_status === "error") throw new Error(answer.report.error);
    if (answer.execution_status === "ready") return parseCsv(answer.report.data ?? "").slice(1);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** RFC 4180 rows, with the `'` the service puts before formula-like text taken off again. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  return rows.map((r) => r.map((c) => (/^'[=+\-@\t\r]/.test(c) ? c.slice(1) : c)));
}

function renderBreakdown(rows: string[][]): void {
  const body = byId<HTMLTableSectionElement>("breakdown");
  body.replaceChildren(
    ...rows.map(([lineItemId, lineItem, campaignId, campaign, ...numbers]) => {
      const tr = document.createElement("tr");
      const cells = [
        lineItemId ? `${lineItem || "?"} (${lineItemId})` : "Not attributed",
        campaignId ? `${campaign || "?"} (${campaignId})` : "",
        ...numbers.slice(0, 3),
        Number(numbers[3] ?? 0).toFixed(2),
      ];
      for (const value of cells) {
        const td = document.createElement("td");
        td.textContent = value ?? "";
        tr.append(td);
      }
      return tr;
    }),
  );
}

/** The local dates of the last `days` days, today last (`YYYY-MM-DD`). */
function lastDays(days: number): string[] {
  const out: string[] = [];
  const today = new Date();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
    out.push(
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`,
    );
  }
  return out;
}

function renderReport(dates: string[], rows: PixelReportRow[], totals: ReportTotals): void {
  const perDay = new Map(
    dates.map((d) => [d, { fires: 0, view: 0, click: 0, revenue: 0, unattributed: 0 }]),
  );
  for (const row of rows) {
    const day = perDay.get(row.day ?? "");
    if (!day) continue;
    day.fires += row.fires;
    day.view += row.post_view_convs;
    day.click += row.post_click_convs;
    day.revenue += row.post_view_revenue + row.post_click_revenue;
    day.unattributed += row.unattributed_fires;
  }
  const series = [...perDay.values()];
  const revenue = totals.post_view_revenue + totals.post_click_revenue;
  byId("totals").textContent =
    `${totals.fires} fires · ${totals.post_click_convs + totals.post_view_convs} conversions ` +
    `(${totals.post_click_convs} post-click, ${totals.post_view_convs} post-view) · ` +
    `revenue ${revenue.toFixed(2)} · ${totals.unattributed_fires} unattributed fires`;

  const data = {
    labels: dates,
    datasets: [
      {
        type: "bar" as const,
        label: "Fires",
        data: series.map((d) => d.fires),
        backgroundColor: "#9db4d8",
      },
      {
        type: "line" as const,
        label: "Post-click conversions",
        yAxisID: "conversions",
        data: series.map((d) => d.click),
        borderColor: "#c0392b",
        backgroundColor: "#c0392b",
      },
      {
        type: "line" as const,
        label: "Post-view conversions",
        yAxisID: "conversions",
        data: series.map((d) => d.view),
        borderColor: "#27865f",
        backgroundColor: "#27865f",
      },
    ],
  };
  chart?.destroy();
  chart = new Chart(byId<HTMLCanvasElement>("chart"), {
    type: "bar",
    data,
    options: {
      animation: false,
      maintainAspectRatio: false,
      // offset: the first and last days' bars stay whole. Conversions are a small share of
      // fires: on the fires' axis their lines would lie flat along the bars' feet.
      scales: {
        x: { offset: true },
        y: {
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: "Fires" },
        },
        conversions: {
          position: "right",
          beginAtZero: true,
          ticks: { precision: 0 },
          grid: { drawOnChartArea: false },
          title: { display: true, text: "Conversions" },
        },
      },
    },
  });

  // Which axes were drawn, for the page's test and for anyone inspecting it.
  chart.canvas.dataset.axes = Object.keys(chart.scales).join(",");

  // The chart's numbers as a table too: for screen readers, and for copying.
  const table = byId<HTMLTableSectionElement>("per-day");
  table.replaceChildren(
    ...dates.map((date, i) => {
      const tr = document.createElement("tr");
      const day = series[i];
      for (const value of [
        date,
        day?.fires ?? 0,
        day?.click ?? 0,
        day?.view ?? 0,
        (day?.revenue ?? 0).toFixed(2),
        day?.unattributed ?? 0,
      ]) {
        const td = document.createElement("td");
        td.textContent = String(value);
        tr.append(td);
      }
      return tr;
    }),
  );
}

function renderPixels(pixels: Pixel[]): void {
  const list = byId("pixels");
  list.replaceChildren(
    ...pixels.map((pixel) => {
      const item = document.createElement("article");
      item.className = "pixel";
      const title = document.createElement("h3");
      title.textContent = `${pixel.name} (id ${pixel.id})`;
      const about = document.createElement("p");
      about.textContent = `${pixel.state}, ${pixel.trigger_type} conversions`;
      item.append(title, about);
      const origin = location.origin;
      const tags: Array<[string, string]> = [
        ["Image tag", `<img src="${origin}/px?id=${pixel.id}&t=2" width="1" height="1" alt="" />`],
        ["JavaScript tag", `<script src="${origin}/px?id=${pixel.id}&t=1"></script>`],
        [
          "Tag loader",
          `<script async src="${origin}/tag.js"></script>\n<script>\n  window.pxq = window.pxq || [];\n  pxq.push(["conv", ${pixel.id}]); // or ["conv", ${pixel.id}, { value: 49.9, order_id: "A-1001" }]\n</script>`,
        ],
      ];
      for (const [label, tag] of tags) item.append(tagBlock(label, tag));
      return item;
    }),
  );
}

function tagBlock(label: string, tag: string): HTMLElement {
  const block = document.createElement("div");
  block.className = "tag";
  const heading = document.createElement("span");
  heading.textContent = label;
  const code = document.createElement("pre");
  code.textContent = tag;
  const copy = document.createElement("button");
  copy.type = "button";
  copy.textContent = "Copy";
  copy.addEventListener("click", () => {
    navigator.clipboard?.writeText(tag).then(
      () => {
        copy.textContent = "Copied";
      },
      () => {
        copy.textContent = "Select and copy by hand";
      },
    );
  });
  block.append(heading, copy, code);
  return block;
}

byId<HTMLFormElement>("login").addEventListener("submit", (e) => void signIn(e));
byId("advertiser").addEventListener("change", () => void showAdvertiser());
byId("days").addEventListener("change", () => void showAdvertiser());
void start();
