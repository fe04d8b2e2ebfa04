// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Close an htmx-loaded modal with Escape or its close button.
  function closeModal() {
    var host = document.getElementById("modal");
    if (host) { host.innerHTML = ""; }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeModal(); }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest && target.closest("[data-close-modal]")) {
      event.preventDefault();
      closeModal();
    }
  });
  // Focus the first field of a dialog when htmx swaps it in.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "modal") {
      var first = event.detail.target.querySelector("input, select, textarea, button");
      if (first) { first.focus(); }
    }
  });
  // Pick a value from an autocomplete list: <button data-pick-target="#id" data-pick-value="..">
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-target]");
    if (!button) { return; }
    event.preventDefault();
    var input = document.querySelector(button.getAttribute("data-pick-target"));
    var label = document.querySelector(button.getAttribute("data-pick-label-target"));
    if (input) { input.value = button.getAttribute("data-pick-value"); input.dispatchEvent(new Event("change", { bubbles: true })); }
    if (label) { label.value = button.getAttribute("data-pick-label"); }
    var list = button.closest("ul");
    if (list) { list.innerHTML = ""; }
    // The picked button is gone: give the focus back to the field it filled in.
    if (label) { label.focus(); } else if (input && input.type !== "hidden") { input.focus(); }
  });
  // Close a picker's suggestions once the focus has left the picker (Tab on to the next
  // field, a click elsewhere). Checked a moment later: a click on a suggestion moves the
  // focus through the page first in some browsers.
  function closeSuggestionsUnlessFocused(picker) {
    if (picker.contains(document.activeElement)) { return; }
    picker.querySelectorAll(".autocomplete-results").forEach(function (list) { list.innerHTML = ""; });
  }
  document.addEventListener("focusout", function (event) {
    var picker = event.target.closest && event.target.closest(".org-picker");
    if (picker) { window.setTimeout(function () { closeSuggestionsUnlessFocused(picker); }, 200); }
  });
  // Suggestions that arrive after the user has moved on are not shown.
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    var picker = list && list.classList && list.classList.contains("autocomplete-results") &&
      list.closest(".org-picker");
    if (picker) { closeSuggestionsUnlessFocused(picker); }
  });
  // "Mark all" of a bulk-action table: <input type="checkbox" data-select-all="form-id">
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.getAttribute || !box.getAttribute("data-select-all")) { return; }
    var formId = box.getAttribute("data-select-all");
    var boxes = document.querySelectorAll('input[name="cases"][form="' + formId + '"]');
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = box.checked; }
  });
  // Removals ask first: <form data-confirm="Ta bort ...?"> (htmx forms use hx-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
