/**
 * The playground in a real browser: Debian's chromium (headless) driven by puppeteer-core, the page served from a
 * local static server on 127.0.0.1, built by the same script as `npm run build:playground`. The core runs in the
 * page's Web Worker with PostgreSQL's parser and tree-sitter as WebAssembly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS } from '../playground/frameworks.js';
import { ALL_RULE_META } from '../rules/index.js';
import { ruleDocsUrl } from '../src/docs-url.js';
import { ruleExampleLink } from '../src/example-link.js';
import { tempDirs } from './helpers/repo.js';

/** The table sizes the page starts with (playground/app.ts DEFAULTS). */
const PAGE_DEFAULT_TABLES = { mcp_activity: 48_200_000, docs: 2_310_000, messages: 12_700_000, orders: 5_000_000 };

const root = path.resolve(import.meta.dirname, '..');
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.txt': 'text/plain' };

const tmp = tempDirs('migralint-playground-');
let out = '';
let server: Server;
let origin = '';
let browser: Browser;
const foreignRequests: string[] = [];

function chromium(): string {
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error('The playground test needs Chromium: install it with `apt-get install chromium` (or set CHROMIUM_PATH).');
  return found;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

async function openPage(hash = ''): Promise<Page> {
  const page = await browser.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreignRequests.push(r.url());
  });
  await page.goto(`${origin}/index.html${hash}`);
  await page.waitForFunction(() => !/^(Loading|Linting)/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 30_000 });
  return page;
}

async function findings(page: Page): Promise<Array<{ rule: string; line: number; severity: string; text: string }>> {
  return page.$$eval('#findings li', (items) =>
    items.map((li) => ({
      rule: li.getAttribute('data-rule-id') ?? '',
      line: Number(li.getAttribute('data-line')),
      severity: li.getAttribute('data-severity') ?? '',
      text: li.textContent ?? '',
    })),
  );
}

