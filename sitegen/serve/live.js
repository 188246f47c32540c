// Live reload for `sitegen serve`. The server adds this script to pages as it sends
// them, with a nonce the page's Content-Security-Policy allows; built pages never hold it.
//
// After every build (and every preview of a saved post) the server names the output
// files that changed. This page reloads
// only when its own file did (or the file its address asks for appeared or went away),
// swaps a changed stylesheet in place, and shows a failed build's message over the last
// good page until a build succeeds.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || !("EventSource" in window)) return;
  const base = script.dataset.base || "/";
  const own = new Set([script.dataset.output, script.dataset.wanted].filter(Boolean));
  let overlay = null;

  const since = encodeURIComponent(script.dataset.since || "");
  // The file shown: a build lets the browser load a preview of it first (see the server).
  const page = encodeURIComponent(script.dataset.output || "");
  const events = new EventSource(`/__sitegen/events?since=${since}&page=${page}`);
  // A preview (the saved post's page, made at once) and the finished build are told alike.
  for (const name of ["build", "preview"]) {
    events.addEventListener(name, (event) => update(JSON.parse(event.data)));
  }

  function update(news) {
    if (news.reload || news.changed.some((file) => own.has(file))) {
      location.reload();
      return;
    }
    showError(news.error);
    const changed = new Set(news.changed.map((file) => pathOf(base + file)));
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      if (changed.has(pathOf(link.href))) swapStylesheet(link);
    }
    if (shownFiles().some((path) => changed.has(path))) location.reload();
  }

  function pathOf(url) {
    return new URL(url, location.href).pathname;
  }

  // Images, audio and icons the page shows: a changed one needs the page reloaded.
  function shownFiles() {
    const found = [];
    for (const element of document.querySelectorAll("[src], [srcset], link[rel~='icon'][href]")) {
      if (element === script) continue;
      if (element.hasAttribute("src")) found.push(element.getAttribute("src"));
      if (element.hasAttribute("href")) found.push(element.getAttribute("href"));
      for (const candidate of (element.getAttribute("srcset") || "").split(",")) {
        const url = candidate.trim().split(/\s+/)[0];
        if (url) found.push(url);
      }
    }
    return found.map(pathOf);
  }

  // The new sheet loads beside the old one, which goes only then: no flash of bare HTML.
  function swapStylesheet(link) {
    const fresh = link.cloneNode();
    const url = new URL(link.href);
    url.searchParams.set("sitegen", Date.now().toString());
    fresh.href = url.href;
    const drop = () => link.remove();
    fresh.addEventListener("load", drop, { once: true });
    fresh.addEventListener("error", drop, { once: true });
    link.after(fresh);
  }

  function showError(message) {
    if (!message) {
      if (overlay) overlay.remove();
      overlay = null;
      return;
    }
    if (!overlay) overlay = makeOverlay();
    overlay.shadowRoot.querySelector("pre").textContent = message;
  }

  // In a shadow root, so the page's styles and the overlay's leave each other alone.
  function makeOverlay() {
    const host = document.createElement("div");
    host.id = "sitegen-overlay";
    host.hidden = true;
    const root = host.attachShadow({ mode: "open" });
    const sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = "/__sitegen/live.css";
    const show = () => { host.hidden = false; };
    sheet.addEventListener("load", show, { once: true });
    sheet.addEventListener("error", show, { once: true });
    const box = element("div", "box");
    box.setAttribute("role", "alert");
    box.append(
      element("p", "title", "sitegen: the build failed"),
      element("pre", "message"),
      element("p", "note", "The page below is the last good build. Fix the file and save: " +
        "this page updates by itself."),
    );
    const close = element("button", "close", "Hide");
    close.type = "button";
    close.addEventListener("click", () => { host.remove(); overlay = null; });
    box.append(close);
    const backdrop = element("div", "backdrop");
    backdrop.append(box);
    root.append(sheet, backdrop);
    document.body.append(host);
    return host;
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    made.className = className;
    if (text) made.textContent = text;
    return made;
  }
})();
