/*
 * The threat-protection proof-of-work challenge (docs/challenge.md). Loaded by the login page with the puzzle in
 * this script's own URL: pow1.<kid>.<nonce>.<difficulty>.<expiresAt>.<mac>. Finds a counter such that
 * SHA-256(nonce bytes || counter's decimal digits) starts with <difficulty> zero bits, searching from zero while
 * the user types, and sends the puzzle and the counter with the username/password form. A press of "Sign In"
 * before the search ends waits for it. On the page of a risky sign-in (form marked data-submit-when-solved) there
 * is nothing to type: the form is sent as soon as the counter is found.
 */
(function () {
  "use strict";
  var own = new URL(document.currentScript.src);
  var puzzle = own.searchParams.get("puzzle") || "";
  var parts = puzzle.split(".");
  var difficulty = parseInt(parts[3], 10);
  // Hashes handed to Web Crypto at once: one at a time, the wait for each promise costs more than the hash.
  var BATCH = 256;

  function bytesOf(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes;
  }

  function zeroBits(hash) {
    var bits = 0;
    for (var i = 0; i < hash.length; i++) {
      if (hash[i] === 0) {
        bits += 8;
        continue;
      }
      return bits + Math.clz32(hash[i]) - 24;
    }
    return bits;
  }

  function solve(nonce) {
    var digits = new TextEncoder();
    function from(start) {
      var hashes = [];
      for (var i = 0; i < BATCH; i++) {
        var counter = digits.encode(String(start + i));
        var input = new Uint8Array(nonce.length + counter.length);
        input.set(nonce);
        input.set(counter, nonce.length);
        hashes.push(crypto.subtle.digest("SHA-256", input));
      }
      return Promise.all(hashes).then(function (results) {
        for (var j = 0; j < results.length; j++) {
          if (zeroBits(new Uint8Array(results[j])) >= difficulty) {
            return String(start + j);
          }
        }
        return from(start + BATCH);
      });
    }
    return from(0);
  }

  var started = performance.now();
  var solution = solve(bytesOf(parts[2])).then(function (counter) {
    window.threatProtectionChallenge = {difficulty: difficulty, counter: counter,
      milliseconds: performance.now() - started};
    return counter;
  });

  function hidden(form, name, value) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    form.appendChild(field);
    return field;
  }

  function attach() {
    var form = document.getElementById("kc-form-login")
      || document.getElementById("threat-protection-challenge-form");
    if (!form) {
      return;
    }
    hidden(form, "threat-protection-challenge", puzzle);
    var answer = hidden(form, "threat-protection-solution", "");
    var note = document.createElement("p");
    note.id = "threat-protection-challenge-status";
    note.setAttribute("aria-live", "polite");
    note.textContent = own.searchParams.get("checking");
    form.insertBefore(note, form.firstChild);
    var solved = false;
    var waiting = form.hasAttribute("data-submit-when-solved");
    solution.then(function (counter) {
      answer.value = counter;
      solved = true;
      note.textContent = own.searchParams.get("checked");
      form.setAttribute("data-challenge", "solved");
      if (waiting) {
        // form.submit() sends the form without raising the submit event below.
        form.submit();
      }
    });
    form.addEventListener("submit", function (event) {
      if (solved) {
        return;
      }
      event.preventDefault();
      waiting = true;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attach);
  } else {
    attach();
  }
})();
