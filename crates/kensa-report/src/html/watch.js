// Runs first: records script errors and Content-Security-Policy violations
// on <html> so a reader (or the headless-browser test) can see them.
(function () {
  "use strict";
  var root = document.documentElement;
  function record(attribute, message) {
    var before = root.getAttribute(attribute);
    root.setAttribute(attribute, before ? before + "\n" + message : message);
  }
  window.addEventListener("error", function (event) {
    record("data-js-error", String(event.message));
  });
  document.addEventListener("securitypolicyviolation", function (event) {
    record("data-csp-violation", event.violatedDirective + " " + event.blockedURI);
  });
})();
