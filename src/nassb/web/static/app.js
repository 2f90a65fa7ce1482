// Shared page helpers: follow a background job (progress survives a reload: the state is on the server).
function nassbFollowJob(element, onDone) {
  const id = element.dataset.job;
  const bar = element.querySelector(".job-progress");
  const status = element.querySelector(".job-status");
  const message = element.querySelector(".job-message");
  const error = element.querySelector(".job-error");
  async function poll() {
    const response = await fetch("/api/jobs/" + id, {headers: {"Accept": "application/json"}});
    if (!response.ok) { return; }
    const job = await response.json();
    if (bar) { bar.value = job.progress; }
    if (status) { status.textContent = job.status; status.className = "job-status status-" + job.status; }
    if (message) { message.textContent = job.message || ""; }
    if (error) { error.textContent = job.error || ""; }
    element.dataset.status = job.status;
    if (job.status === "done" || job.status === "failed") {
      if (onDone) { onDone(job); }
      return;
    }
    setTimeout(poll, 500);
  }
  if (element.dataset.status !== "done" && element.dataset.status !== "failed") { poll(); }
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("div.job[data-job]").forEach((element) => {
    nassbFollowJob(element, (job) => { if (element.dataset.reload !== "no") { window.location.reload(); } });
  });
});
