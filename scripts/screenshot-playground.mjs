/* global document */
// Builds the playground, serves it on 127.0.0.1, opens the Drizzle seed from a link in headless Chromium (Debian's
// `chromium` package, driven by puppeteer-core) and screenshots the page into docs/playground.png. A person looks at
// the PNG; npm test drives the same page in test/playground.test.ts.
//   node scripts/screenshot-playground.mjs [--out docs/playground.png]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = fileURLToPath(new URL('../', import.meta.url));
const i = process.argv.indexOf('--out');
const out = path.resolve(root, i > 0 ? process.argv[i + 1] : 'docs/playground.png');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-playground-shot-'));
const server = createServer((req, res) => {
  const file = path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html');
  if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
let browser;
try {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-playground.mjs'), dir], { stdio: 'pipe' });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const seed = readFileSync(path.join(root, 'fixtures/demo/drizzle/0064_performance_indexes_concurrent.sql'), 'utf8');
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html#framework=drizzle&sql=${Buffer.from(seed).toString('base64url')}`);
  await page.waitForFunction(() => !/^(Loading|Linting)/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 60_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`${path.relative(root, out)}: ${readFileSync(out).length} bytes`);
} finally {
  await browser?.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
