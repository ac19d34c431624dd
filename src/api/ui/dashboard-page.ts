/**
 * The dashboard's HTML: a sign-in form and the page the script fills in
 * (src/ui/dashboard.ts). No inline script, so the Content-Security-Policy can forbid them.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conversion pixels</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f5f7fa; }
  header { background: #1d2733; color: #fff; padding: 12px 24px; }
  header h1 { font-size: 18px; margin: 0; }
  main, #login { max-width: 1000px; margin: 24px auto; padding: 0 24px; }
  section { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 16px 20px; margin-bottom: 20px; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  h3 { font-size: 15px; margin: 0; }
  label { margin-right: 16px; }
  #login { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; max-width: 320px; padding: 20px; }
  #login input { display: block; width: 100%; box-sizing: border-box; margin: 4px 0 12px; padding: 6px; }
  #login-error { color: #b3261e; min-height: 1.4em; }
  .chart { position: relative; height: 320px; }
  .pixel { border-top: 1px solid #eef1f4; padding: 12px 0; }
  .pixel p { margin: 2px 0 8px; color: #5b6b7c; }
  .tag { margin: 6px 0; }
  .tag span { font-weight: 600; margin-right: 8px; }
  .tag pre { background: #f0f3f7; padding: 8px; overflow-x: auto; margin: 4px 0 0; font-size: 12.5px; }
  details { margin-top: 12px; }
  table { border-collapse: collapse; }
  td, th { padding: 2px 12px 2px 0; text-align: right; }
</style>
</head>
<body>
<header><h1>Conversion pixels</h1></header>
<form id="login" hidden>
  <h2>Sign in</h2>
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
  <p id="login-error" role="alert"></p>
</form>
<main id="app" hidden>
  <p id="status" role="status"></p>
  <p id="empty" hidden>No advertiser yet: create one with <code>POST /advertiser</code>.</p>
  <label>Advertiser <select id="advertiser"></select></label>
  <label>Days <select id="days"><option>7</option><option selected>30</option><option>90</option></select></label>
  <section>
    <h2>Fires and conversions per day</h2>
    <p id="totals"></p>
    <div class="chart"><canvas id="chart" role="img" aria-label="Fires and conversions per day"></canvas></div>
    <details>
      <summary>The numbers</summary>
      <table>
        <thead><tr><th>Day</th><th>Fires</th><th>Post-click</th><th>Post-view</th><th>Revenue</th><th>Unattributed</th></tr></thead>
        <tbody id="per-day"></tbody>
      </table>
    </details>
  </section>
  <section>
    <h2>By line item and campaign</h2>
    <table>
      <thead><tr><th>Line item</th><th>Campaign</th><th>Fires</th><th>Post-click</th><th>Post-view</th><th>Revenue</th></tr></thead>
      <tbody id="breakdown"></tbody>
    </table>
  </section>
  <section>
    <h2>Pixels</h2>
    <div id="pixels"></div>
  </section>
</main>
<script src="/ui/dashboard.js" defer></script>
</body>
</html>
`;
