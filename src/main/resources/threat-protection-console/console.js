// Event history page. Signs the admin in with the realm's public client "threat-protection-console"
// (authorization code + PKCE), keeps the token in this script's memory only, and calls the admin REST API.
"use strict";
(function () {
  const CLIENT_ID = "threat-protection-console";
  const LEVELS = ["LOW", "MEDIUM", "HIGH"];
  const LEVEL_COLOURS = { LOW: "#3e8635", MEDIUM: "#f0ab00", HIGH: "#c9190b" };
  const LABEL_COLOURS = { LOW: "green", MEDIUM: "orange", HIGH: "red", AT_RISK: "orange", COMPROMISED: "red" };
  const AUDIT_SERIES = ["wouldChallenge", "wouldBlock"];
  const AUDIT_COLOURS = { wouldChallenge: "#f0ab00", wouldBlock: "#c9190b" };
  const SVG = "http://www.w3.org/2000/svg";
  const PENDING_SIGN_IN = "tp-console-login";

  const basePath = document.body.dataset.basePath;
  const loginRealm = document.body.dataset.realm;
  const query = new URLSearchParams(location.search);
  // A master realm admin signs in to master and looks at another realm: ?realm=<name>.
  const realm = query.get("realm") || loginRealm;
  const oidc = location.origin + basePath + "realms/" + encodeURIComponent(loginRealm) + "/protocol/openid-connect/";
  const api = location.origin + basePath + "admin/realms/" + encodeURIComponent(realm) + "/threat-protection/";
  const users = location.origin + basePath + "admin/realms/" + encodeURIComponent(realm) + "/users";
  // The admin console the admin came from: master's for a master admin, else the realm's own.
  const adminConsole = basePath + "admin/" + encodeURIComponent(loginRealm) + "/console/";
  const redirectUri = location.origin + location.pathname
      + (realm === loginRealm ? "" : "?realm=" + encodeURIComponent(realm));

  let accessToken = null;
  let idToken = null;
  const usernames = new Map();
  /** The list as last asked for: its filters (API parameters), first row and page size. */
  let listed = null;
  let openEventId = null;
  let pendingInvalid = null;

  function $(id) { return document.getElementById(id); }

  /** A message the server or the page gives, in words; field says which input it is about, if any. */
  class PageError extends Error {
    constructor(message, field) {
      super(message);
      this.field = field;
    }
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status-box").className = "pf-v5-c-alert pf-m-inline pf-m-plain " + (isError ? "pf-m-danger" : "pf-m-info");
  }

  /** Shows a danger alert in one of the page's alert slots, or hides it when text is empty. */
  function alertIn(id, text) {
    const box = $(id);
    box.querySelector(".pf-v5-c-alert__title").textContent = text || "";
    box.hidden = !text;
  }

  function clearListAlerts() {
    ["user-alert", "dates-alert", "list-alert"].forEach(id => alertIn(id, ""));
  }

  /** Puts an error next to what caused it: the user filter, the dates, or above the list. */
  function showListError(error) {
    if (error.field === "user" || error.field === "userId") alertIn("user-alert", error.message);
    else if (error.field === "from" || error.field === "to") alertIn("dates-alert", error.message);
    else alertIn("list-alert", error.message);
  }

  function base64url(bytes) {
    let text = "";
    bytes.forEach(b => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomText() {
    return base64url(crypto.getRandomValues(new Uint8Array(32)));
  }

  /** What of this page's address outlives the sign-in: the user viewed and the event opened. */
  function addressState() {
    const current = new URLSearchParams(location.search);
    return { user: current.get("user"), hash: location.hash };
  }

  async function signIn() {
    const verifier = randomText();
    const state = randomText();
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256",
        new TextEncoder().encode(verifier))));
    // Only the one-time PKCE verifier and state (and where the page was) outlive the redirect; tokens never
    // touch storage.
    sessionStorage.setItem(PENDING_SIGN_IN, JSON.stringify(Object.assign({ verifier: verifier, state: state },
        addressState())));
    const params = new URLSearchParams({
      client_id: CLIENT_ID, response_type: "code", scope: "openid", redirect_uri: redirectUri,
      state: state, code_challenge: challenge, code_challenge_method: "S256"
    });
    location.assign(oidc + "auth?" + params);
  }

  function pageAddress(user, hash) {
    const params = new URLSearchParams(realm === loginRealm ? {} : { realm: realm });
    if (user) params.set("user", user);
    const search = params.toString();
    return location.pathname + (search ? "?" + search : "") + (hash || "");
  }

  async function finishSignIn(code, state) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_SIGN_IN) || "null");
    sessionStorage.removeItem(PENDING_SIGN_IN);
    history.replaceState(null, "", pending ? pageAddress(pending.user, pending.hash) : redirectUri);
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
      throw new Error("Signing in failed; reload the page to try again.");
    }
    const tokens = await response.json();
    accessToken = tokens.access_token;
    idToken = tokens.id_token;
    const claims = JSON.parse(atob(accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    $("who").textContent = claims.preferred_username + " (" + loginRealm + ")";
    $("sign-out").hidden = false;
  }

  /** The server's answer to a failed call, in words and without status codes or JSON. */
  async function failure(response) {
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch (ignored) { /* not JSON */ }
    if (response.status === 400 && body && Array.isArray(body.errors)) {
      const first = body.errors[0] || {};
      return new PageError(body.errors.map(e => (e.field ? e.field + ": " : "") + e.message).join("; "), first.field);
    }
    if (response.status === 403) {
      return new PageError("Your account may not do this here: it lacks the realm-management role it needs "
          + "(view-events to read events, view-users to look users up, manage-users to give feedback).");
    }
    if (response.status === 404) {
      const said = body && (body.error_description || body.errorMessage || body.error);
      return new PageError(said && !/^HTTP \d+/.test(said) ? said : "Not found.");
    }
    return new PageError("The server could not answer this request; try again in a moment.");
  }

  async function send(method, url, body, accept) {
    const response = await fetch(url, {
      method: method,
      headers: Object.assign({ Authorization: "Bearer " + accessToken }, accept ? { Accept: accept } : {},
          body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined
    });
    if (response.status === 401) {
      await signIn();
      throw new PageError("Your sign-in ended; signing in again…");
    }
    if (!response.ok) {
      throw await failure(response);
    }
    return response;
  }

  async function call(method, path, body) {
    const text = await (await send(method, api + path, body)).text();
    return text ? JSON.parse(text) : null;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    else if (tag === "tr") node.className = "pf-v5-c-table__tr";
    else if (tag === "td") node.className = "pf-v5-c-table__td";
    return node;
  }

  function label(text, colour) {
    const outer = element("span", null, "pf-v5-c-label pf-m-compact" + (colour ? " pf-m-" + colour : ""));
    outer.appendChild(element("span", text, "pf-v5-c-label__content"));
    return outer;
  }

  function button(text, variant) {
    const node = element("button", text, "pf-v5-c-button pf-m-" + (variant || "secondary") + " pf-m-small");
    node.type = "button";
    return node;
  }

  function link(text, href) {
    const node = element("a", text);
    node.href = href;
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
    // Three counts of the same events, each its own table: a level and an action on one line are not related.
    $("summary-counts").replaceChildren(
        countTable("Risk level", LEVELS.map(l => [l, summary.byLevel[l] || 0])),
        countTable("Action", Object.entries(summary.byAction)),
        countTable("Type", Object.entries(summary.byType)));
    $("summary").hidden = false;
  }

  function countTable(title, rows) {
    const table = element("table", null, "pf-v5-c-table pf-m-compact counts");
    table.setAttribute("aria-label", "Events by " + title.toLowerCase());
    const head = element("thead", null, "pf-v5-c-table__thead");
    const headRow = element("tr");
    headRow.append(element("th", title, "pf-v5-c-table__th"), element("th", "Events", "pf-v5-c-table__th"));
    head.appendChild(headRow);
    const body = element("tbody", null, "pf-v5-c-table__tbody");
    rows.forEach(([name, count]) => {
      const row = element("tr");
      row.append(element("td", name), element("td", count));
      body.appendChild(row);
    });
    table.append(head, body);
    return table;
  }

  /** The user a text names: a username first (exact), else a user id; a PageError naming the text if none. */
  async function userOf(text) {
    const found = await (await send("GET", users + "?exact=true&briefRepresentation=true&username="
        + encodeURIComponent(text))).json();
    if (found.length > 0) return found[0];
    try {
      return await (await send("GET", users + "/" + encodeURIComponent(text))).json();
    } catch (error) {
      if (error instanceof PageError && error.message.startsWith("Your account")) throw error;
      throw new PageError("No user named " + text + " in realm " + realm + ".", "user");
    }
  }

  async function usernameOf(userId) {
    if (!userId) return "";
    if (!usernames.has(userId)) {
      usernames.set(userId, send("GET", users + "/" + encodeURIComponent(userId))
          .then(response => response.json()).then(user => user.username, () => userId));
    }
    return usernames.get(userId);
  }

  /** A datetime-local value read as UTC. */
  function instant(value) {
    return value ? new Date(value + "Z").toISOString() : "";
  }

  /** The filters of the form as API parameters, checked before any request. */
  async function filtersOfForm() {
    const form = new FormData($("filters"));
    const filters = {};
    ["level", "action", "type", "clientId"].forEach(name => {
      const value = (form.get(name) || "").trim();
      if (value) filters[name] = value;
    });
    if (form.get("from")) filters.from = instant(form.get("from"));
    if (form.get("to")) filters.to = instant(form.get("to"));
    if (filters.from && filters.to && filters.from > filters.to) {
      throw new PageError("From is after To: no event can match. Pick a From before the To.", "from");
    }
    const user = (form.get("user") || "").trim();
    let shownUser = null;
    if (user) {
      shownUser = await userOf(user);
      filters.userId = shownUser.id;
    }
    return { filters: filters, user: shownUser };
  }

  async function search(event) {
    if (event) event.preventDefault();
    clearListAlerts();
    let chosen;
    try {
      chosen = await filtersOfForm();
    } catch (error) {
      showListError(error);
      status("No events shown.");
      return;
    }
    listed = { filters: chosen.filters, user: chosen.user, first: 0, max: Number($("per-page").value) };
    showUserHeading(chosen.user);
    await showPage();
  }

  function showUserHeading(user) {
    $("events-heading").textContent = user ? "Risk events of " + user.username : "Risk events";
    $("page-title").textContent = user ? "Event history of " + user.username : "Event history";
  }

  /** One page of the listed events; one more than a page is read to know whether a next page exists. */
  async function showPage() {
    clearListAlerts();
    let events;
    try {
      events = await call("GET", "events?" + new URLSearchParams(Object.assign({}, listed.filters,
          { first: String(listed.first), max: String(listed.max + 1) })));
    } catch (error) {
      showListError(error);
      status("No events shown.");
      return;
    }
    const more = events.length > listed.max;
    const shown = events.slice(0, listed.max);
    const rows = await Promise.all(shown.map(eventRow));
    $("events").replaceChildren(...rows);
    $("no-events").hidden = shown.length > 0;
    $("range").textContent = shown.length === 0 ? "No events"
        : (listed.first + 1) + " – " + (listed.first + shown.length) + (more ? " of more" : "");
    $("previous-page").disabled = listed.first === 0;
    $("next-page").disabled = !more;
    markSelected();
    status(shown.length + " event(s) shown.");
  }

  function turnPage(step) {
    if (!listed) return;
    listed.first = Math.max(0, listed.first + step * listed.max);
    showPage().catch(error => status(error.message, true));
  }

  async function eventRow(e) {
    const row = element("tr");
    row.dataset.eventId = e.id;
    row.dataset.userId = e.userId || "";
    row.tabIndex = 0;
    const risk = element("td", null, "pf-v5-c-table__td risk");
    risk.appendChild(label(e.risk.level, LABEL_COLOURS[e.risk.level]));
    row.append(
        element("td", e.time.replace("T", " ").replace("Z", "")),
        element("td", await usernameOf(e.userId)),
        element("td", e.clientId || ""),
        element("td", e.type + methodOf(e)),
        risk,
        element("td", e.risk.action, "pf-v5-c-table__td action"),
        outcomeCell(e), cell(reasonList(e)), cell(contextList(e)), feedbackCell(e));
    row.addEventListener("click", click => {
      if (click.target.closest("button, a")) return;
      openEvent(e.id).catch(error => status(error.message, true));
    });
    row.addEventListener("keydown", key => {
      if (key.key === "Enter" && key.target === row) openEvent(e.id).catch(error => status(error.message, true));
    });
    return row;
  }

  function reasonList(e) {
    const reasons = element("ul");
    e.risk.reasons.forEach(r => reasons.appendChild(element("li", r.signal + " +" + r.score
        + (r.detail ? ": " + r.detail : ""))));
    if (e.risk.override) reasons.appendChild(element("li", "IP list: " + e.risk.override));
    return reasons;
  }

  function contextList(e) {
    const context = element("ul");
    const c = e.context || {};
    [["IP", c.ipAddress], ["Device", c.deviceName], ["Place", [c.city, c.country].filter(Boolean).join(", ")]]
        .filter(([, v]) => v).forEach(([k, v]) => context.appendChild(element("li", k + ": " + v)));
    return context;
  }

  /** What happened: the response, whether the action was enforced, the second factor, the mail. */
  function outcomeLabels(e) {
    const labels = [label(e.response, e.response === "FAIL" ? "red" : "green"),
      label(e.risk.enforced ? "enforced" : "audit only", e.risk.enforced ? "blue" : "grey")];
    if (e.mfa) {
      labels.push(label(e.mfa.challenge + " " + e.mfa.result,
          e.mfa.result === "SUCCESS" ? "green" : e.mfa.result === "FAILURE" ? "red" : "orange"));
    }
    if (e.notification) {
      const n = e.notification;
      labels.push(label("mail " + n.status + " (" + n.attempts + (n.attempts === 1 ? " attempt" : " attempts") + ")",
          n.status === "SENT" ? "green" : n.status === "FAILED" ? "red" : n.status === "PENDING" ? "orange" : "grey"));
    }
    return labels;
  }

  function outcomeCell(e) {
    const td = element("td", null, "pf-v5-c-table__td outcome");
    td.append(...outcomeLabels(e));
    return td;
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

  function feedbackText(e) {
    return e.feedback ? e.feedback.value + " (" + e.feedback.provider + ")" : "none";
  }

  /** The current feedback and the buttons to give it; Mark invalid asks first. */
  function feedbackButtons(e, target) {
    const current = element("span", feedbackText(e), "feedback-value");
    target.appendChild(current);
    if (!e.userId) return;
    const valid = button("Mark valid", "secondary");
    valid.dataset.feedback = "VALID";
    valid.addEventListener("click", () => giveFeedback(e, "VALID").catch(error => status(error.message, true)));
    const invalid = button("Mark invalid", "danger");
    invalid.dataset.feedback = "INVALID";
    invalid.addEventListener("click", () => confirmInvalid(e).catch(error => status(error.message, true)));
    target.append(element("br"), valid, invalid);
  }

  function feedbackCell(e) {
    const td = element("td", null, "pf-v5-c-table__td feedback");
    feedbackButtons(e, td);
    return td;
  }

  async function giveFeedback(e, value) {
    const updated = await call("PUT", "users/" + encodeURIComponent(e.userId) + "/events/"
        + encodeURIComponent(e.id) + "/feedback", { value: value });
    document.querySelectorAll("tr[data-event-id='" + CSS.escape(e.id) + "'] .feedback-value, "
        + "#event-detail[data-event-id='" + CSS.escape(e.id) + "'] .feedback-value")
        .forEach(node => { node.textContent = feedbackText(updated); });
    status("Feedback " + value + " saved.");
  }

  async function confirmInvalid(e) {
    pendingInvalid = e;
    $("invalid-user").textContent = await usernameOf(e.userId);
    $("invalid-time").textContent = e.time.replace("T", " ").replace("Z", " UTC");
    $("invalid-modal").hidden = false;
    $("invalid-cancel").focus();
  }

  function closeInvalid() {
    pendingInvalid = null;
    $("invalid-modal").hidden = true;
  }

  // The detail drawer: one event, with a link that opens it again (#event=<id>).
  function eventIdInAddress() {
    const match = /^#event=(.+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function markSelected() {
    document.querySelectorAll("#events tr").forEach(row => {
      row.classList.toggle("selected", row.dataset.eventId === openEventId);
    });
  }

  async function openEvent(id) {
    let e;
    try {
      e = await call("GET", "events/" + encodeURIComponent(id));
    } catch (error) {
      alertIn("list-alert", error.message);
      closeEvent();
      return;
    }
    openEventId = id;
    const address = pageAddress(new URLSearchParams(location.search).get("user"), "#event=" + encodeURIComponent(id));
    if (location.pathname + location.search + location.hash !== address) history.replaceState(null, "", address);
    const username = await usernameOf(e.userId);
    $("event-title").textContent = e.type + " of " + (username || "an unknown user");
    const detail = $("event-detail");
    detail.dataset.eventId = e.id;
    const list = element("dl");
    const add = (term, value) => {
      if (value === null || value === undefined || value === "") return;
      const dd = element("dd");
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
      list.append(element("dt", term), dd);
    };
    const outcome = element("span", null, "outcome");
    outcome.append(...outcomeLabels(e));
    const c = e.context || {};
    add("Time (UTC)", e.time.replace("T", " ").replace("Z", ""));
    if (e.userId) {
      const who = element("span");
      who.append(element("span", username + " "), link("this user's events", pageAddress(e.userId)), " · ",
          link("in the admin console", adminConsole + "#/" + encodeURIComponent(realm) + "/users/"
              + encodeURIComponent(e.userId) + "/settings"));
      add("User", who);
    }
    add("Client", e.clientId);
    add("Type", e.type + methodOf(e));
    add("Risk level", label(e.risk.level, LABEL_COLOURS[e.risk.level]));
    add("Action", e.risk.action);
    add("Outcome", outcome);
    add("Second factor", e.mfa ? e.mfa.challenge + ": " + e.mfa.result : "not asked for");
    add("Mail", e.notification ? e.notification.kind + ", " + e.notification.status + " after "
        + e.notification.attempts + " attempt(s)" + (e.notification.detail ? " — " + e.notification.detail : "")
        : "none");
    add("Reasons", e.risk.reasons.length || e.risk.override ? reasonList(e) : "none");
    add("Compromised credentials", e.risk.compromisedCredentials ? "yes" : "no");
    add("IP address", c.ipAddress);
    add("Device", c.deviceName);
    add("Place", [c.city, c.country].filter(Boolean).join(", "));
    const feedback = element("div", null, "feedback");
    feedbackButtons(e, feedback);
    add("Feedback", feedback);
    add("Event id", e.id);
    const share = element("div", null, "share");
    const shareLink = link("Link to this event", location.href);
    shareLink.id = "event-link";
    share.appendChild(shareLink);
    detail.replaceChildren(list, share);
    $("event-panel").hidden = false;
    $("drawer").classList.add("pf-m-expanded");
    markSelected();
  }

  function closeEvent() {
    openEventId = null;
    $("event-panel").hidden = true;
    $("drawer").classList.remove("pf-m-expanded");
    if (location.hash) history.replaceState(null, "", pageAddress(new URLSearchParams(location.search).get("user")));
    markSelected();
  }

  /** Every event the filters select, all pages, as the server's CSV, saved as a file. */
  async function exportCsv() {
    clearListAlerts();
    let chosen;
    try {
      chosen = await filtersOfForm();
    } catch (error) {
      showListError(error);
      return;
    }
    status("Exporting…");
    let blob;
    try {
      blob = await (await send("GET", api + "events.csv?" + new URLSearchParams(chosen.filters), null,
          "text/csv")).blob();
    } catch (error) {
      showListError(error);
      status("Nothing exported.", true);
      return;
    }
    const address = URL.createObjectURL(blob);
    const save = element("a");
    save.href = address;
    save.download = "risk-events-" + realm + ".csv";
    document.body.appendChild(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(address), 60000);
    status("Exported the events of these filters as CSV.");
  }

  /** Users whose remembered risk is AT_RISK or COMPROMISED, COMPROMISED first; view-users is enough to see them. */
  async function showUsersAtRisk() {
    const atRisk = await call("GET", "users-at-risk?max=100");
    const body = $("users-at-risk");
    body.replaceChildren();
    $("users-at-risk-none").hidden = atRisk.length > 0;
    atRisk.forEach(user => {
      const row = element("tr");
      row.dataset.userId = user.userId;
      const name = element("td");
      name.appendChild(link(user.username, pageAddress(user.userId)));
      const state = element("td");
      state.appendChild(label(user.state, LABEL_COLOURS[user.state]));
      row.append(name, state,
          element("td", user.since ? user.since.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : ""),
          element("td", user.reasons.map(r => r.cause + (r.detail ? " (" + r.detail + ")" : "")).join("; ")));
      body.append(row);
    });
    $("at-risk").hidden = false;
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
      const release = button("Release", "secondary");
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
    $("realm-name").textContent = "Realm " + realm;
    $("console-link").href = adminConsole + "#/" + encodeURIComponent(realm);
    $("console-link").textContent = "Back to realm " + realm + " in the admin console";
    $("sign-out").addEventListener("click", signOut);
    $("filters").addEventListener("submit", event => search(event).catch(error => status(error.message, true)));
    $("export").addEventListener("click", () => exportCsv().catch(error => status(error.message, true)));
    $("previous-page").addEventListener("click", () => turnPage(-1));
    $("next-page").addEventListener("click", () => turnPage(1));
    $("per-page").addEventListener("change", () => search().catch(error => status(error.message, true)));
    $("close-event").addEventListener("click", closeEvent);
    $("invalid-cancel").addEventListener("click", closeInvalid);
    $("invalid-confirm").addEventListener("click", () => {
      const e = pendingInvalid;
      closeInvalid();
      if (e) giveFeedback(e, "INVALID").catch(error => status(error.message, true));
    });
    document.addEventListener("keydown", key => {
      if (key.key === "Escape" && !$("invalid-modal").hidden) closeInvalid();
    });
    window.addEventListener("hashchange", () => {
      const id = eventIdInAddress();
      if (id && id !== openEventId) openEvent(id).catch(error => status(error.message, true));
      if (!id && openEventId) closeEvent();
    });
    $("what-if-run").addEventListener("click", () => runWhatIf().catch(error => status(error.message, true)));
    const code = query.get("code");
    if (!code) {
      if (query.get("error")) {
        status("Signing in failed: " + (query.get("error_description") || query.get("error")), true);
        return;
      }
      await signIn();
      return;
    }
    await finishSignIn(code, query.get("state"));
    $("history").hidden = false;
    status("Loading…");
    const user = new URLSearchParams(location.search).get("user");
    if (user) $("filter-user").value = user;
    const eventId = eventIdInAddress();
    await Promise.all([showSummary().catch(error => status(error.message, true)),
      showAttack().catch(error => status(error.message, true)),
      showUsersAtRisk().catch(error => status(error.message, true)), search(),
      eventId ? openEvent(eventId) : Promise.resolve(), loadWhatIf()]);
  }

  start().catch(error => status(error.message, true));
})();
