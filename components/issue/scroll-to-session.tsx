"use client";

import { useEffect } from "react";

const HIGHLIGHT = ["ring-2", "ring-indigo-300"];

/**
 * `#session-<id>` or `#comment-<id>` in the URL (links from the Agents page and the inbox): session
 * cards appear only once the agent store is hydrated, after the browser looked for the anchor, so
 * scroll there ourselves when the card or comment shows up, and flash it so the eye finds it.
 */
export function ScrollToSession() {
  useEffect(() => {
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    function go() {
      cancelAnimationFrame(frame);
      const id = decodeURIComponent(window.location.hash.slice(1));
      if (!id.startsWith("session-") && !id.startsWith("comment-")) return;
      const deadline = performance.now() + 3000;
      const look = () => {
        const el = document.getElementById(id);
        if (!el) {
          if (performance.now() < deadline) frame = requestAnimationFrame(look);
          return;
        }
        el.scrollIntoView({ block: "center" });
        // The card itself, not the avatar beside it.
        const card = el.querySelector("article, .card") ?? el;
        card.classList.add(...HIGHLIGHT);
        clearTimeout(timer);
        timer = setTimeout(() => card.classList.remove(...HIGHLIGHT), 2000);
      };
      look();
    }
    go();
    window.addEventListener("hashchange", go);
    return () => {
      window.removeEventListener("hashchange", go);
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);
  return null;
}
