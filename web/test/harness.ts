/**
 * Helpers for the dApp's browser tests: a whole local network started with `scripts/start.ts`, a headless Chromium
 * with a fresh profile, a recorder of every request the browser makes, JSON-RPC helpers (time travel, funding)
 * and page checks (accessibility sanity, keyboard focus) run in the page without extra dependencies.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export {
  DEV_KEYS,
  REPO_ROOT,
  advanceTime,
  rpc,
  startNetwork,
  type Network,
  type NetworkOptions,
  type NetworkPorts,
} from "../../test/support/network.ts";

/** Chromium flags for a quiet headless run (no background traffic to Google services). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--metrics-recording-only",
  "--no-default-browser-check",
];

export const CHROMIUM_PATH = process.env.EAI_CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Throws a message saying how to get Chromium when there is none at CHROMIUM_PATH. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (Debian: apt-get install -y chromium) or set EAI_CHROMIUM_PATH`,
    );
  }
}

/** A persistent context in a fresh profile folder (removed by `close`). */
export async function launchBrowser(
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  requireChromium();
  const profile = await mkdtemp(join(tmpdir(), "eai-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport,
    reducedMotion: "reduce",
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Records every URL the browser requests; `foreign()` lists those outside the allowed origins. */
export function recordRequests(context: BrowserContext, allowedOrigins: string[]) {
  const urls: string[] = [];
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  context.on("request", (req) => urls.push(req.url()));
  return {
    urls,
    foreign(): string[] {
      return urls.filter((u) => {
        const url = new URL(u);
        // data: and blob: URLs are in-page content, not requests to any host.
        if (url.protocol === "data:" || url.protocol === "blob:") return false;
        return !allowed.has(url.origin);
      });
    },
  };
}

/** A problem found by `pageProblems`. */
export type PageProblem = string;

/**
 * Accessibility sanity checks without extra dependencies (a small subset of what axe checks), run in the page:
 * exactly one h1, no skipped heading level going down, every form control labelled, every img with an alt,
 * every button and link with an accessible name, every table with a caption, every role=img with a name.
 * Plain JavaScript in a string, so no bundler helper leaks into the page.
 */
export async function pageProblems(page: Page): Promise<PageProblem[]> {
  return page.evaluate(`(() => {
    const problems = [];
    const visible = (el) => {
      const style = getComputedStyle(el);
      return style.display !== "none" && style.visibility !== "hidden" && el.getClientRects().length > 0;
    };
    const describe = (el) => {
      const id = el.id ? "#" + el.id : "";
      const name = el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "";
      return el.tagName.toLowerCase() + id + name + " " + JSON.stringify((el.outerHTML || "").slice(0, 120));
    };
    const named = (el) => {
      const labelledby = el.getAttribute("aria-labelledby");
      if (labelledby && labelledby.split(/\\s+/).some((id) => (document.getElementById(id)?.textContent || "").trim())) return true;
      if ((el.getAttribute("aria-label") || "").trim()) return true;
      if ((el.getAttribute("title") || "").trim()) return true;
      return false;
    };
    const h1s = [...document.querySelectorAll("h1")];
    if (h1s.length !== 1) problems.push("expected one <h1>, found " + h1s.length + ": " + h1s.map((h) => JSON.stringify(h.textContent)).join(", "));
    let last = 0;
    for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      const level = Number(h.tagName[1]);
      if (last && level > last + 1) problems.push("heading level skipped: h" + last + " then h" + level + " " + JSON.stringify(h.textContent));
      last = level;
    }
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (el.type === "hidden") continue;
      if ((el.labels && el.labels.length > 0 && [...el.labels].some((l) => l.textContent.trim())) || named(el)) continue;
      problems.push("form control without a label: " + describe(el));
    }
    for (const img of document.querySelectorAll("img")) {
      if (!img.hasAttribute("alt")) problems.push("img without alt: " + describe(img));
    }
    for (const el of document.querySelectorAll("[role=img]")) {
      if (!named(el) && !el.querySelector("title")) problems.push("role=img without a name: " + describe(el));
    }
    for (const el of document.querySelectorAll("button, a[href], [role=button]")) {
      if (!visible(el)) continue;
      const text = (el.textContent || "").trim();
      const imgAlt = [...el.querySelectorAll("img[alt]")].some((i) => i.getAttribute("alt").trim());
      if (!text && !imgAlt && !named(el)) problems.push("control without an accessible name: " + describe(el));
    }
    for (const table of document.querySelectorAll("table")) {
      const caption = table.querySelector("caption");
      if (!caption || !caption.textContent.trim()) problems.push("table without a caption: " + describe(table));
    }
    if (!document.documentElement.lang) problems.push("<html> without lang");
    return problems;
  })()`);
}

/** Horizontal overflow of the page in CSS pixels (0 when it fits the viewport's width). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    `Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)`,
  );
}

/** What has keyboard focus, and whether the focus is visibly drawn (outline or box shadow). */
export interface FocusInfo {
  tag: string;
  text: string;
  href: string | null;
  visibleFocus: boolean;
  inViewport: boolean;
}

export async function focusInfo(page: Page): Promise<FocusInfo | null> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    const rect = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent || "").trim(),
      href: el.getAttribute("href"),
      visibleFocus: Boolean(outline || shadow),
      inViewport: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0 && rect.left < innerWidth && rect.top < innerHeight,
    };
  })()`);
}
