#!/usr/bin/env node
// Walk through a profile's wheel explorer in Debian's Chromium (playwright-core) the way a
// reader would, and print what happened as one JSON document: the tests hold it to the
// explorer's promises (keyboard, click, address, focus ring, sizes, no-script fallback).
//
//   node tools/explorer_walk.mjs '{"file": "build/kaz/profile.en.html",
//                                  "chromium": "/usr/bin/chromium"}'

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"];

async function state(page) {
  return page.evaluate(() => {
    const selected = document.querySelector('#explorer [role="tab"][aria-selected="true"]');
    const heading = document.querySelector("#explorer-panel h3");
    const active = document.activeElement;
    const focused = active && active.closest ? active.closest("a.wheel-link") : null;
    const path = focused ? focused.querySelector(".wheel-segment") : null;
    const style = path ? getComputedStyle(path) : null;
    return {
      selected: selected ? selected.getAttribute("data-domain") : null,
      panel: heading ? heading.textContent.trim() : null,
      hash: window.location.hash,
      focused: focused ? focused.getAttribute("data-domain") : null,
      focusStroke: style ? style.stroke : null,
      focusStrokeWidth: style ? parseFloat(style.strokeWidth) : null,
    };
  });
}

async function walk(browser, url, width) {
  const page = await browser.newPage({ viewport: { width, height: 844 } });
  await page.goto(url);
  const steps = { initial: await state(page) };
  const tabs = await page.evaluate(() => [...document.querySelectorAll('#explorer [role="tab"]')]
    .map((tab) => ({ domain: tab.getAttribute("data-domain"),
                     tabindex: tab.getAttribute("tabindex") })));
  // Each tab's name as Chromium's accessibility tree gives it to a screen reader.
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
  const { nodeIds } = await cdp.send("DOM.querySelectorAll",
                                     { nodeId: root.nodeId, selector: '#explorer [role="tab"]' });
  for (const [index, nodeId] of nodeIds.entries()) {
    const { nodes } = await cdp.send("Accessibility.getPartialAXTree",
                                     { nodeId, fetchRelatives: false });
    tabs[index].name = nodes[0] && nodes[0].name ? nodes[0].name.value : null;
  }
  await cdp.detach();
  const unfocusedStroke = await page.evaluate(() =>
    getComputedStyle(document.querySelector('#explorer [aria-selected="false"] .wheel-segment'))
      .stroke);
  // Tab from the top of the page until the focus is on a segment.
  let presses = 0;
  while (presses < 40 && !(await state(page)).focused) {
    await page.keyboard.press("Tab");
    presses += 1;
  }
  steps.tabbedIn = { ...(await state(page)), presses };
  for (const key of ["ArrowRight", "ArrowRight", "End", "ArrowRight", "ArrowLeft", "Home",
                     "ArrowUp", "ArrowDown"]) {
    await page.keyboard.press(key);
    steps[`key ${key} ${Object.keys(steps).length}`] = await state(page);
  }
  await page.click('#explorer a.wheel-link[data-domain]:nth-of-type(4)', { force: true });
  steps.clickedFourth = await state(page);
  await page.keyboard.press("Tab");
  steps.tabbedOut = await state(page);
  const sizes = await page.evaluate(() => {
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).display !== "none";
    const svgText = [...document.querySelectorAll("#explorer svg text")].filter(shown)
      .map((el) => parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a);
    const legend = [...document.querySelectorAll("#explorer .explorer-legend li")].filter(shown)
      .map((el) => parseFloat(getComputedStyle(el).fontSize));
    const wheel = document.querySelector("#explorer svg").getBoundingClientRect();
    return { smallestText: Math.min(...svgText, ...legend), wheelTop: wheel.top + window.scrollY,
             screen: window.innerHeight, legendShown: legend.length > 0 };
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.close();
  return { width, steps, tabs, unfocusedStroke, sizes, errors };
}

async function main() {
  const options = JSON.parse(process.argv[2] || "{}");
  const url = pathToFileURL(resolve(options.file)).href;
  const browser = await chromium.launch({ executablePath: options.chromium || "/usr/bin/chromium",
                                          args: FLAGS, headless: true });
  try {
    const walks = [];
    for (const width of [390, 1280]) walks.push(await walk(browser, url, width));
    const fromAddress = await browser.newPage();
    await fromAddress.goto(`${url}#explore-${options.domain}`);
    const addressed = await state(fromAddress);
    await fromAddress.evaluate(() => { window.location.hash = "#explore-partnerships"; });
    await fromAddress.waitForFunction(() => document.querySelector(
      '#explorer [aria-selected="true"]').getAttribute("data-domain") === "partnerships",
    null, { timeout: 5000 }).catch(() => null);
    const hashChanged = await state(fromAddress);
    await fromAddress.close();
    const badAddress = await browser.newPage();
    await badAddress.goto(`${url}#explore-%E0%A4%A`);
    const malformed = await state(badAddress);
    await badAddress.close();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const still = await context.newPage();
    await still.goto(url);
    const noScript = await still.evaluate(() => ({
      panelHidden: document.getElementById("explorer-panel").hidden,
      links: [...document.querySelectorAll("#explorer a.wheel-link")]
        .map((a) => a.getAttribute("href")),
      roles: document.querySelectorAll('#explorer [role="tab"]').length,
    }));
    await still.click("#explorer a.wheel-link >> nth=2", { force: true });
    noScript.hashAfterClick = await still.evaluate(() => window.location.hash);
    await context.close();
    process.stdout.write(JSON.stringify({ walks, addressed, hashChanged, malformed,
                                          noScript }) + "\n");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`explorer_walk: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
