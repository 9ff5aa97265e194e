// The browser playground as a person uses it, in a real headless Chromium against a running stack. The scenarios run
// in order in one browser profile: the later ones start from where the earlier ones left the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, apiKey, baseUrl, eventually, launch, screenshot, setEditorText, textOf } from './support.js';

const INTERACTIVE_PYTHON = "name = input('name? ')\nprint('hi', name)\n";
const BROKEN_C = '#include <stdio.h>\n\nint main(void) {\n    printf("never printed\\n")\n    return 0;\n}\n';
const PLOT = `import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import os

os.makedirs('out', exist_ok=True)
plt.plot([1, 2, 3, 4], [1, 4, 9, 16], marker='o')
plt.title('squares')
plt.savefig('out/plot.png')
print('plot saved')
`;
const SERVER = `const http = require('node:http');

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<h1>Hello from a playground session</h1><p>node ' + process.version + '</p>');
}).listen(3000, '0.0.0.0', () => console.log('listening on 3000'));
`;

describe(`the browser playground at ${baseUrl}`, () => {
  let browser;
  let page;
  let sessionId;

  before(async () => {
    browser = await launch();
    page = browser.page;
  });

  after(async () => {
    if (sessionId) await api('DELETE', `/api/v1/sessions/${sessionId}`).catch(() => {});
    await browser?.close();
  });

  /** Runs the editor's program with Ctrl/Cmd+Enter and waits for its verdict in the summary. */
  async function runAndWait(timeoutMs) {
    await page.locator('.run-main .cm-content').click();
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.locator('.summary [data-verdict]').waitFor({ timeout: timeoutMs });
  }

  test('a user signs in with an API key (a wrong one is refused with the gateway\'s reason)', async () => {
    await page.goto(`${baseUrl}/`);
    await page.locator('#api-key').waitFor();
    await screenshot(page, 'sign-in');

    await page.fill('#api-key', 'pg_not_a_key');
    await page.click('form.sign-in button[type=submit]');
    const refusal = await eventually('the refusal', async () => (await page.locator('form.sign-in .error').isVisible()) && page.locator('form.sign-in .error').textContent());
    assert.ok(refusal.length > 10, `the refusal says why: "${refusal}"`);

    await page.fill('#api-key', apiKey());
    await page.click('form.sign-in button[type=submit]');
    await page.locator('select.language option[value=python]').waitFor({ state: 'attached' });
    assert.equal(await page.evaluate(() => localStorage.getItem('playground.apiKey')), apiKey());
  });

  test('Python asks for a name, the prompt appears, and the answer reaches the program', async () => {
    await page.selectOption('select.language', 'python');
    await setEditorText(page, '.run-main', INTERACTIVE_PYTHON);
    await page.locator('.run-main input[type=checkbox]').check();
    await page.fill('.run-inputs textarea', '');
    await page.keyboard.press('ControlOrMeta+Enter');

    await page.locator('.stdin-prompt').waitFor({ state: 'visible', timeout: 60_000 });
    await textOf(page.locator('.transcript'), 'name? ');
    await page.fill('.stdin-input', 'Ada');
    await page.press('.stdin-input', 'Enter');

    await textOf(page.locator('.transcript'), 'hi Ada', 30_000);
    const summary = await textOf(page.locator('.summary'), 'OK', 30_000);
    for (const measure of ['Exit code', 'Wall time', 'CPU time', 'Memory']) assert.ok(summary.includes(measure), `${measure} shown: ${summary}`);
    const id = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    assert.ok(id, `the run's id is in the address: ${page.url()}`);
    await page.locator(`.history-item[data-id="${id}"]`).waitFor();
    await screenshot(page, 'run');
  });

  test('a C syntax error is reported as a compile error with the compiler\'s message', async () => {
    await page.selectOption('select.language', 'c');
    await setEditorText(page, '.run-main', BROKEN_C);
    await runAndWait(90_000);
    assert.equal(await page.locator('.summary [data-verdict]').getAttribute('data-verdict'), 'COMPILE_ERROR');
    const compiler = await textOf(page.locator('.compile-output.failed'), 'Compile error');
    assert.match(compiler, /error/i, `the compiler's complaint is shown: ${compiler}`);
    assert.ok(!(await page.locator('.transcript').textContent()).includes('never printed'));
    await screenshot(page, 'run-compile-error');
  });

  test('a matplotlib plot saved under out/ appears under the output as an image', async () => {
    await page.selectOption('select.language', 'python');
    await setEditorText(page, '.run-main', PLOT);
    await runAndWait(90_000);
    const verdict = await page.locator('.summary [data-verdict]').getAttribute('data-verdict');
    assert.equal(verdict, 'OK', `the plotting run succeeds: ${await page.locator('.run-output').textContent()}`);
    await eventually('the plot shown as an image under the output', async () => {
      const img = page.locator('img.artifact-image');
      if (!(await img.count())) {
        throw new Error('the finished run shows no artifact: its result has no artifacts [{name, size, contentType, url}] for out/plot.png');
      }
      const loaded = await img.first().evaluate((el) => el.complete && el.naturalWidth > 0);
      if (!loaded) throw new Error(`the <img> did not load: ${await page.locator('.artifacts').textContent()}`);
      return true;
    }, 20_000);
    await screenshot(page, 'run-plot');
  });

  test('a node session with port 3000: a server written in the editor, started in the terminal, shows in the preview', async () => {
    await page.click('a.nav-link:has-text("Sessions")');
    await page.selectOption('.create-session select', 'node');
    await page.fill('.create-session .ports', '3000');
    await page.click('.create-session button[type=submit]');
    sessionId = await eventually('the new session in the address', () => new URL(page.url()).hash.match(/^#\/sessions\/(.+)$/)?.[1]);
    await textOf(page.locator('.session-header [data-state]'), 'RUNNING', 120_000);

    await page.click('.files-pane button:has-text("New file")');
    await page.fill('.name-form input', 'server.js');
    await page.press('.name-form input', 'Enter');
    await textOf(page.locator('.file-editor .file-title'), 'server.js');
    await setEditorText(page, '.file-editor', SERVER);
    await page.keyboard.press('ControlOrMeta+S');
    await eventually('the file saved (no unsaved mark)', async () => !(await page.locator('.file-editor .file-title').textContent()).includes('●'));
    await page.locator('.tree-item[data-path="server.js"]').waitFor();

    await textOf(page.locator('.terminal-status'), 'connected', 30_000);
    await textOf(page.locator('.terminal-host .xterm-rows'), '$', 30_000);
    await page.locator('.terminal-host').click();
    await page.keyboard.type('node server.js\n');
    await textOf(page.locator('.terminal-host .xterm-rows'), 'listening on 3000', 30_000);

    await eventually('the server\'s page in the preview pane', async () => {
      await page.click('.preview-pane button:has-text("Reload")');
      const iframe = page.locator('iframe.preview-frame');
      const src = await iframe.getAttribute('src');
      const frame = await (await iframe.elementHandle()).contentFrame();
      if (!frame) throw new Error(`the frame (src ${src}) has no document: ${await page.locator('.preview-pane').textContent()}`);
      await frame.waitForLoadState('load', { timeout: 5000 }).catch(() => {});
      const text = await frame.locator('body').textContent({ timeout: 3000 }).catch((e) => `(unreadable: ${e.message.split('\n')[0]})`);
      if (text?.includes('Hello from a playground session')) return true;
      throw new Error(`the frame (src ${src}, now at ${frame.url()}) shows: ${(text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200)}`);
    }, 45_000, 1500);
    await screenshot(page, 'sessions');
  });

  test('after a reload the session and its files are found again', async () => {
    assert.ok(sessionId, 'the session scenario created a session');
    await page.reload();
    await textOf(page.locator('.session-header'), sessionId, 30_000);
    await page.locator(`.session-item[data-id="${sessionId}"]`).waitFor();
    await page.locator('.tree-item[data-path="server.js"]').waitFor();
    await textOf(page.locator('.file-editor .file-title'), 'server.js');
    await textOf(page.locator('.file-editor .cm-content'), 'Hello from a playground session');
  });

  test('a stopped session\'s files are still listed and readable, and the page offers to start it', async () => {
    assert.ok(sessionId, 'the session scenario created a session');
    await page.click('.session-header button:has-text("Stop")');
    await textOf(page.locator('.session-header [data-state]'), 'STOPPED', 60_000);
    await textOf(page.locator('.banner'), 'Start the session');
    await page.reload();
    await textOf(page.locator('.session-header [data-state]'), 'STOPPED', 30_000);
    await eventually('server.js listed in the stopped session\'s tree', async () => {
      if (await page.locator('.tree-item[data-path="server.js"]').count()) return true;
      throw new Error(`the tree shows: ${(await page.locator('.files-pane').textContent()).replace(/\s+/g, ' ')}`);
    }, 15_000);
    await textOf(page.locator('.file-editor .cm-content'), 'Hello from a playground session');
    assert.match(await page.locator('.file-editor .file-title').textContent(), /read-only/);

    await page.click('.banner button:has-text("Start the session")');
    await textOf(page.locator('.session-header [data-state]'), 'RUNNING', 120_000);
    await textOf(page.locator('.terminal-status'), 'connected', 30_000);
  });
});
