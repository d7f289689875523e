// Quire live reload, served at /__quire/live.js: reloads after a rebuild (keeping the scroll position),
// swaps stylesheets in place after a CSS-only change, and shows build errors built with textContent only.
(function () {
  "use strict";
  var scrollKey = "quire-scroll:" + location.pathname;
  var overlayId = "quire-error-overlay";
  var build = null;

  restoreScroll();
  var source = new EventSource("/__quire/events");
  source.addEventListener("hello", function (event) {
    var data = JSON.parse(event.data);
    // A reconnect after a missed rebuild: this page is stale.
    if (build !== null && data.build !== build) {
      reload();
      return;
    }
    build = data.build;
    if (!data.failed) {
      hideOverlay();
    }
  });
  source.addEventListener("reload", function () {
    reload();
  });
  source.addEventListener("css", function (event) {
    var data = JSON.parse(event.data);
    build = data.build;
    hideOverlay();
    swapStylesheets(data.paths);
  });
  source.addEventListener("build-error", function (event) {
    showOverlay(JSON.parse(event.data).problems);
  });

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, String(window.scrollY));
    } catch (ignored) {
      // Storage may be disabled; reloading still matters more than the scroll position.
    }
    location.reload();
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (ignored) {
      return;
    }
    if (saved === null) {
      return;
    }
    var y = parseFloat(saved) || 0;
    var scroll = function () {
      window.scrollTo(0, y);
    };
    scroll();
    // Images and fonts may still change the page height; scroll again once they are in.
    window.addEventListener("load", scroll);
  }

  function swapStylesheets(paths) {
    var links = document.querySelectorAll('link[rel~="stylesheet" i]');
    Array.prototype.forEach.call(links, function (link) {
      var href = link.getAttribute("href");
      if (!href) {
        return;
      }
      var url = new URL(href, location.href);
      if (url.origin !== location.origin) {
        return;
      }
      if (paths.length > 0 && paths.indexOf(url.pathname) === -1) {
        return;
      }
      url.searchParams.set("quire", String(Date.now()));
      // The new sheet loads next to the old one, so the page never shows unstyled.
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      fresh.addEventListener("load", function () {
        link.remove();
      });
      fresh.addEventListener("error", function () {
        link.remove();
      });
      link.after(fresh);
    });
  }

  function showOverlay(problems) {
    hideOverlay();
    var overlay = document.createElement("div");
    overlay.id = overlayId;
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {
      // A panel along the bottom: the last good page stays visible and usable above it.
      position: "fixed",
      left: "0",
      right: "0",
      bottom: "0",
      maxHeight: "45vh",
      zIndex: "2147483647",
      overflow: "auto",
      padding: "1rem 2rem",
      boxShadow: "0 -4px 16px rgba(0, 0, 0, 0.35)",
      background: "#141414",
      color: "#f5f5f5",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
    });
    var title = document.createElement("h2");
    title.textContent = "Build failed: the last good version of the site is still served";
    Object.assign(title.style, { margin: "0 0 1rem", color: "#ff8a80", font: "bold 18px/1.3 sans-serif" });
    overlay.appendChild(title);
    (problems || []).forEach(function (problem) {
      var item = document.createElement("div");
      item.style.margin = "0 0 1.5rem";
      if (problem.file) {
        var where = document.createElement("div");
        var place = problem.file;
        if (problem.line) {
          place += ":" + problem.line + (problem.column ? ":" + problem.column : "");
        }
        where.textContent = place;
        where.style.color = "#80d8ff";
        item.appendChild(where);
      }
      var message = document.createElement("pre");
      message.textContent = problem.message;
      // The site's own `pre` rules must not restyle the message (a light code background made it unreadable).
      Object.assign(message.style, {
        margin: "0.25rem 0 0",
        padding: "0",
        border: "0",
        background: "transparent",
        color: "#f5f5f5",
        font: "inherit",
        whiteSpace: "pre-wrap"
      });
      item.appendChild(message);
      overlay.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", hideOverlay);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function hideOverlay() {
    var overlay = document.getElementById(overlayId);
    if (overlay) {
      overlay.remove();
    }
  }
})();
