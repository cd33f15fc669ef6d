// The profile's wheel as tabs (WAI-ARIA Authoring Practices, tabs with automatic
// activation): the segments are the tabs, the panel under the wheel shows a copy of the
// chosen domain's findings from the page, and the choice is kept in the address
// (#explore-<domain>). Without this script the segments stay links to the findings.
(function () {
  "use strict";

  // The next domain is the next segment round the wheel: clockwise, to the right, on a
  // left-to-right page; counter-clockwise, to the left, on a right-to-left one.
  var keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  var mirroredKeys = { ArrowLeft: 1, ArrowDown: 1, ArrowRight: -1, ArrowUp: -1 };

  function start() {
    var explorer = document.getElementById("explorer");
    var panel = document.getElementById("explorer-panel");
    if (!explorer || !panel || !window.history || !panel.replaceChildren) {
      return;
    }
    var steps = getComputedStyle(explorer).direction === "rtl" ? mirroredKeys : keys;
    var tabs = Array.prototype.slice.call(explorer.querySelectorAll("a.wheel-link"));
    var list = explorer.querySelector("svg.wheel-picture");
    if (!tabs.length || !list) {
      return;
    }

    function findings(tab) {
      return document.getElementById("findings-" + tab.getAttribute("data-domain"));
    }

    function select(index, focus, remember) {
      var chosen = tabs[index];
      tabs.forEach(function (tab, i) {
        tab.setAttribute("aria-selected", i === index ? "true" : "false");
        tab.setAttribute("tabindex", i === index ? "0" : "-1");
      });
      var copy = findings(chosen).cloneNode(true);
      var named = Array.prototype.slice.call(copy.querySelectorAll("[id], [aria-labelledby]"));
      [copy].concat(named).forEach(function (element) {
        element.removeAttribute("id");
        element.removeAttribute("aria-labelledby");
      });
      panel.replaceChildren(copy);
      panel.setAttribute("aria-labelledby", chosen.id);
      if (remember) {
        history.replaceState(null, "", "#explore-" + chosen.getAttribute("data-domain"));
      }
      if (focus) {
        chosen.focus();
      }
    }

    if (!tabs.every(findings)) {
      return;
    }
    list.setAttribute("role", "tablist");
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("tabindex", "0");
    panel.hidden = false;
    tabs.forEach(function (tab, index) {
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        select(index, true, true);
        // On a small screen the findings may start below the fold: bring them up.
        if (panel.getBoundingClientRect().top > window.innerHeight * 0.8) {
          panel.scrollIntoView({ block: "start" });
        }
      });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key in steps) {
          next = (index + steps[event.key] + tabs.length) % tabs.length;
        } else if (event.key === "Home") {
          next = 0;
        } else if (event.key === "End") {
          next = tabs.length - 1;
        } else if (event.key === " " || event.key === "Enter") {
          next = index;
        }
        if (next !== null) {
          event.preventDefault();
          select(next, true, true);
        }
      });
    });

    // The domain an address names (#explore-<domain>), or null.
    function asked() {
      var match = /^#explore-(.+)$/.exec(window.location.hash);
      var name = null;
      try {
        name = match ? decodeURIComponent(match[1]) : null;
      } catch (error) {
        return null;
      }
      var found = null;
      tabs.forEach(function (tab, index) {
        if (tab.getAttribute("data-domain") === name) {
          found = index;
        }
      });
      return found;
    }

    var first = asked();
    select(first === null ? 0 : first, false, false);
    if (first !== null) {
      explorer.scrollIntoView();
    }
    window.addEventListener("hashchange", function () {
      var named = asked();
      if (named !== null) {
        select(named, false, false);
        explorer.scrollIntoView();
      }
    });
  }

  // The findings come after the wheel in the page: start once they are there.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
