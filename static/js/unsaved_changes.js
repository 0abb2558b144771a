// Leaving a back-office form with unsaved changes asks first (the browser's own "Leave site?" dialog).
// Any typing or choice in a change form marks it changed; sending the form (Save, or a review button, which
// saves too) clears the mark.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#content-main form[id$='_form']");
  if (!form) {
    return;
  }
  let changed = false;
  const markChanged = () => {
    changed = true;
  };
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  form.addEventListener("submit", () => {
    changed = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (changed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
