// The filters of the measures list, where scripts run: a ticked option applies at once, focus comes back to the
// result count after the new page loads, empty fields stay out of the address, the Parties can be narrowed by
// typing, and on a narrow screen the filters fold under their toggle. Without scripts the same form works with
// its "Apply filters" button (docs/public-portal.md, "Public portal: measures").
(() => {
  const form = document.querySelector("form[data-auto-submit]");
  if (!form) return;

  // The fragment carries "this page comes from the filters" across the navigation: no storage to clean up, and
  // a redirect (which drops empty parameters) keeps it.
  const RESULTS = "results";
  const narrow = window.matchMedia("(max-width: 48rem)");

  const panel = document.querySelector("[data-filter-panel]");
  if (panel) {
    // Folded on a narrow screen by fold_filters.js; the toggle is hidden on a wide screen, so the filters must not
    // stay folded there.
    narrow.addEventListener("change", (event) => {
      if (!event.matches) panel.open = true;
    });
  }

  form.querySelectorAll("[data-auto-submit-hint]").forEach((hint) => {
    hint.hidden = false;
  });

  // Empty fields would otherwise be sent as `q=&year_from=`; disabled fields are not sent at all.
  let emptied = [];
  const leaveOutEmptyFields = () => {
    emptied = [...form.elements].filter((field) => {
      if (!field.name || field.disabled) return false;
      if (field.type === "radio" || field.type === "checkbox") return field.checked && field.value === "";
      return "value" in field && field.value.trim() === "";
    });
    emptied.forEach((field) => {
      field.disabled = true;
    });
    const action = new URL(form.action, document.baseURI);
    action.hash = RESULTS;
    form.action = action.href;
  };
  form.addEventListener("submit", leaveOutEmptyFields);
  // Coming back with the Back button may show this very page again, fields still disabled.
  window.addEventListener("pageshow", () => {
    emptied.forEach((field) => {
      field.disabled = false;
    });
    emptied = [];
  });

  const submit = () => {
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      leaveOutEmptyFields();
      form.submit();
    }
  };
  // Text fields apply on Enter (the browser submits the form) rather than when they lose focus: moving from
  // "From year" to "To year" must not reload the page under the keyboard.
  form.addEventListener("change", (event) => {
    const field = event.target;
    if (field.name && (field.type === "checkbox" || field.type === "radio")) submit();
  });

  if (window.location.hash === `#${RESULTS}`) {
    const target = document.getElementById("error-summary") || document.getElementById("results-heading");
    if (target) target.focus();
    // The address to share or bookmark is the filters alone.
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  }

  // Narrowing a long list by typing, whatever the case and accents ("cote" finds "Côte d'Ivoire").
  const fold = (text) =>
    text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .trim();
  document.querySelectorAll("[data-facet-search]").forEach((box) => {
    const input = box.querySelector("input");
    const status = box.querySelector("[role=status]");
    const fieldset = box.closest("fieldset");
    if (!input || !fieldset) return;
    const options = [...fieldset.querySelectorAll(".options li")].map((item) => {
      const label = item.querySelector("label");
      const count = label && label.querySelector(".count");
      const text = label ? label.textContent.replace(count ? count.textContent : "", "") : "";
      return { item, text: fold(text) };
    });
    const more = fieldset.querySelector(".facet-more");
    box.hidden = false;
    input.addEventListener("input", () => {
      const wanted = fold(input.value);
      let shown = 0;
      options.forEach(({ item, text }) => {
        const match = text.includes(wanted);
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (more && wanted) more.open = true;
      if (status) status.textContent = shown ? "" : status.dataset.none;
    });
    // Enter here would send the form with nothing new in it.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  });
})();
