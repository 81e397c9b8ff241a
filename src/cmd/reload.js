// kbgen serve: reloads the page whenever the site is rebuilt. Served as a file, so a
// strict Content-Security-Policy still holds while previewing.
(function () {
  "use strict";
  var script = document.currentScript;
  var events = new EventSource(new URL("/__kbgen/events", script ? script.src : location.href));
  events.addEventListener("reload", function () { location.reload(); });
})();
