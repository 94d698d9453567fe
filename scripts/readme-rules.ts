// The README's rule table, generated from the rules' own metadata (`npm run docs`); a test keeps them in step.
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_RULE_META } from '../rules/index.js';
import { presetOf } from '../src/engine/presets.js';

export function rulesTable(): string {
  const rows = ALL_RULE_META.map((m) => {
    const fix = m.fix === 'safe' ? 'fix' : m.fix === 'suggestion' ? 'sugg' : m.fix === 'display-only' ? 'show' : '';
    return `| \`${m.id}\` | ${m.category} | ${presetOf(m)} | ${m.defaultSeverity} | ${fix} | ${m.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| rule | category | preset | severity | fix | what it flags |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

export function withRulesTable(readme: string): string {
  return readme.replace(/<!-- rules:start -->[\s\S]*<!-- rules:end -->/, `<!-- rules:start -->\n${rulesTable()}\n<!-- rules:end -->`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const url = new URL('../README.md', import.meta.url);
  writeFileSync(url, withRulesTable(readFileSync(url, 'utf8')));
}
