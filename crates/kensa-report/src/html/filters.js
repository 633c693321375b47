// Filters by status, severity, requirement and region. Without script the
// form stays hidden and every finding is shown.
(function () {
  "use strict";
  var root = document.documentElement;
  var form = document.getElementById("filters");
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));

  function chosen(name) {
    var field = form ? form.elements.namedItem(name) : null;
    return field ? field.value : "";
  }

  function matches(finding, wanted) {
    var d = finding.dataset;
    return (!wanted.status || d.status === wanted.status) &&
      (!wanted.severity || d.severity === wanted.severity) &&
      (!wanted.requirement || d.requirements.split(" ").indexOf(wanted.requirement) >= 0) &&
      (!wanted.region || d.region === wanted.region);
  }

  function apply() {
    var wanted = {
      status: chosen("status"),
      severity: chosen("severity"),
      requirement: chosen("requirement"),
      region: chosen("region")
    };
    var filtering = Boolean(wanted.status || wanted.severity || wanted.requirement || wanted.region);
    var total = 0;
    findings.forEach(function (finding) {
      var shown = matches(finding, wanted);
      finding.hidden = !shown;
      if (shown) { total += 1; }
    });
    groups.forEach(function (group) {
      var shown = group.querySelectorAll("article.finding:not([hidden])").length;
      var counter = group.querySelector(".shown");
      if (counter) { counter.textContent = String(shown); }
      group.hidden = filtering && shown === 0;
      // A filter that picks passes or exceptions opens their folded group.
      if (group.tagName === "DETAILS" && filtering && shown > 0) { group.open = true; }
    });
    var summary = document.getElementById("shown-total");
    if (summary) { summary.textContent = String(total); }
  }

  // A link may preset the filters: report.html#status=FAIL&region=global
  function presetFromFragment() {
    var fragment = window.location.hash.slice(1);
    if (!form || fragment.indexOf("=") < 0) { return; }
    fragment.split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var field = form.elements.namedItem(decodeURIComponent(parts[0]));
      if (field && field.tagName === "SELECT") { field.value = decodeURIComponent(parts[1] || ""); }
    });
  }

  if (form) {
    form.hidden = false;
    presetFromFragment();
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  }

  // Printing shows every piece of evidence; closed groups reopen afterwards.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    reopened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });

  root.setAttribute("data-kensa-ready", "true");
})();
