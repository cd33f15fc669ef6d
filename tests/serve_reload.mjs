#!/usr/bin/env node
// Open a page of `mgi-report serve` in Debian's Chromium and tell what a reader sees around
// an edit (for tests/test_serve.py), one line on stdout per step:
//
//   loaded      the page is shown;
//   reloaded    its text holds options.expect (the test edited the content meanwhile);
//   {…}         after a line on stdin (the test stopped the server) and options.linger ms:
//               how often the page loaded, whether it still shows the edit, its URL, its
//               script errors, and every request but those of the page and its event
//               stream (refused unless they are to the server).
//
//   node tests/serve_reload.mjs '{"url": "http://127.0.0.1:8000/kaz/snapshot.en.html",
//     "expect": "…", "chromium": "/usr/bin/chromium", "timeout": 15000, "linger": 2500}'

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { chromium } from "playwright-core";

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

async function shows(page, expect) {
  try {
    return await page.evaluate((text) => document.body.innerText.includes(text), expect);
  } catch {
    return false; // the page is between two loads
  }
}

async function main() {
  const options = JSON.parse(process.argv[2]);
  const origin = new URL(options.url).origin;
  const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const profile = mkdtempSync(join(tmpdir(), "mgi-report-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: options.chromium, headless: true, args: FLAGS,
      serviceWorkers: "block", acceptDownloads: false,
    });
    const others = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.href !== options.url && url.pathname !== "/__mgi-report/events") {
        others.push(url.href);
      }
      return url.origin === origin ? route.continue() : route.abort("blockedbyclient");
    });
    const page = context.pages()[0] || await context.newPage();
    const errors = [];
    let loads = 0;
    page.on("pageerror", (error) => errors.push(String(error)));
    // Counted as each navigation commits, which is before the new page's text can show.
    page.on("framenavigated", (frame) => { loads += frame === page.mainFrame() ? 1 : 0; });
    await page.goto(options.url);
    process.stdout.write("loaded\n");
    const deadline = Date.now() + options.timeout;
    while (!(await shows(page, options.expect))) {
      if (Date.now() > deadline) {
        throw new Error(`the page did not show ${JSON.stringify(options.expect)} in time`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    process.stdout.write("reloaded\n");
    const reloaded = loads;
    await input.next();
    await new Promise((done) => setTimeout(done, options.linger));
    process.stdout.write(JSON.stringify({
      loads: reloaded, loadsAfterStop: loads - reloaded, shown: await shows(page, options.expect),
      url: page.url(), errors, others,
    }) + "\n");
  } finally {
    if (context) {
      await context.close();
    }
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`serve_reload: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
