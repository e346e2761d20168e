// Page viewer: bring the quoted passage into view (also without a #zitat in the address).
(function () {
  "use strict";
  var mark = document.getElementById("zitat");
  if (!mark) return;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  mark.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
  mark.focus({ preventScroll: true });
})();