/** Waits until the worker has answered for the editor's current text. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !/^(Loading|Linting)/.test(document.getElementById('status')?.textContent ?? ''), { timeout: 30_000 });
}

beforeAll(async () => {
  out = tmp();
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-playground.mjs'), out], { stdio: 'pipe' });
  server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(out, rel);
    if (!file.startsWith(out) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await puppeteer.launch({ executablePath: chromium(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('playground', () => {
  it('opens the Drizzle seed from a link and says why CONCURRENTLY fails inside Drizzle’s transaction', async () => {
    const seed = readFileSync(path.join(root, 'fixtures/demo/drizzle/0064_performance_indexes_concurrent.sql'), 'utf8');
    const page = await openPage(`#framework=drizzle&sql=${base64url(seed)}`);
    const found = await findings(page);
    const inTx = found.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(inTx.map((f) => f.line)).toEqual([2, 3]);
    expect(inTx.every((f) => f.severity === 'error')).toBe(true);
    expect(inTx[0]!.text).toContain('Drizzle runs all pending migrations in one transaction');
    expect(await page.$eval('#framework', (s) => (s as HTMLSelectElement).value)).toBe('drizzle');
    await page.close();
  });

  it('lints the Alembic seed typed into the editor, shows the fix as a diff, and applies it', async () => {
    const seed = readFileSync(path.join(root, 'fixtures/demo/alembic/versions/20251207_add_performance_indexes.py'), 'utf8');
    const page = await openPage();
    await page.select('#framework', 'alembic');
    await settled(page);
    // Pasted, as a user brings a migration in: the browser's own text insertion, which fires the input event.
    await page.$eval('#editor', (e) => (e as HTMLTextAreaElement).select());
    await page.evaluate((text) => document.execCommand('insertText', false, text), seed);
    await page.waitForFunction(() => document.querySelector('#findings li[data-rule-id="ban-concurrent-index-creation-in-transaction"]') !== null, {
      timeout: 30_000,
    });
    await settled(page);
    const before = await findings(page);
    const seedLine = seed.split('\n').findIndex((l) => l.includes('CREATE INDEX CONCURRENTLY')) + 1;
    expect(before.find((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')?.line).toBe(seedLine);
    expect(before.find((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')?.text).toContain('Alembic');
    const diff = await page.$eval('#fix-diff', (e) => e.textContent ?? '');
    expect(diff).toContain('+    with op.get_context().autocommit_block():');
    await page.click('#apply-fix');
    await page.waitForFunction(() => (document.getElementById('editor') as HTMLTextAreaElement).value.includes('autocommit_block'), { timeout: 30_000 });
    await settled(page);
    const after = await findings(page);
    expect(after.some((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')).toBe(false);
    await page.close();
  });

  it('restores the whole state from a shared link: framework, server version, table sizes and text', async () => {
    const sql = 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n';
    const tables = base64url(JSON.stringify({ orders: 5_000_000 }));
    const page = await openPage(`#framework=golang-migrate&pg=16&sql=${base64url(sql)}&tables=${tables}&large=audit_log`);
    expect(await page.$eval('#framework', (s) => (s as HTMLSelectElement).value)).toBe('golang-migrate');
    expect(await page.$eval('#pg-version', (s) => (s as HTMLSelectElement).value)).toBe('16');
    expect(await page.$eval('#editor', (e) => (e as HTMLTextAreaElement).value)).toBe(sql);
    expect(await page.$eval('#tables', (e) => (e as HTMLInputElement).value)).toBe('orders=5000000');
    expect(await page.$eval('#large-tables', (e) => (e as HTMLInputElement).value)).toBe('audit_log');
    const found = await findings(page);
    const index = found.find((f) => f.rule === 'require-concurrent-index-creation');
    expect(index?.severity).toBe('error');
    expect(index?.text).toContain('5.0M rows');
    // Editing writes the state back into the address, so the address is always the link to what is shown.
    await page.focus('#editor');
    await page.keyboard.down('Control');
    await page.keyboard.press('End');
    await page.keyboard.up('Control');
    await page.keyboard.type('-- reviewed\n');
    await settled(page);
    const hash = await page.evaluate(() => location.hash);
    expect(Buffer.from(new URLSearchParams(hash.slice(1)).get('sql') ?? '', 'base64url').toString('utf8')).toBe(`${sql}-- reviewed\n`);
    await page.close();
  });

  it('is usable with a keyboard and a screen reader: landmarks and labelled controls', async () => {
    const page = await openPage();
    expect(await page.$$eval('header, main, footer', (els) => els.length)).toBe(3);
    const unlabelled = await page.$$eval('select, input, textarea, button', (els) =>
      els.filter((e) => !((e as HTMLInputElement).labels?.length || e.getAttribute('aria-label') || e.textContent?.trim())).map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
    expect(await page.$eval('#status', (e) => e.getAttribute('role'))).toBe('status');
    // Tab from the top reaches the framework picker first.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('framework');
    await page.close();
  });

  it('finds exactly what the CLI finds, for every tool in the picker (the same core, no lint logic of its own)', async () => {
    const dir = tmp();
    // Each tool's virtual project in a folder of its own, as the page has it: nothing but the migration and its
    // siblings. One run of the CLI lints every tool's migration (the config's `frameworks` names each folder's tool,
    // as the picker does), side by side with the browser: one start-up instead of one per tool.
    writeFileSync(
      path.join(dir, 'migralint.config.json'),
      JSON.stringify({
        tables: Object.fromEntries(Object.entries(PAGE_DEFAULT_TABLES).map(([t, rows]) => [t, { rows }])),
        frameworks: Object.fromEntries(FRAMEWORKS.map((fw) => [`${fw.id}/**`, fw.id])),
      }),
    );
    const migration = (fw: (typeof FRAMEWORKS)[number]) => path.join(dir, fw.id, fw.path);
    for (const fw of FRAMEWORKS) {
      for (const [p, text] of Object.entries({ ...fw.siblings, [fw.path]: fw.example })) {
        mkdirSync(path.dirname(path.join(dir, fw.id, p)), { recursive: true });
        writeFileSync(path.join(dir, fw.id, p), text);
      }
    }
    const cli = new Promise<{ stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(root, 'bin', 'migralint.js'), ...FRAMEWORKS.map(migration), '--format', 'json', '-c', path.join(dir, 'migralint.config.json')],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (_error, stdout, stderr) => resolve({ stdout, stderr }),
      ),
    );
    const page = await openPage();
    const inBrowser = new Map<string, string[]>();
    for (const fw of FRAMEWORKS) {
      await page.select('#framework', fw.id);
      await page.waitForFunction(
        (id) => (document.getElementById('editor') as HTMLTextAreaElement).value.length > 0 && location.hash.includes(`framework=${id}`),
        {},
        fw.id,
      );
      await settled(page);
      expect(await page.$eval('#editor', (e) => (e as HTMLTextAreaElement).value)).toBe(fw.example);
      inBrowser.set(
        fw.id,
        (await findings(page)).map((f) => `${f.line} ${f.rule}`),
      );
    }
    await page.close();
    const { stdout, stderr } = await cli;
    const report = new Map(
      (JSON.parse(stdout || `"${stderr}"`) as Array<{ filePath: string; framework?: string; messages: Array<{ ruleId: string; line: number }> }>).map((r) => [
        r.filePath,
        r,
      ]),
    );
    for (const fw of FRAMEWORKS) {
      const result = report.get(migration(fw));
      const fromCli = result?.messages.map((m) => `${m.line} ${m.ruleId}`);
      expect({ framework: fw.id, linted: result?.framework, findings: inBrowser.get(fw.id) }).toEqual({ framework: fw.id, linted: fw.id, findings: fromCli });
      expect(inBrowser.get(fw.id)!.length).toBeGreaterThan(0);
    }
  }, 300_000);

  it('draws the lock picture of the review comment: statements down, tables across, each cell the lock mode', async () => {
    const sql =
      'BEGIN;\nCREATE TABLE audit (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);\nCOMMIT;\n';
    const page = await openPage(`#framework=psql&sql=${base64url(sql)}&tables=${base64url(JSON.stringify({ orders: 5_000_000 }))}`);
    expect(await page.$eval('#picture', (e) => (e as HTMLElement).hidden)).toBe(false);
    const head = await page.$$eval('#picture-table thead th', (ths) => ths.map((th) => th.textContent?.trim()));
    expect(head).toEqual(['line', 'statement', 'orders', 'audit new']);
    const rows = await page.$$eval('#picture-table tbody tr', (trs) =>
      trs.map((tr) => ({ line: tr.getAttribute('data-line'), cells: [...tr.querySelectorAll('td')].map((td) => `${td.className}|${td.textContent?.trim()}`) })),
    );
    expect(rows).toEqual([
      { line: '2', cells: ['|CREATE TABLE', '|', 'lock new|created'] },
      { line: '3', cells: ['|ALTER TABLE', 'lock reads|ACCESS EXCLUSIVE 🔒', '|'] },
      { line: '4', cells: ['|CREATE INDEX', 'lock writes|SHARE 🔒', '|'] },
    ]);
    // The flagged statement is marked, and each finding links to its rule's page.
    expect(await page.$eval('#picture-table tr[data-line="4"]', (tr) => tr.getAttribute('data-severity'))).toBe('error');
    const href = await page.$eval('#findings li[data-rule-id="require-concurrent-index-creation"] a.rule', (a) => a.getAttribute('href'));
    expect(href).toBe(ruleDocsUrl('require-concurrent-index-creation'));
    await page.close();
  });

  it('opens every rule’s flagged example from its link (rule pages, explain, review comment) and shows that rule', async () => {
    const page = await openPage();
    const missing: string[] = [];
    for (const meta of ALL_RULE_META) {
      const link = ruleExampleLink(meta, `${origin}/index.html`);
      if (!link) continue;
      // Following the link: the page's own hashchange listener (registered first) has started the lint when ours runs.
      await page.evaluate(
        (hash) =>
          new Promise<void>((resolve) => {
            if (location.hash === hash) return resolve();
            window.addEventListener('hashchange', () => resolve(), { once: true });
            location.hash = hash;
          }),
        link.slice(link.indexOf('#')),
      );
      await settled(page);
      expect(await page.$eval('#editor', (e) => (e as HTMLTextAreaElement).value)).toBe(meta.docs.invalid[0]!.code);
      const rules = (await findings(page)).map((f) => f.rule);
      if (!rules.includes(meta.id)) missing.push(meta.id);
    }
    expect(missing).toEqual([]);
    await page.close();
  }, 300_000);

  it('made no request outside the local server', () => {
    expect(foreignRequests).toEqual([]);
  });
});
