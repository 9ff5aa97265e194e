// What the browser scenarios share: a real headless Chromium (Debian's, never a downloaded one) in a fresh profile,
// the gateway's URL and a key, screenshots on request, and waiting for what a user would see.
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The gateway (or a Vite server in front of it) the page is loaded from. */
export const baseUrl = (process.env.PLAYGROUND_URL ?? 'http://localhost:8080').replace(/\/+$/, '');

/** The API key of the principal the scenarios act as. */
export function apiKey() {
  const file = resolve(frontendDir, process.env.PLAYGROUND_KEY_FILE ?? '../.playground/api-keys/e2e-alice');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`no API key at ${file} (set PLAYGROUND_KEY_FILE): ${e.message}`);
  }
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium with a fresh user-data-dir; `close()` removes the profile too. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? await context.newPage();
  // What goes wrong inside the page (CSP refusals, uncaught errors) is printed: it explains a failure.
  const printed = new Set();
  const once = (line) => {
    if (printed.has(line)) return;
    printed.add(line);
    console.log(`  ${line}`);
  };
  // Chromium's own line for a failed request names no URL: the response handler prints one that does.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) once(`[page console] ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) once(`[page request] ${r.request().method()} ${new URL(r.url()).pathname} -> ${r.status()}`);
  });
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** With SCREENSHOTS=1, saves the page as docs/screenshots/NAME.png. */
export async function screenshot(page, name) {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = resolve(frontendDir, '../docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.waitForTimeout(1000); // a frame from another origin paints a moment after it loaded
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Polls `probe` until it returns something truthy; fails with the last value (or error) after `timeoutMs`. */
export async function eventually(what, probe, timeoutMs = 15_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the locator's text contains `text`, and returns the text. */
export function textOf(locator, text, timeoutMs = 15_000) {
  return eventually(`"${text}" in ${locator}`, async () => {
    const t = (await locator.first().textContent({ timeout: 1000 })) ?? '';
    return t.includes(text) ? t : false;
  }, timeoutMs);
}

/** Replaces the text of the CodeMirror editor inside `scope` as typing would, without auto-closed brackets. */
export async function setEditorText(page, scope, text) {
  const content = page.locator(`${scope} .cm-content`);
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Calls the API directly (for clean-up), as the scenarios' principal. */
export async function api(method, path) {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${apiKey()}` } });
  return response;
}

/** Accepts the next confirm() the page shows (playwright would dismiss it). */
export function acceptNextDialog(page) {
  page.once('dialog', (d) => void d.accept());
}

/** Clicks and returns the bytes and name of the download the click starts. */
export async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()]);
  const failure = await d.failure();
  if (failure) throw new Error(`the download of ${d.suggestedFilename()} failed: ${failure}`);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/** The files of a zip archive (name -> bytes), read from its central directory. */
export function unzip(zip) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`not a zip archive (${zip.length} bytes, no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip entry ${i} has no central directory header`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    if (!name.endsWith('/')) files.set(name, method === 8 ? inflateRawSync(raw) : method === 0 ? raw : Buffer.from(`(method ${method})`));
  }
  return files;
}

/** The lines the terminal shows now (its visible rows). */
export function terminalLines(page) {
  return page.locator('.terminal-host .xterm-rows').evaluate((rows) => [...rows.children].map((r) => r.textContent.trimEnd()));
}

/** The terminal's size in character cells as the pane draws it: its rows, and its width over one cell's. */
export function terminalCells(page) {
  return page.locator('.terminal-host').evaluate((host) => {
    const rows = host.querySelector('.xterm-rows');
    const measure = host.querySelector('.xterm-char-measure-element');
    const cell = measure.getBoundingClientRect().width / measure.textContent.length;
    return { rows: rows.children.length, cols: Math.round(host.querySelector('.xterm-screen').getBoundingClientRect().width / cell) };
  });
}
