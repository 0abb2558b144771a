// Folds the measures list's filters on a narrow screen while the page is still being read, before what follows
// them is laid out: folded later (filters.js is deferred), they would push the results down after the first paint.
// A filter with an error message stays in view, as the error summary links to it.
(() => {
  const panel = document.currentScript.closest("[data-filter-panel]");
  if (panel && !panel.hasAttribute("data-has-errors") && window.matchMedia("(max-width: 48rem)").matches) {
    panel.open = false;
  }
})();
