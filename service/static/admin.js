// Job page: live progress over server-sent events; the page reloads when the job is done.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box || !window.EventSource) return;
  var id = box.getAttribute("data-job");
  var bar = document.getElementById("job-progress");
  var stage = document.getElementById("job-stage");
  var eta = document.getElementById("job-eta");
  var source = new EventSource("/api/admin/jobs/" + encodeURIComponent(id) + "/events");
  source.addEventListener("progress", function (ev) {
    var job = JSON.parse(ev.data);
    if (bar) {
      bar.value = job.progress;
      bar.textContent = Math.round(job.progress * 100) + " %";
    }
    if (stage && stage.textContent !== job.stage) stage.textContent = job.stage;
    if (eta) eta.textContent = job.eta_seconds ? "noch etwa " + job.eta_seconds + " s" : "";
  });
  source.addEventListener("done", function () {
    source.close();
    window.location.reload();
  });
  source.onerror = function () {
    // the server restarted or the connection dropped: a reload shows the current state
    source.close();
    window.setTimeout(function () { window.location.reload(); }, 3000);
  };
})();
