// Event history page. Signs the admin in with the realm's public client "threat-protection-console"
// (authorization code + PKCE), keeps the token in this script's memory only, and calls the admin REST API.
"use strict";
(function () {
  const CLIENT_ID = "threat-protection-console";
  const LEVELS = ["LOW", "MEDIUM", "HIGH"];
  const LEVEL_COLOURS = { LOW: "#3e8635", MEDIUM: "#f0ab00", HIGH: "#c9190b" };
  const AUDIT_SERIES = ["wouldChallenge", "wouldBlock"];
  const AUDIT_COLOURS = { wouldChallenge: "#f0ab00", wouldBlock: "#c9190b" };
  const SVG = "http://www.w3.org/2000/svg";

  const basePath = document.body.dataset.basePath;
  const loginRealm = document.body.dataset.realm;
  const query = new URLSearchParams(location.search);
  // A master realm admin signs in to master and looks at another realm: ?realm=<name>.
  const realm = query.get("realm") || loginRealm;
  const oidc = location.origin + basePath + "realms/" + encodeURIComponent(loginRealm) + "/protocol/openid-connect/";
  const api = location.origin + basePath + "admin/realms/" + encodeURIComponent(realm) + "/threat-protection/";
  const redirectUri = location.origin + location.pathname
      + (realm === loginRealm ? "" : "?realm=" + encodeURIComponent(realm));

  let accessToken = null;
  let idToken = null;
  const usernames = new Map();

  function $(id) { return document.getElementById(id); }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function base64url(bytes) {
    let text = "";
    bytes.forEach(b => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomText() {
    return base64url(crypto.getRandomValues(new Uint8Array(32)));
  }

  async function signIn() {
    const verifier = randomText();
    const state = randomText();
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256",
        new TextEncoder().encode(verifier))));
    // Only the one-time PKCE verifier and state outlive the redirect; tokens never touch storage.
    sessionStorage.setItem("tp-console-login", JSON.stringify({ verifier: verifier, state: state }));
    const params = new URLSearchParams({
      client_id: CLIENT_ID, response_type: "code", scope: "openid", redirect_uri: redirectUri,
      state: state, code_challenge: challenge, code_challenge_method: "S256"
    });
    location.assign(oidc + "auth?" + params);
  }

  async function finishSignIn(code, state) {
    const pending = JSON.parse(sessionStorage.getItem("tp-console-login") || "null");
    sessionStorage.removeItem("tp-console-login");
    history.replaceState(null, "", redirectUri);
    if (!pending || pending.state !== state) {
      throw new Error("The sign-in answer does not match this page's request; reload to sign in again.");
    }
    const response = await fetch(oidc + "token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code", client_id: CLIENT_ID, code: code,
        redirect_uri: redirectUri, code_verifier: pending.verifier
      })
    });
    if (!response.ok) {
      throw new Error("Sign-in failed: " + response.status + " " + await response.text());
    }
    const tokens = await response.json();
    accessToken = tokens.access_token;
    idToken = tokens.id_token;
    const claims = JSON.parse(atob(accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    $("who").textContent = claims.preferred_username + " (" + loginRealm + ")";
    $("sign-out").hidden = false;
  }

  async function call(method, path, body) {
    const response = await fetch(api + path, {
      method: method,
      headers: Object.assign({ Authorization: "Bearer " + accessToken },
          body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined
    });
    if (response.status === 401) {
      await signIn();
      throw new Error("Signed out; signing in again");
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        const errors = JSON.parse(text).errors;
        if (errors) message = errors.map(e => e.field + ": " + e.message).join("; ");
      } catch (ignored) { /* not JSON */ }
      throw new Error(method + " " + path + ": " + response.status
          + (response.status === 403 ? " (your account lacks the role for this)" : "") + " " + message);
    }
    return text ? JSON.parse(text) : null;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  /** Stacked bars, one per day, with a legend; drawn as inline SVG. */
  function barChart(target, days, series, colours, labels) {
    const width = 560, height = 200, left = 36, bottom = 40, top = 10;
    const max = Math.max(1, ...days.map(d => series.reduce((sum, s) => sum + d[s], 0)));
    const chart = svg("svg", { width: width, height: height + 24, role: "img", viewBox: "0 0 " + width + " " + (height + 24) });
    const plotHeight = height - bottom - top;
    const step = (width - left) / Math.max(1, days.length);
    chart.appendChild(svg("line", { x1: left, y1: top + plotHeight, x2: width, y2: top + plotHeight, stroke: "#8a8d90" }));
    chart.appendChild(svg("text", { x: left - 4, y: top + 8, "text-anchor": "end", "font-size": 10 }, max));
    chart.appendChild(svg("text", { x: left - 4, y: top + plotHeight, "text-anchor": "end", "font-size": 10 }, 0));
    days.forEach((day, i) => {
      let y = top + plotHeight;
      const x = left + i * step + step * 0.15;
      series.forEach(s => {
        const h = day[s] / max * plotHeight;
        if (h > 0) {
          const bar = svg("rect", { x: x, y: y - h, width: step * 0.7, height: h, fill: colours[s] });
          bar.appendChild(svg("title", {}, day.day + " " + labels[s] + ": " + day[s]));
          chart.appendChild(bar);
          y -= h;
        }
      });
      chart.appendChild(svg("text", { x: x + step * 0.35, y: top + plotHeight + 12, "text-anchor": "middle",
        "font-size": 9 }, day.day.slice(5)));
    });
    series.forEach((s, i) => {
      chart.appendChild(svg("rect", { x: left + i * 190, y: height + 8, width: 10, height: 10, fill: colours[s] }));
      chart.appendChild(svg("text", { x: left + i * 190 + 14, y: height + 17, "font-size": 11, class: "legend" },
          labels[s]));
    });
    target.replaceChildren(chart);
  }

  async function showSummary() {
    const summary = await call("GET", "events/summary?days=14");
    $("summary-mode").textContent = "Mode now: " + summary.mode + ". " + summary.total + " events from "
        + summary.days[0].day + " to " + summary.days[summary.days.length - 1].day
        + " (UTC days). Sign-ins, password resets and refresh grants recorded but not enforced: "
        + summary.notEnforcedSignIns.wouldChallenge + " would have been challenged, "
        + summary.notEnforcedSignIns.wouldBlock + " would have been blocked.";
    $("summary-mode").dataset.wouldChallenge = summary.notEnforcedSignIns.wouldChallenge;
    $("summary-mode").dataset.wouldBlock = summary.notEnforcedSignIns.wouldBlock;
    barChart($("chart-levels"), summary.days, LEVELS, LEVEL_COLOURS, { LOW: "LOW", MEDIUM: "MEDIUM", HIGH: "HIGH" });
    barChart($("chart-audit"), summary.days, AUDIT_SERIES, AUDIT_COLOURS,
        { wouldChallenge: "would challenge (MFA)", wouldBlock: "would block" });
    const rows = $("summary-counts");
    rows.replaceChildren();
    const actions = Object.keys(summary.byAction);
    const types = Object.keys(summary.byType);
    for (let i = 0; i < Math.max(LEVELS.length, actions.length, types.length); i++) {
      const row = element("tr");
      row.append(element("td", LEVELS[i] || ""), element("td", LEVELS[i] ? summary.byLevel[LEVELS[i]] : ""),
          element("td", actions[i] || ""), element("td", actions[i] ? summary.byAction[actions[i]] : ""),
          element("td", types[i] || ""), element("td", types[i] ? summary.byType[types[i]] : ""));
      rows.appendChild(row);
    }
    $("summary").hidden = false;
  }

  /** One bar per minute of the last hour, as inline SVG. */
  function minuteChart(target, perMinute) {
    const width = 560, height = 120, left = 36, bottom = 18, plot = height - bottom - 6;
    const counts = new Map(perMinute.map(m => [m.minute.slice(0, 16), m.failures]));
    const now = Date.now();
    const minutes = [];
    for (let i = 59; i >= 0; i--) {
      const minute = new Date(Math.floor(now / 60000) * 60000 - i * 60000).toISOString().slice(0, 16);
      minutes.push([minute, counts.get(minute) || 0]);
    }
    const max = Math.max(1, ...minutes.map(m => m[1]));
    const step = (width - left) / minutes.length;
    const chart = svg("svg", { width: width, height: height, role: "img", viewBox: "0 0 " + width + " " + height });
    chart.appendChild(svg("text", { x: left - 4, y: 14, "text-anchor": "end", "font-size": 10 }, max));
    chart.appendChild(svg("line", { x1: left, y1: 6 + plot, x2: width, y2: 6 + plot, stroke: "#8a8d90" }));
    minutes.forEach(([minute, count], i) => {
      const h = count / max * plot;
      const bar = svg("rect", { x: left + i * step, y: 6 + plot - h, width: step * 0.8, height: h, fill: "#c9190b" });
      bar.appendChild(svg("title", {}, minute + " " + count));
      chart.appendChild(bar);
    });
    chart.appendChild(svg("text", { x: left, y: height - 4, "font-size": 9 }, minutes[0][0].slice(11)));
    chart.appendChild(svg("text", { x: width, y: height - 4, "text-anchor": "end", "font-size": 9 },
        minutes[minutes.length - 1][0].slice(11)));
    target.replaceChildren(chart);
  }

  /** Failures per minute, the networks failing most, and the throttled sources with a release button each. */
  async function showAttack() {
    const [activity, throttles] = await Promise.all([call("GET", "throttles/activity?minutes=60"),
      call("GET", "throttles")]);
    const failures = activity.failuresPerMinute.reduce((sum, m) => sum + m.failures, 0);
    $("attack-status").textContent = failures + " failed sign-ins in the last hour; " + throttles.length
        + " source(s) throttled now.";
    minuteChart($("chart-failures"), activity.failuresPerMinute);
    $("top-networks").replaceChildren(...activity.topNetworks.map(n => {
      const row = element("tr");
      row.append(element("td", n.network), element("td", n.failures), element("td", n.usernames));
      return row;
    }));
    $("throttles").replaceChildren(...throttles.map(t => {
      const row = element("tr");
      const release = element("button", "Release");
      release.type = "button";
      release.dataset.source = t.source;
      release.addEventListener("click", async () => {
        try {
          await call("DELETE", "throttles/" + t.source.split("/").map(encodeURIComponent).join("/"));
          status("Released " + t.source + ".");
          await showAttack();
        } catch (error) {
          status(error.message, true);
        }
      });
      row.append(element("td", t.source + " (" + t.scope + ")"), element("td", t.throttledAt),
          element("td", t.expiresAt), element("td", t.failures), element("td",
              (t.firstFailure || "") + " / " + (t.lastFailure || "")), cell(release));
      return row;
    }));
    $("attack").hidden = false;
  }

  async function userIdOf(text) {
    const found = await call("GET", "../users?exact=true&username=" + encodeURIComponent(text));
    if (found.length > 0) return found[0].id;
    return text;
  }

  async function usernameOf(userId) {
    if (!userId) return "";
    if (!usernames.has(userId)) {
      usernames.set(userId, call("GET", "../users/" + encodeURIComponent(userId))
          .then(user => user.username, () => userId));
    }
    return usernames.get(userId);
  }

  function instant(value) {
    return value ? new Date(value + "Z").toISOString() : "";
  }

  async function search(event) {
    if (event) event.preventDefault();
    const form = new FormData($("filters"));
    const filters = {};
    ["level", "action", "type", "clientId"].forEach(name => {
      if (form.get(name)) filters[name] = form.get(name).trim();
    });
    if (form.get("from")) filters.from = instant(form.get("from"));
    if (form.get("to")) filters.to = instant(form.get("to"));
    let events;
    const user = (form.get("user") || "").trim();
    if (user) {
      // The per-user list has no filters of its own; the same filters apply here.
      const userId = await userIdOf(user);
      events = (await call("GET", "users/" + encodeURIComponent(userId) + "/events?max=1000")).filter(e =>
          (!filters.level || e.risk.level === filters.level) && (!filters.action || e.risk.action === filters.action)
          && (!filters.type || e.type === filters.type) && (!filters.clientId || e.clientId === filters.clientId)
          && (!filters.from || e.time >= filters.from) && (!filters.to || e.time < filters.to));
    } else {
      events = await call("GET", "events?" + new URLSearchParams(Object.assign({ max: "200" }, filters)));
    }
    const rows = $("events");
    rows.replaceChildren();
    for (const e of events) {
      rows.appendChild(await eventRow(e));
    }
    status(events.length + " event(s) shown.");
  }

  async function eventRow(e) {
    const row = element("tr");
    row.dataset.eventId = e.id;
    row.dataset.userId = e.userId || "";
    const reasons = element("ul");
    e.risk.reasons.forEach(r => reasons.appendChild(element("li", r.signal + " +" + r.score + (r.detail ? ": " + r.detail : ""))));
    if (e.risk.override) reasons.appendChild(element("li", "IP list: " + e.risk.override));
    const context = element("ul");
    const c = e.context || {};
    [["IP", c.ipAddress], ["Device", c.deviceName], ["Place", [c.city, c.country].filter(Boolean).join(", ")]]
        .filter(([, v]) => v).forEach(([k, v]) => context.appendChild(element("li", k + ": " + v)));
    row.append(
        element("td", e.time.replace("T", " ").replace("Z", "")),
        element("td", await usernameOf(e.userId)),
        element("td", e.clientId || ""),
        element("td", e.type + methodOf(e)),
        element("td", e.risk.level, "level-" + e.risk.level),
        element("td", e.risk.action + (e.risk.enforced ? "" : " (not enforced)")),
        cell(reasons), cell(context), feedbackCell(e));
    return row;
  }

  /** How the user was authenticated: the first challenge (PASSWORD, PASSKEY, FEDERATED, RESET_LINK). */
  function methodOf(e) {
    const method = (e.challenges || []).find(c => c.name !== "MFA" && c.name !== "EMAIL_CODE");
    if (!method) return "";
    return " (" + method.name + (method.identityProvider ? ": " + method.identityProvider : "") + ")";
  }

  function cell(child) {
    const td = element("td");
    td.appendChild(child);
    return td;
  }

  function feedbackCell(e) {
    const td = element("td");
    td.className = "feedback";
    const current = element("span", e.feedback ? e.feedback.value + " (" + e.feedback.provider + ")" : "none");
    current.className = "feedback-value";
    td.appendChild(current);
    if (e.userId) {
      ["VALID", "INVALID"].forEach(value => {
        const button = element("button", value === "VALID" ? "Mark valid" : "Mark invalid");
        button.type = "button";
        button.dataset.feedback = value;
        button.addEventListener("click", async () => {
          try {
            const updated = await call("PUT", "users/" + encodeURIComponent(e.userId) + "/events/"
                + encodeURIComponent(e.id) + "/feedback", { value: value });
            current.textContent = updated.feedback.value + " (" + updated.feedback.provider + ")";
            status("Feedback " + value + " saved.");
          } catch (error) {
            status(error.message, true);
          }
        });
        td.appendChild(button);
      });
    }
    return td;
  }

  /** Users whose remembered risk is AT_RISK or COMPROMISED, COMPROMISED first; view-users is enough to see them. */
  async function showUsersAtRisk() {
    const users = await call("GET", "users-at-risk?max=100");
    const body = $("users-at-risk");
    body.replaceChildren();
    $("users-at-risk-none").hidden = users.length > 0;
    users.forEach(user => {
      const row = element("tr");
      row.dataset.userId = user.userId;
      row.append(element("td", user.username), element("td", user.state, "level-" + user.state),
          element("td", user.since ? user.since.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : ""),
          element("td", user.reasons.map(r => r.cause + (r.detail ? " (" + r.detail + ")" : "")).join("; ")));
      body.append(row);
    });
    $("at-risk").hidden = false;
  }

  // What if: the realm's settings in an editable document, simulated over the last 14 days without saving.
  const ACTION_ORDER = ["NOT_EVALUATED", "NO_ACTION", "MFA_IF_CONFIGURED", "CHALLENGE", "MFA_REQUIRED", "BLOCK"];

  async function loadWhatIf() {
    try {
      $("what-if-settings").value = JSON.stringify(await call("GET", "settings"), null, 2);
    } catch (error) {
      // Reading settings needs view-realm; a draft of a few fields works without it.
      $("what-if-settings").value = "{}";
    }
    $("what-if").hidden = false;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function whatIfSentences(result) {
    const stronger = { block: [0, 0, 0, 0], challenge: [0, 0, 0, 0] };
    const weaker = [0, 0, 0, 0];
    for (const t of result.transitions) {
      const from = ACTION_ORDER.indexOf(t.from.action);
      const to = ACTION_ORDER.indexOf(t.to.action);
      const counts = to > from ? (t.to.action === "BLOCK" ? stronger.block : stronger.challenge) : weaker;
      if (to === from) continue;
      counts[0] += t.events; counts[1] += t.users; counts[2] += t.validFeedback; counts[3] += t.invalidFeedback;
    }
    const lines = [];
    const more = (c, what) => {
      if (c[0] === 0) return;
      lines.push(plural(c[0], "more sign-in", "more sign-ins") + " of " + plural(c[1], "user", "users")
          + " would have been " + what + "; " + c[2] + " of them " + (c[2] === 1 ? "a user" : "users")
          + " confirmed as theirs");
    };
    more(stronger.block, "blocked");
    more(stronger.challenge, "asked for a second factor");
    if (weaker[0] > 0) {
      lines.push(plural(weaker[0], "sign-in", "sign-ins") + " of " + plural(weaker[1], "user", "users")
          + " would have met a weaker action; " + weaker[3] + " of them disowned by the user");
    }
    if (lines.length === 0) lines.push("No sign-in of the " + result.events + " events would have been decided otherwise");
    lines.push("Mails due: " + result.current.notifications + " now, " + result.proposed.notifications
        + " with these settings");
    if (result.notReplayable > 0) {
      lines.push(plural(result.notReplayable, "event", "events") + " could not be replayed and count as recorded");
    }
    return lines;
  }

  async function runWhatIf() {
    let draft;
    try {
      draft = JSON.parse($("what-if-settings").value || "{}");
    } catch (error) {
      throw new Error("The settings to try are not valid JSON: " + error.message);
    }
    status("Simulating…");
    const result = await call("POST", "simulate", { settings: draft });
    const summary = $("what-if-summary");
    summary.replaceChildren(...whatIfSentences(result).map(line => element("li", line)));
    const rows = $("what-if-transitions");
    rows.replaceChildren(...result.transitions.map(t => {
      const row = element("tr");
      row.append(element("td", t.from.level + " / " + t.from.action, "level-" + t.from.level),
          element("td", t.to.level + " / " + t.to.action, "level-" + t.to.level), element("td", t.events),
          element("td", t.users), element("td", t.validFeedback), element("td", t.invalidFeedback));
      return row;
    }));
    $("what-if-table").hidden = result.transitions.length === 0;
    status("Simulated " + plural(result.events, "event", "events") + " of the last 14 days");
  }

  function signOut() {
    const params = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: redirectUri });
    if (idToken) params.set("id_token_hint", idToken);
    accessToken = null;
    location.assign(oidc + "logout?" + params);
  }

  async function start() {
    $("realm-name").textContent = "– realm " + realm;
    $("sign-out").addEventListener("click", signOut);
    $("filters").addEventListener("submit", event => search(event).catch(error => status(error.message, true)));
    $("what-if-run").addEventListener("click", () => runWhatIf().catch(error => status(error.message, true)));
    const code = query.get("code");
    if (!code) {
      if (query.get("error")) {
        status("Sign-in failed: " + query.get("error") + " " + (query.get("error_description") || ""), true);
        return;
      }
      await signIn();
      return;
    }
    await finishSignIn(code, query.get("state"));
    $("history").hidden = false;
    status("Loading…");
    await Promise.all([showSummary().catch(error => status(error.message, true)),
      showAttack().catch(error => status(error.message, true)),
      showUsersAtRisk().catch(error => status(error.message, true)), search(), loadWhatIf()]);
  }

  start().catch(error => status(error.message, true));
})();
