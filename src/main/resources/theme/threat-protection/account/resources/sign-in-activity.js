// The account console's "Sign-in activity" page: the user's own sign-ins of the last 30 days, each with
// "This wasn't me". The account console keeps its token to itself, so the page gets one of its own for the
// realm's public client "threat-protection-console" from the user's SSO session (authorization code with PKCE,
// prompt=none, in a hidden frame), keeps it in memory only, and calls /realms/{realm}/threat-protection/account.
import { createElement as h, useEffect, useState } from "react";

const CLIENT_ID = "threat-protection-console";
const METHODS = { PASSWORD: "Password", PASSKEY: "Passkey", FEDERATED: "Identity provider", RESET_LINK: "Reset link" };
const TYPES = { SIGN_IN: "Sign-in", PASSWORD_RESET: "Password reset", TOKEN_REFRESH: "Session used",
  SIGN_UP: "Sign-up", PASSWORD_CHANGE: "Password change" };

function environment() {
  return JSON.parse(document.getElementById("environment").textContent);
}

function realmUrl(env) {
  return env.serverBaseUrl.replace(/\/$/, "") + "/realms/" + encodeURIComponent(env.realm);
}

function base64url(bytes) {
  let text = "";
  bytes.forEach(b => { text += String.fromCharCode(b); });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A code from the user's SSO session, through a hidden frame that lands on the page client's blank page. */
function silentCode(authorizeUrl, redirectUri) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.title = "sign-in";
    const giveUp = setTimeout(() => { frame.remove(); reject(new Error("The sign-in did not answer.")); }, 15000);
    frame.addEventListener("load", () => {
      let href;
      try {
        href = frame.contentWindow.location.href;
      } catch (e) {
        return; // not back on this origin yet
      }
      if (href.startsWith(redirectUri)) {
        clearTimeout(giveUp);
        frame.remove();
        resolve(new URL(href));
      }
    });
    frame.src = authorizeUrl;
    document.body.appendChild(frame);
  });
}

async function accessToken(env) {
  const base = realmUrl(env);
  const redirectUri = base + "/threat-protection-console/signed-in";
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256",
      new TextEncoder().encode(verifier))));
  const params = new URLSearchParams({
    client_id: CLIENT_ID, response_type: "code", scope: "openid", redirect_uri: redirectUri, prompt: "none",
    state: state, code_challenge: challenge, code_challenge_method: "S256"
  });
  const answer = await silentCode(base + "/protocol/openid-connect/auth?" + params, redirectUri);
  if (answer.searchParams.get("state") !== state || !answer.searchParams.get("code")) {
    throw new Error("Could not sign in to read your sign-ins (" + (answer.searchParams.get("error") || "no code")
        + ").");
  }
  const response = await fetch(base + "/protocol/openid-connect/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: CLIENT_ID, code: answer.searchParams.get("code"),
      redirect_uri: redirectUri, code_verifier: verifier
    })
  });
  if (!response.ok) {
    throw new Error("Could not sign in to read your sign-ins (" + response.status + ").");
  }
  return (await response.json()).access_token;
}

async function call(env, token, method, path) {
  const response = await fetch(realmUrl(env) + "/threat-protection/account/" + path, {
    method: method, headers: { Authorization: "Bearer " + token, Accept: "application/json" }
  });
  if (!response.ok) {
    throw new Error("The server answered " + response.status + ".");
  }
  return response.json();
}

function place(event) {
  return [event.city, event.country].filter(Boolean).join(", ") || "Unknown";
}

function how(event) {
  const method = METHODS[event.method] || event.method || "";
  return (TYPES[event.type] || event.type) + (method ? " (" + method
      + (event.identityProvider ? ": " + event.identityProvider : "") + ")" : "");
}

function Row({ event, onNotMe, busy }) {
  let answer;
  if (event.feedback === "INVALID") {
    answer = h("span", { className: "tp-reported" }, "Reported as not you");
  } else if (event.feedback === "VALID") {
    answer = h("span", null, "Confirmed as you");
  } else {
    answer = h("button", {
      type: "button", className: "pf-v5-c-button pf-m-link pf-m-danger", disabled: busy,
      "data-not-me": event.id, onClick: () => onNotMe(event)
    }, "This wasn't me");
  }
  return h("tr", { "data-event-id": event.id },
      h("td", null, new Date(event.time).toLocaleString(environment().locale || undefined)),
      h("td", null, event.device || "Unknown device"),
      h("td", null, place(event)),
      h("td", null, event.networkOwner || ""),
      h("td", null, how(event)),
      h("td", null, event.result === "PASS" ? "Signed in" : "Refused"),
      h("td", null, answer));
}

export default function SignInActivity() {
  const [token, setToken] = useState(null);
  const [events, setEvents] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const env = environment();
    accessToken(env)
        .then(got => { setToken(got); return call(env, got, "GET", "sign-ins"); })
        .then(setEvents)
        .catch(e => setError(e.message));
  }, []);

  function notMe(event) {
    setBusy(true);
    call(environment(), token, "POST", "sign-ins/" + encodeURIComponent(event.id) + "/not-me")
        .then(answered => {
          setEvents(events.map(e => e.id === answered.id ? answered : e));
          setNotice("Thank you. Everyone signed in to your account, you included, has been signed out. Choose a new"
              + " password through \"Forgot password?\" on the sign-in page before you sign in again.");
        })
        .catch(e => setError(e.message))
        .finally(() => setBusy(false));
  }

  const rows = events === null ? [] : events.map(event => h(Row, { key: event.id, event, onNotMe: notMe, busy }));
  return h("section", { className: "pf-v5-c-page__main-section", id: "tp-sign-in-activity" },
      h("h1", { className: "pf-v5-c-title pf-m-2xl" }, "Sign-in activity"),
      h("p", null, "Sign-ins to your account in the last 30 days. If one was not you, say so: your account is"
          + " then signed out everywhere and needs a new password."),
      notice && h("div", { className: "pf-v5-c-alert pf-m-info", id: "tp-notice", role: "status" }, notice),
      error && h("div", { className: "pf-v5-c-alert pf-m-danger", id: "tp-error", role: "alert" }, error),
      events === null && !error && h("p", null, "Loading…"),
      events !== null && events.length === 0 && h("p", { id: "tp-empty" }, "No sign-ins in the last 30 days."),
      events !== null && events.length > 0 && h("table", { className: "pf-v5-c-table pf-m-compact", id: "tp-events" },
          h("thead", null, h("tr", null, ["Time", "Device", "Place", "Network", "How", "Result", ""]
              .map(title => h("th", { key: title, scope: "col" }, title)))),
          h("tbody", null, rows)));
}
