// The import job page follows its job: it asks the progress endpoint every two seconds and moves the bar;
// when the state changes, it reloads to show what the new state brings (preview, problems, result).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-import-progress]");
  if (!box || box.dataset.running !== "true") {
    return;
  }
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-import-progress-text]");
  const stateLabel = document.querySelector("[data-import-state]");
  const initialState = box.dataset.state;

  const follow = async () => {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const progress = await response.json();
        if (progress.state !== initialState) {
          window.location.reload();
          return;
        }
        bar.value = progress.percent;
        bar.textContent = `${progress.percent} %`;
        text.textContent = progress.text;
        stateLabel.textContent = progress.state_label;
      }
    } catch (error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(follow, 2000);
  };
  window.setTimeout(follow, 1000);
});
