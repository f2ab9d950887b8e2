/* The topic editor: live preview as the chat widget shows it, and the content check as you
 * type (POST /check with the session's CSRF token). Works without this script too: the server
 * checks on save. No innerHTML: every text becomes a text node. */
(function () {
  "use strict";
  var form = document.getElementById("topic-form");
  if (!form) { return; }
  var text = document.getElementById("text");
  var title = document.getElementById("title");
  var examples = document.getElementById("examples");
  var problems = document.getElementById("problems");
  var count = document.getElementById("example-count");
  var timer = null;

  function preview() {
    document.getElementById("preview-text").textContent = text.value.trim();
    document.getElementById("preview-question").textContent = title.value.trim();
    var box = document.getElementById("preview-buttons");
    box.textContent = "";
    for (var i = 0; i < 8; i++) {
      var target = form.elements["button" + i];
      var label = form.elements["button" + i + "_title"];
      if (target && target.value && label) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "pk-quick-reply"; b.tabIndex = -1;
        b.textContent = label.value.trim();
        box.appendChild(b);
      }
    }
    var n = examples.value.split("\n").filter(function (l) { return l.trim(); }).length;
    count.textContent = String(n);
  }

  function show(result) {
    problems.textContent = "";
    var all = (result.errors || []).map(function (e) { return [e, true]; })
      .concat((result.warnings || []).map(function (w) { return [w, false]; }));
    if (!all.length) { return; }
    var list = document.createElement("ul");
    list.className = "problems";
    all.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item[0];
      if (item[1]) { li.className = "is-error"; }
      list.appendChild(li);
    });
    problems.appendChild(list);
  }

  function checkNow() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-check"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": form.elements.csrf.value }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) { if (result) { show(result); } })
      .catch(function () { /* the server checks again on save */ });
  }

  form.addEventListener("input", function () {
    preview();
    clearTimeout(timer);
    timer = setTimeout(checkNow, 400);
  });
  form.addEventListener("change", preview);
})();
