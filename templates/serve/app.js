// quizgen serve: live preview of how an answer is read, autosave in exam mode, countdown.
// No framework, no network access beyond this server.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf"]').getAttribute("content");
  function debounce(fn, ms) { var t; return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); }; }
  function post(url, data, json) {
    var headers = { "x-csrf-token": csrf, "accept": "application/json" };
    var body;
    if (json) { headers["content-type"] = "application/json"; body = JSON.stringify(data); }
    else { body = new URLSearchParams(data); }
    return fetch(url, { method: "POST", headers: headers, body: body, credentials: "same-origin" });
  }
  document.querySelectorAll("[data-preview]").forEach(function (input) {
    var box = document.getElementById(input.getAttribute("aria-describedby").split(" ").pop());
    var math = box.querySelector(".math"), msg = box.querySelector(".msg"), list = box.querySelector(".lines");
    // a derivation (a text area): every line read back, in its own item
    function showLines(lines) {
      if (!list) { return; }
      list.innerHTML = "";
      (lines || []).forEach(function (line) {
        var li = document.createElement("li");
        if (line.error) { li.className = "error"; li.textContent = line.text + " — " + line.error; }
        else {
          var m = document.createElement("span"); m.innerHTML = line.mathml || "";  // our own MathML, as above
          var t = document.createElement("code"); t.textContent = line.text;
          li.appendChild(m); li.appendChild(document.createTextNode(" ")); li.appendChild(t);
        }
        list.appendChild(li);
      });
    }
    var update = debounce(function () {
      var data = { answer: input.value };
      if (input.dataset.q) { data.q = input.dataset.q; }
      else { data.qid = input.dataset.qid; data.v = input.dataset.v; }
      if (!input.value.trim()) { math.innerHTML = ""; msg.textContent = ""; showLines([]); return; }
      post(input.dataset.preview, data, true).then(function (r) { return r.json(); }).then(function (res) {
        if (!res.ok) { math.innerHTML = ""; msg.textContent = res.error || ""; return; }
        var rd = res.reading;
        if (rd.lines && rd.lines.length) {
          math.innerHTML = ""; msg.textContent = rd.ok ? "" : rd.message; showLines(rd.lines);
          box.dataset.state = rd.ok ? "ok" : "error";
          return;
        }
        math.innerHTML = rd.ok ? (rd.mathml || "") : "";
        msg.textContent = rd.ok ? rd.text + (rd.notes && rd.notes.length ? "  (" + rd.notes.join("; ") + ")" : "") : rd.message;
        box.dataset.state = rd.ok ? "ok" : "error";
      }).catch(function () { msg.textContent = "(preview unavailable)"; });
    }, 200);
    input.addEventListener("input", update);
    if (input.value) update();
  });
  // Autosave. One save in flight per question; what is typed meanwhile is saved after it. A
  // refused save is shown as an error (never in the "Saved" style) and is not retried blindly:
  // 409 (another tab saved this question) waits for the student's choice; 503 (the server cannot
  // store answers) and 429 retry after the time the server gives; a lost connection backs off.
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = form.querySelector(".saved"), rev = form.querySelector('input[name="rev"]');
    var field = form.querySelector('[name="answer"]');
    var conflict = form.querySelector(".conflict");
    var busy = false, again = false, blocked = false, timer = null, backoff = 1;
    var lastSaved = field.value;  // what the store holds for this question, as far as this page knows
    function show(text, ok) { status.textContent = text; status.classList.toggle("error", !ok); }
    function later(seconds) { clearTimeout(timer); timer = setTimeout(function () { timer = null; save(); }, seconds * 1000); }
    function save() {
      if (blocked) { return; }
      if (busy) { again = true; return; }
      if (field.value === lastSaved) { return; }
      busy = true;
      var sent = field.value;
      var data = { csrf: csrf, q: form.querySelector('input[name="q"]').value, rev: rev.value, answer: sent };
      post(form.action, data, false).then(function (r) { return r.json().then(function (j) { return [r.status, j, r.headers.get("retry-after")]; }); })
        .then(function (res) {
          var code = res[0], body = res[1], wait = parseInt(res[2] || "0", 10);
          if (body.ok) { rev.value = body.rev; lastSaved = sent; backoff = 1; show("Saved " + new Date().toLocaleTimeString() + ".", true); return; }
          show(body.error || ("Not saved (error " + code + ")."), false);
          if (code === 409) {
            blocked = true; again = false; stored = { rev: body.rev, answer: body.saved || "" };
            conflict.querySelector(".conflict-text").textContent = "The saved answer (revision " + body.rev + ") is: " + (body.saved || "(empty)");
            conflict.hidden = false;
          } else if (code === 503 || code === 429) { again = false; later(wait || 15); }
          else if (body.time_up) { blocked = true; again = false; field.readOnly = true; }
        }).catch(function () {
          show("Not saved (no connection); trying again in " + backoff + " s.", false);
          again = false; later(backoff); backoff = Math.min(backoff * 2, 30);
        })
        .then(function () { busy = false; if (again && !blocked) { again = false; save(); } });
    }
    var stored = null;  // {rev, answer} of the 409 that blocked this question
    if (conflict) {
      conflict.querySelector(".use-saved").addEventListener("click", function () {
        field.value = lastSaved = stored.answer; rev.value = stored.rev; blocked = false; conflict.hidden = true;
        field.dispatchEvent(new Event("input"));  // the preview follows (nothing to save: it is the saved answer)
        show("Showing the saved answer (revision " + stored.rev + ").", true);
      });
      conflict.querySelector(".keep-mine").addEventListener("click", function () {
        rev.value = stored.rev; lastSaved = stored.answer; blocked = false; conflict.hidden = true; save();
      });
    }
    field.addEventListener("input", debounce(save, 800));
    form.addEventListener("submit", function (e) { e.preventDefault(); save(); });
  });
  var cd = document.getElementById("countdown");
  if (cd) {
    var end = Date.now() + 1000 * parseInt(cd.dataset.remaining, 10);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      cd.textContent = left > 0 ? Math.floor(left / 60) + " min " + (left % 60) + " s" : "Time is up";
      if (left > 0) setTimeout(tick, 1000);
    };
    tick();
  }
})();
