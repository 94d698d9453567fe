// Renders `migralint fixtures/demo --format markdown` (with --trace: `migralint trace fixtures/demo --format
// markdown`, the review with the trace's observed locks and hold times) as GitHub shows a pull-request comment — GitHub-flavoured
// markdown (marked) styled with GitHub's own stylesheet (github-markdown-css) — and screenshots it with headless
// Chromium (Debian's `chromium` package) into docs/review-comment.png. A person looks at the PNG; npm test does not
// run this (it needs Chromium).
//   node scripts/render-review.mjs [--trace] [--out docs/review-comment.png] [--height 1900] [--html /tmp/review.html]
//   node scripts/render-review.mjs --trace --out docs/trace-review.png --height 2000
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const out = path.resolve(root, arg('out', 'docs/review-comment.png'));
const height = Number(arg('height', '1900'));
const width = 980;

const traced = process.argv.includes('--trace');
const command = traced ? ['trace', 'fixtures/demo', '--format', 'markdown'] : ['fixtures/demo', '--format', 'markdown'];
const lint = spawnSync(process.execPath, [path.join(root, 'bin/migralint.js'), ...command], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1' },
});
if (lint.status !== 0 && lint.status !== 1) throw new Error(`migralint failed (${lint.status}): ${lint.stderr}`);
const body = marked.parse(lint.stdout, { gfm: true });
const css = readFileSync(path.join(root, 'node_modules/github-markdown-css/github-markdown-light.css'), 'utf8');
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
  body { margin: 0; background: #fff; font-family: -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
  .comment { margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; }
  .comment-head { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; font: 14px "DejaVu Sans", sans-serif; color: #57606a; border-radius: 6px 6px 0 0; }
  .comment-head b { color: #1f2328; }
  .markdown-body { padding: 16px; font-size: 14px; }
  .markdown-body, .markdown-body table { font-family: "DejaVu Sans", "Noto Color Emoji", sans-serif; }
</style></head><body><div class="comment"><div class="comment-head"><b>github-actions</b> bot commented</div>
<article class="markdown-body">${body}</article></div></body></html>`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-render-'));
try {
  const page = path.join(dir, 'review.html');
  writeFileSync(page, html);
  if (arg('html')) writeFileSync(path.resolve(arg('html')), html);
  execFileSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      `--window-size=${width},${height}`,
      `--screenshot=${out}`,
      `file://${page}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  console.log(`${path.relative(root, out)}: ${readFileSync(out).length} bytes`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
