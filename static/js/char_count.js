// A live character count under each text field with a length limit (data-max-length), in place of the browser's
// maxlength, which would silently cut a pasted text: a text over the limit stays whole and the form says so.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-max-length]").forEach((field) => {
    const limit = Number(field.dataset.maxLength);
    const label = field.dataset.countLabel || "%(count)s / %(limit)s";
    const count = document.createElement("div");
    count.className = "char-count help";
    count.id = `${field.id}_count`;
    count.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", count);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${count.id}` : count.id);
    const update = () => {
      const length = [...field.value].length;
      count.textContent = label.replace("%(count)s", length.toLocaleString()).replace("%(limit)s", limit.toLocaleString());
      count.classList.toggle("char-count-over", length > limit);
    };
    field.addEventListener("input", update);
    update();
  });
});
