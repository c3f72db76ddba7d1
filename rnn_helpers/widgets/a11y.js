// What ipywidgets 8 cannot say to a screen reader, added to the page by the course's widgets.
// The course's Voila template puts this file into the explorer page; in JupyterLab each live widget
// displays it once before itself (rnn_helpers.widgets.live). It loads nothing and runs once a page.
//
// - A slider's handle (noUiSlider's div, role "slider") gets the slider's label as its name and the
//   number on screen as its aria-valuetext (noUiSlider announces a SelectionSlider's index, "6",
//   where the screen shows 0.1); the typed-in readout beside it gets the same name.
// - A group of radio buttons is named by its label (role "radiogroup").
// - The text line of a live widget (class rnn-live-text) is a polite live region: its result is
//   read out when it changes.
// (The picture's alt text needs no script: the kernel sends it with the picture, in an <img>.)
(function () {
  "use strict";
  if (window.rnnCourseA11y) {
    return;
  }
  window.rnnCourseA11y = true;

  function set(el, name, value) {
    if (el && value !== null && el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }

  function labelOf(widget) {
    const label = widget.querySelector(":scope > .widget-label");
    return label ? label.textContent.trim() : "";
  }

  function patch(root) {
    root.querySelectorAll(".widget-slider").forEach(function (slider) {
      const name = labelOf(slider);
      const readout = slider.querySelector(".widget-readout");
      slider.querySelectorAll(".noUi-handle").forEach(function (handle) {
        if (name) {
          set(handle, "aria-label", name);
        }
        if (readout && readout.textContent.trim()) {
          set(handle, "aria-valuetext", readout.textContent.trim());
        }
      });
      if (readout && name) {
        set(readout, "role", "textbox");
        set(readout, "aria-label", name);
      }
    });
    root.querySelectorAll(".widget-radio").forEach(function (group) {
      const box = group.querySelector(".widget-radio-box");
      set(box, "role", "radiogroup");
      if (labelOf(group)) {
        set(box, "aria-label", labelOf(group));
      }
    });
    root.querySelectorAll(".rnn-live-text").forEach(function (line) {
      set(line, "role", "status");
      set(line, "aria-live", "polite");
    });
  }

  let queued = false;
  function schedule() {
    if (!queued) {
      queued = true;
      queueMicrotask(function () {
        queued = false;
        patch(document);
      });
    }
  }

  function start() {
    patch(document);
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["aria-valuetext", "class"],
    });
  }

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
