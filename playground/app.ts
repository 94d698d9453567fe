/**
 * The playground page: an editor, a framework picker, a small config pane and the results. Every lint runs in
 * the worker (worker.ts), so typing stays smooth; this file only renders and keeps the state in the URL hash.
 */
import { FRAMEWORKS, frameworkById } from './frameworks.js';
import type { LintResponse, PlaygroundFinding } from './protocol.js';
import { PRESETS } from '../src/engine/presets.js';
import type { LockPicture, PictureCell } from '../src/report/lock-picture.js';
import type { PresetName } from '../src/types.js';
import { decodeState, encodeState, formatTableSizes, parseTableSizes, PG_VERSIONS, type PlaygroundState } from './state.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const editor = $<HTMLTextAreaElement>('editor');
const frameworkSelect = $<HTMLSelectElement>('framework');
const pgSelect = $<HTMLSelectElement>('pg-version');
const presetSelect = $<HTMLSelectElement>('preset');
const tablesInput = $<HTMLInputElement>('tables');
const largeInput = $<HTMLInputElement>('large-tables');
const partitionedInput = $<HTMLInputElement>('partitioned-tables');
const status = $<HTMLParagraphElement>('status');
const findingsList = $<HTMLOListElement>('findings');
const assumption = $<HTMLParagraphElement>('assumption');
const pictureSection = $<HTMLElement>('picture');
const pictureTable = $<HTMLTableElement>('picture-table');
const fixSection = $<HTMLElement>('fix');
const fixDiff = $<HTMLPreElement>('fix-diff');
const applyButton = $<HTMLButtonElement>('apply-fix');
const shareButton = $<HTMLButtonElement>('share');

const DEFAULTS: PlaygroundState = {
  framework: 'drizzle',
  pgVersion: 15,
  text: frameworkById('drizzle').example,
  tables: { mcp_activity: 48_200_000, docs: 2_310_000, messages: 12_700_000, orders: 5_000_000 },
  largeTables: [],
  partitioned: [],
  preset: 'recommended',
  rules: {},
};

for (const f of FRAMEWORKS) frameworkSelect.add(new Option(f.label, f.id));
for (const v of PG_VERSIONS) pgSelect.add(new Option(`PostgreSQL ${v}`, String(v)));
for (const p of PRESETS) presetSelect.add(new Option(p, p));

