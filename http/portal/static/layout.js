// Layout enhancements for every page (issue 16). The pages work without
// them.
(function () {
  "use strict";

  // A table wider than the screen scrolls inside its .table-wrap: make
  // that region reachable by keyboard (WCAG 2.1.1) and name it after its
  // table's caption. Tables that fit are left alone (no useless tab stop).
  function regions() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        var cap = wrap.querySelector("caption");
        var label = cap ? cap.textContent.trim() : "";
        if (!label) {
          var h = document.querySelector("main h1");
          label = h ? h.textContent.trim() : "";
        }
        if (label) { wrap.setAttribute("aria-label", label); }
        wrap.setAttribute("data-scroll-region", "");
      } else if (!scrolls && wrap.hasAttribute("data-scroll-region")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        wrap.removeAttribute("data-scroll-region");
      }
    });
  }
  regions();
  // A table starts or stops scrolling when the window or the table
  // changes size (the hour grid's totals, a longer value).
  if ("ResizeObserver" in window) {
    var ro = new ResizeObserver(regions);
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      ro.observe(wrap);
      if (wrap.firstElementChild) { ro.observe(wrap.firstElementChild); }
    });
  } else {
    window.addEventListener("resize", regions);
  }

  // On a phone the tabs scroll sideways when there are more than fit:
  // keep the current tab in view and fade the edge that hides more.
  var tabs = document.querySelector("header .tabs");
  if (tabs) {
    var current = tabs.querySelector('[aria-current="page"]');
    if (current && tabs.scrollWidth > tabs.clientWidth) {
      tabs.scrollLeft = Math.max(0, current.offsetLeft - tabs.clientWidth / 2 + current.offsetWidth / 2);
    }
    var edges = function () {
      tabs.classList.toggle("more-right", tabs.scrollLeft + tabs.clientWidth < tabs.scrollWidth - 1);
      tabs.classList.toggle("more-left", tabs.scrollLeft > 1);
    };
    edges();
    tabs.addEventListener("scroll", edges, {passive: true});
    window.addEventListener("resize", edges);
  }

  // After a form with errors, start at their summary (it links to each
  // field), as a screen reader or keyboard user would want; without a
  // summary at the first field in error, else at the form's message.
  var summary = document.getElementById("error-summary") ||
    document.querySelector('main [aria-invalid="true"]') || document.getElementById("form-error");
  if (summary) {
    summary.focus();
    // A form posted to a "#section" address scrolls there after this
    // script has run, and the browser then drops the focus: put it back.
    window.addEventListener("load", function () {
      if (document.activeElement === document.body) { summary.focus(); }
    });
  }

  // The week overview on a touch screen: the first tap on a week shows
  // its dates (as hover does with a mouse), the second opens it.
  var weeks = document.querySelector("ol.weeks");
  if (!weeks) { return; }
  var touch = false;
  weeks.addEventListener("pointerdown", function (e) { touch = e.pointerType === "touch" || e.pointerType === "pen"; });
  weeks.addEventListener("click", function (e) {
    var tile = e.target.closest("a.week, span.week");
    if (!tile) { return; }
    var shown = tile.classList.contains("tip-shown");
    weeks.querySelectorAll(".tip-shown").forEach(function (t) { t.classList.remove("tip-shown"); });
    if (tile.tagName === "SPAN" || (touch && !shown)) {
      tile.classList.add("tip-shown");
      if (tile.tagName === "A") { e.preventDefault(); }
    }
  });
})();
