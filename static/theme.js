// Quire theme toggle: light/dark, remembered in localStorage. The site works fully without it.
(function () {
  "use strict";
  var KEY = "quire-theme";
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { var v = localStorage.getItem(KEY); return v === "dark" || v === "light" ? v : null; } catch (e) { return null; }
  }
  function effective() {
    return stored() || (media && media.matches ? "dark" : "light");
  }
  function apply(theme) {
    if (theme) { root.setAttribute("data-theme", theme); } else { root.removeAttribute("data-theme"); }
  }
  apply(stored());

  function init() {
    var button = document.getElementById("theme-toggle");
    if (button) {
      var sync = function () {
        var dark = effective() === "dark";
        button.setAttribute("aria-pressed", dark ? "true" : "false");
        button.title = dark ? "Switch to light theme" : "Switch to dark theme";
      };
      button.addEventListener("click", function () {
        var next = effective() === "dark" ? "light" : "dark";
        try { localStorage.setItem(KEY, next); } catch (e) { /* storage unavailable: apply for this page only */ }
        apply(next);
        sync();
      });
      if (media && media.addEventListener) {
        media.addEventListener("change", function () { if (!stored()) { sync(); } });
      }
      sync();
      button.hidden = false;
    }

    // The navigation is a <details>: CSS shows it on wide screens even when closed; open it there
    // so that assistive technology and tools see its state, and collapse it again on narrow screens.
    var nav = document.querySelector(".nav-details");
    if (nav && window.matchMedia) {
      var wide = window.matchMedia("(min-width: 60em)");
      var syncNav = function () { nav.open = wide.matches; };
      syncNav();
      // Bring the current page's link into view inside the sticky sidebar.
      var current = nav.querySelector("a[aria-current=page]");
      if (current && wide.matches && nav.scrollHeight > nav.clientHeight) {
        var top = current.getBoundingClientRect().top - nav.getBoundingClientRect().top;
        if (top > nav.clientHeight * 0.6) { nav.scrollTop = top - nav.clientHeight / 3; }
      }
      if (wide.addEventListener) { wide.addEventListener("change", syncNav); }
    }

    addCopyButtons();

    // Let keyboard users scroll wide tables and code blocks.
    var scrollers = document.querySelectorAll(".prose pre, .table-wrap");
    for (var i = 0; i < scrollers.length; i++) {
      var el = scrollers[i];
      if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
    }

    // "Copy as Markdown" beside the link to the page's Markdown twin; without script (or where fetching
    // fails, as from file://) the link still opens the twin.
    var twin = document.querySelector("a.markdown-link");
    if (twin && window.fetch && navigator.clipboard) {
      var copy = document.createElement("button");
      copy.type = "button";
      copy.className = "copy-markdown";
      copy.textContent = "Copy as Markdown";
      copy.addEventListener("click", function () {
        fetch(twin.href).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        }).then(function (text) {
          return navigator.clipboard.writeText(text);
        }).then(function () {
          copy.textContent = "Copied";
          setTimeout(function () { copy.textContent = "Copy as Markdown"; }, 2000);
        }).catch(function () { window.location.href = twin.href; });
      });
      twin.parentNode.insertBefore(copy, twin.nextSibling);
    }
  }

  // A "Copy" button on each code block: copies the code as shown (hidden lines and line numbers are not in it).
  function addCopyButtons() {
    if (!navigator.clipboard || !navigator.clipboard.writeText) { return; }
    var blocks = document.querySelectorAll(".prose pre.code");
    if (!blocks.length) { return; }
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i];
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      button.textContent = "Copy";
      button.addEventListener("click", copyFrom(pre, button, status));
      wrap.appendChild(button);
    }
  }

  function copyFrom(pre, button, status) {
    return function () {
      var code = pre.querySelector("code") || pre;
      var done = function (message) {
        button.textContent = message;
        status.textContent = message === "Copied" ? "Code copied to the clipboard" : message;
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      };
      navigator.clipboard.writeText(code.textContent).then(
        function () { done("Copied"); },
        function () { done("Copy failed"); }
      );
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