/** The state a link gives; a link that names a tool but no text opens that tool's example. */
function stateFromHash(hash: string): PlaygroundState {
  const decoded = decodeState(hash, DEFAULTS);
  return new URLSearchParams(hash.replace(/^#/, '')).has('sql') ? decoded : { ...decoded, text: frameworkById(decoded.framework).example };
}

let state = stateFromHash(location.hash);
let seq = 0;
let lastFixed: string | undefined;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

function render(): void {
  editor.value = state.text;
  frameworkSelect.value = frameworkById(state.framework).id;
  pgSelect.value = String(state.pgVersion);
  presetSelect.value = state.preset;
  tablesInput.value = formatTableSizes(state.tables);
  largeInput.value = state.largeTables.join(', ');
  partitionedInput.value = state.partitioned.join(', ');
}

function request(): void {
  seq += 1;
  status.textContent = 'Linting…';
  const tables: Record<string, { rows?: number; partitioned?: boolean }> = Object.fromEntries(
    Object.entries(state.tables).map(([name, rows]) => [name, { rows }]),
  );
  for (const name of state.partitioned) tables[name] = { ...tables[name], partitioned: true };
  worker.postMessage({
    seq,
    framework: frameworkById(state.framework).id,
    text: state.text,
    pgVersion: state.pgVersion,
    tables,
    largeTables: state.largeTables,
    preset: state.preset,
    rules: state.rules,
  });
  history.replaceState(null, '', encodeState(state));
}

let timer: ReturnType<typeof setTimeout> | undefined;
function scheduleLint(): void {
  clearTimeout(timer);
  timer = setTimeout(request, 150);
}

function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function selectLine(line: number): void {
  const lines = editor.value.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i]!.length + 1;
  editor.focus();
  editor.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
}

function findingItem(f: PlaygroundFinding): HTMLElement {
  const li = el('li', { class: `finding ${f.severity}`, 'data-rule-id': f.ruleId, 'data-line': String(f.line), 'data-severity': f.severity });
  const head = el('div', { class: 'finding-head' });
  const where = el('button', { type: 'button', class: 'where', 'aria-label': `Go to line ${f.line}, column ${f.column}` }, `${f.line}:${f.column}`);
  where.addEventListener('click', () => selectLine(f.line));
  const rule = el('a', { class: 'rule', href: f.docsUrl, target: '_blank', rel: 'noopener', 'aria-label': `${f.ruleId}: the rule's page` });
  rule.append(el('code', {}, f.ruleId));
  head.append(where, el('span', { class: `severity ${f.severity}` }, f.severity), rule);
  li.append(head, el('p', { class: 'message' }, f.message));
  if (f.lock)
    li.append(el('p', { class: 'lock' }, `lock: ${f.lock.mode} on ${f.lock.relation}${f.lock.blocks.length ? ` — blocks ${f.lock.blocks.join(', ')}` : ''}`));
  if (f.table?.rows !== undefined)
    li.append(el('p', { class: 'table' }, `table: ${f.table.name}, ${f.table.rows.toLocaleString('en-US')} rows (${f.table.sizeClass})`));
  if (f.help) li.append(el('p', { class: 'help' }, `help: ${f.help}`));
  if (f.fixable) li.append(el('p', { class: 'fixable' }, 'fix: applied by --fix (see the fix below)'));
  for (const s of f.suggestions) li.append(el('p', { class: 'suggestion' }, `suggestion: ${s}`));
  return li;
}

const PICTURE_TITLE: Record<PictureCell['strength'], string> = {
  reads: 'blocks reads and writes',
  writes: 'blocks writes',
  weak: 'blocks only schema changes and VACUUM',
  new: 'a table new in this migration: nobody waits',
};

function pictureCell(c: PictureCell, relation?: string): HTMLElement {
  const td = el('td', { class: `lock ${c.strength}`, title: `${PICTURE_TITLE[c.strength]}${c.held ? '; held until the transaction commits' : ''}` });
  td.append(el('span', {}, `${c.label}${c.held ? ' 🔒' : ''}`));
  if (relation) td.append(' on ', el('code', {}, relation));
  return td;
}

/** The lock picture of the review comment, as a table: statements down, relations across. */
function renderPicture(picture: LockPicture | undefined): void {
  pictureSection.hidden = !picture;
  if (!picture) return pictureTable.replaceChildren();
  const headRow = el('tr');
  headRow.append(el('th', { scope: 'col' }, 'line'), el('th', { scope: 'col' }, 'statement'));
  for (const c of picture.columns) {
    const th = el('th', { scope: 'col', 'data-relation': c.relation });
    th.append(el('code', {}, c.relation), `${c.kind ? ` (${c.kind})` : ''}${c.isNew ? ' new' : ''}`);
    headRow.append(th);
  }
  if (picture.hasOthers) headRow.append(el('th', { scope: 'col' }, 'other relations'));
  const thead = el('thead');
  thead.append(headRow);
  const tbody = el('tbody');
  for (const r of picture.rows) {
    const tr = el('tr', { 'data-line': String(r.line), ...(r.severity ? { 'data-severity': r.severity } : {}) });
    const th = el('th', { scope: 'row' });
    const go = el('button', { type: 'button', class: 'where', 'aria-label': `Go to line ${r.line}` }, String(r.line));
    go.addEventListener('click', () => selectLine(r.line));
    th.append(go);
    tr.append(th, el('td', {}, r.head));
    for (const c of r.cells) tr.append(c ? pictureCell(c) : el('td'));
    if (picture.hasOthers) {
      const td = el('td');
      for (const o of r.others) td.append(pictureCell(o, o.relation));
      tr.append(td);
    }
    tbody.append(tr);
  }
  pictureTable.replaceChildren(thead, tbody);
}

worker.onmessage = (event: MessageEvent<LintResponse>) => {
  const r = event.data;
  if (r.seq !== seq) return;
  findingsList.replaceChildren(...r.findings.map(findingItem));
  renderPicture(r.picture);
  const counts = { error: 0, warn: 0, info: 0 };
  for (const f of r.findings) counts[f.severity]++;
  status.textContent = r.error
    ? `Internal error: ${r.error}`
    : r.findings.length === 0
      ? 'No problems found.'
      : `${counts.error} errors, ${counts.warn} warnings, ${counts.info} notes`;
  assumption.textContent = r.assumption ? `${frameworkById(r.framework).label}: ${r.assumption}` : '';
  lastFixed = r.fixed?.text;
  fixSection.hidden = !r.fixed && !r.rejected;
  fixDiff.textContent = r.fixed ? r.fixed.diff.split('\n').slice(4).join('\n') : (r.rejected ?? '');
  applyButton.disabled = !r.fixed;
};

editor.addEventListener('input', () => {
  state = { ...state, text: editor.value };
  status.textContent = 'Linting…';
  scheduleLint();
});
frameworkSelect.addEventListener('change', () => {
  const previous = frameworkById(state.framework);
  const next = frameworkById(frameworkSelect.value);
  // Switching tools swaps the example only when the editor still holds the previous tool's example.
  const text = state.text.trim() === '' || state.text === previous.example ? next.example : state.text;
  state = { ...state, framework: next.id, text };
  render();
  request();
});
presetSelect.addEventListener('change', () => {
  state = { ...state, preset: presetSelect.value as PresetName };
  request();
});
pgSelect.addEventListener('change', () => {
  state = { ...state, pgVersion: Number(pgSelect.value) };
  request();
});
tablesInput.addEventListener('change', () => {
  state = { ...state, tables: parseTableSizes(tablesInput.value) };
  request();
});
partitionedInput.addEventListener('change', () => {
  state = {
    ...state,
    partitioned: partitionedInput.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
  request();
});
largeInput.addEventListener('change', () => {
  state = {
    ...state,
    largeTables: largeInput.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
  request();
});
applyButton.addEventListener('click', () => {
  if (lastFixed === undefined) return;
  state = { ...state, text: lastFixed };
  render();
  request();
});
shareButton.addEventListener('click', () => {
  const url = `${location.origin}${location.pathname}${encodeState(state)}`;
  void navigator.clipboard?.writeText(url).catch(() => undefined);
  status.textContent = 'Link copied to the clipboard (it is also the address bar).';
});
window.addEventListener('hashchange', () => {
  if (location.hash === encodeState(state)) return;
  state = stateFromHash(location.hash);
  render();
  request();
});

render();
request();
