// cakupan — the only script: follow a running job's progress without reloading the page.
// Every request it makes carries the session's CSRF token (the <meta name="csrf-token"> tag).
(function () {
  function csrf() {
    var m = document.querySelector("meta[name=csrf-token]");
    return m ? m.getAttribute("content") : "";
  }
  function follow(box) {
    var id = box.getAttribute("data-job");
    var timer = setInterval(function () {
      fetch("/api/v1/jobs/" + id, { headers: { "Accept": "application/json", "X-CSRF-Token": csrf() }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var bar = box.querySelector("progress");
          if (bar) { bar.value = job.progress; }
          var msg = box.querySelector(".msg");
          if (msg) { msg.textContent = job.message || ""; }
          if (job.status === "done" || job.status === "failed") {
            clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }, 700);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll(".job[data-status=queued], .job[data-status=running]");
    for (var i = 0; i < boxes.length; i++) { follow(boxes[i]); }
  });
})();
