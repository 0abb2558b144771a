// The export page's "Select all" box, wired here instead of by an inline onchange attribute.
// onSelectToggleChange comes from django-import-export's export_selectable_fields.js, loaded before this file.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("select-all-toggle");
  if (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
