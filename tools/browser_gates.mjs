#!/usr/bin/env node
// Load HTML editions in Debian's Chromium with the network blocked and report, per file,
// viewport width and colour scheme (light, dark): every request the page made, horizontal overflow, text drawn in a font the
// page does not embed or in a face the browser had to synthesize, and axe-core violations.
//
//   node tools/browser_gates.mjs '{"files": ["build/kaz/profile.en.html"], "widths": [390, 1280],
//                                  "tags": ["wcag2a", "wcag2aa"], "chromium": "/usr/bin/chromium"}'
//
// Prints one JSON document on stdout. No browser is downloaded: playwright-core drives the
// Chromium given by "chromium" (default /usr/bin/chromium) in a fresh user-data-dir.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_VERSION = require("axe-core/package.json").version;
const PLAYWRIGHT_VERSION = require("playwright-core/package.json").version;

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

async function overflowing(page) {
  // The outermost elements sticking out to the right of the viewport, as short selectors.
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth + 0.5;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "")
      + (typeof el.className === "string" && el.className
        ? "." + el.className.trim().split(/\s+/).join(".") : "");
    const found = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (el.getBoundingClientRect().right > limit
          && !(el.parentElement && el.parentElement.getBoundingClientRect().right > limit)) {
        found.push(name(el));
      }
    }
    return found.slice(0, 10);
  });
}

async function fontUse(page, client) {
  // Every element with text of its own (and every pseudo-element): the fonts Chromium drew
  // it with (CSS.getPlatformFontsForNode) and the face its style asks for. Reported once
  // per kind: a machine font, or a bold or italic face the page does not declare.
  const declared = await page.evaluate(() => [...document.fonts].map((face) => ({
    family: face.family.replace(/^["']|["']$/g, ""), style: face.style,
    weight: face.weight.split(" ").map(Number),
  })));
  const { root } = await client.send("DOM.getDocument", { depth: -1 });
  const nodes = [];
  const walk = (node, visible) => {
    const shown = visible && !["HEAD", "SCRIPT", "STYLE", "TEMPLATE"].includes(node.nodeName);
    if (shown && node.nodeType === 1 && (node.children || []).some(
      (child) => child.nodeType === 3 && child.nodeValue.trim())) {
      nodes.push(node);
    }
    for (const pseudo of node.pseudoElements || []) {
      if (shown) nodes.push(pseudo);
    }
    for (const child of node.children || []) walk(child, shown);
  };
  walk(root, true);
  const problems = new Map();
  for (const node of nodes) {
    const { fonts } = await client.send("CSS.getPlatformFontsForNode", { nodeId: node.nodeId });
    if (!fonts.length) continue;
    const { computedStyle } = await client.send("CSS.getComputedStyleForNode",
                                                { nodeId: node.nodeId });
    const style = Object.fromEntries(computedStyle.map(({ name, value }) => [name, value]));
    const text = (node.children || []).filter((child) => child.nodeType === 3)
      .map((child) => child.nodeValue).join("").trim().slice(0, 60);
    const where = `${node.nodeName.toLowerCase()}${node.pseudoType ? "::" + node.pseudoType : ""}`;
    for (const font of fonts.filter((used) => !used.isCustomFont)) {
      const key = `machine font|${font.familyName}`;
      if (!problems.has(key)) {
        problems.set(key, { kind: "machine font", font: font.familyName, where, text });
      }
    }
    const families = style["font-family"].split(",").map((name) => name.trim()
      .replace(/^["']|["']$/g, ""));
    const family = families.find((name) => declared.some((face) => face.family === name));
    if (!family) continue;
    const faces = declared.filter((face) => face.family === family);
    const italic = style["font-style"] !== "normal";
    const styled = faces.filter((face) => (face.style !== "normal") === italic);
    const weight = Number(style["font-weight"]);
    const wanted = `${family} ${style["font-style"]} ${weight}`;
    if (!styled.length || (weight >= 600 && !styled.some((face) => Math.max(...face.weight) >= 600))) {
      const key = `synthesized|${wanted}`;
      if (!problems.has(key)) {
        problems.set(key, { kind: "synthesized", font: wanted, where, text });
      }
    }
  }
  return [...problems.values()];
}

async function measure(page, tags) {
  const metrics = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  const overflow = metrics.scrollWidth > metrics.clientWidth ? await overflowing(page) : [];
  const violations = await page.evaluate(async (runTags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: runTags }, resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html,
                                   summary: n.failureSummary })),
    }));
  }, tags);
  return { ...metrics, overflow, violations };
}

async function checkFile(context, file, widths, tags, axeSource) {
  // One load per file; the other widths by resizing the viewport (the pages run no script
  // of their own, so a resize lays them out as a fresh load at that width would).
  const url = pathToFileURL(resolve(file)).href;
  const page = await context.newPage();
  await page.setViewportSize({ width: widths[0], height: 900 });
  const requests = [];
  const errors = [];
  page.on("request", (request) => {
    if (request.url() !== url && !request.url().startsWith("data:")) {
      requests.push(request.url());
    }
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url, { waitUntil: "load", timeout: 60000 });
  await page.evaluate(() => document.fonts.ready);
  // axe is injected inline after the load, so it requests nothing itself.
  const client = await page.context().newCDPSession(page);
  await client.send("DOM.enable");
  await client.send("CSS.enable");
  await page.evaluate(axeSource);
  const results = [];
  for (const width of widths) {
    for (const scheme of ["light", "dark"]) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
      results.push({ file, width, scheme, requests: [...requests], errors: [...errors],
                     fonts: await fontUse(page, client), ...(await measure(page, tags)) });
    }
  }
  await page.close();
  return results;
}

async function pool(items, size, work) {
  // Run ``work`` over ``items``, ``size`` at a time, keeping the input order.
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

async function main() {
  const options = JSON.parse(process.argv[2] || "{}");
  const files = options.files || [];
  const widths = options.widths || [390, 1280];
  const tags = options.tags || ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
  const executablePath = options.chromium || "/usr/bin/chromium";
  const axeSource = readFileSync(AXE_PATH, "utf8");
  const profile = mkdtempSync(join(tmpdir(), "mgi-report-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath, headless: true, args: FLAGS, offline: true, serviceWorkers: "block",
      acceptDownloads: false,
    });
    // Nothing but the edition itself may load: every other request is logged (above) and
    // refused here.
    const allowed = new Set(files.map((file) => pathToFileURL(resolve(file)).href));
    await context.route("**/*", (route) => (allowed.has(route.request().url())
      ? route.continue() : route.abort("blockedbyclient")));
    const perFile = await pool(files, options.parallel || 2,
                               (file) => checkFile(context, file, widths, tags, axeSource));
    const pages = perFile.flat();
    const browser = context.browser();
    const version = browser ? browser.version() : "";
    process.stdout.write(JSON.stringify({
      chromium: version, axe: AXE_VERSION, playwright: PLAYWRIGHT_VERSION, tags, pages,
    }) + "\n");
  } finally {
    if (context) {
      await context.close();
    }
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`browser_gates: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
