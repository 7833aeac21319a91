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
  document.querySelectorAll("input[data-preview]").forEach(function (input) {
    var box = document.getElementById(input.getAttribute("aria-describedby").split(" ").pop());
    var math = box.querySelector(".math"), msg = box.querySelector(".msg");
    var update = debounce(function () {
      var data = { answer: input.value };
      if (input.dataset.token) { data.token = input.dataset.token; data.q = input.dataset.q; }
      else { data.qid = input.dataset.qid; data.v = input.dataset.v; }
      if (!input.value.trim()) { math.innerHTML = ""; msg.textContent = ""; return; }
      post("/api/read", data, true).then(function (r) { return r.json(); }).then(function (res) {
        if (!res.ok) { math.innerHTML = ""; msg.textContent = res.error || ""; return; }
        var rd = res.reading;
        math.innerHTML = rd.ok ? (rd.mathml || "") : "";
        msg.textContent = rd.ok ? rd.text + (rd.notes && rd.notes.length ? "  (" + rd.notes.join("; ") + ")" : "") : rd.message;
        box.dataset.state = rd.ok ? "ok" : "error";
      }).catch(function () { msg.textContent = "(preview unavailable)"; });
    }, 200);
    input.addEventListener("input", update);
    if (input.value) update();
  });
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = form.querySelector(".saved"), rev = form.querySelector('input[name="rev"]');
    var field = form.querySelector('[name="answer"]');
    var busy = false, again = false;
    function save() {
      if (busy) { again = true; return; }
      busy = true;
      var data = { csrf: csrf, q: form.querySelector('input[name="q"]').value, rev: rev.value, answer: field.value };
      post(form.action, data, false).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
        .then(function (res) {
          if (res[1].ok) { rev.value = res[1].rev; status.textContent = "Saved " + new Date().toLocaleTimeString() + "."; }
          else { status.textContent = res[1].error; }
        }).catch(function () { status.textContent = "Not saved (no connection); it will be retried."; again = true; })
        .then(function () { busy = false; if (again) { again = false; setTimeout(save, 1000); } });
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
