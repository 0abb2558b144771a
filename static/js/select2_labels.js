// The admin's autocomplete boxes (select2) name their combobox after the chosen value only, so an empty one
// has no accessible name: give each the label of the field it stands for, now and in each new inline row.
(() => {
  const nameComboboxes = () => {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const widget = select.nextElementSibling;
      if (!widget || !widget.classList.contains("select2")) {
        return;
      }
      const label = document.querySelector(`label[for="${select.id}"]`);
      const name = (label && label.textContent.trim().replace(/:$/, "")) || select.getAttribute("aria-label");
      if (!name) {
        return;
      }
      widget.querySelectorAll("[role=combobox], [role=textbox]").forEach((element) => {
        element.setAttribute("aria-label", name);
        element.removeAttribute("aria-labelledby");
      });
    });
  };
  // select2 builds its boxes when jQuery is ready, which may come after this script: name them as they appear.
  new MutationObserver((changes) => {
    if (changes.some((change) => [...change.addedNodes].some((node) => node.classList && node.classList.contains("select2")))) {
      nameComboboxes();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameComboboxes);
  window.addEventListener("load", nameComboboxes);
  document.addEventListener("change", nameComboboxes);
})();
