import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_RULE_META } from '../rules/index.js';
import { DOCS_BASE_URL, ruleDocsUrl } from '../src/docs-url.js';
import { eslintRule } from '../src/eslint/rules.js';
import { explainRule } from '../src/cli/explain.js';
import { checkLinks, githubSlugs, markdownLinks } from './helpers/links.js';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Every markdown file of the project's own docs: README, CONTRIBUTING, docs/**. */
function projectMarkdown(): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(path.join(root, f)));
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(root, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.md')) files.push(rel);
    }
  };
  walk('docs');
  return files;
}

describe('rule pages', () => {
  it('docs/rules is exactly what `npm run docs` generates from the rules (run it after changing a rule)', async () => {
    const { renderRuleDocs } = await import('../scripts/rule-pages.js');
    const files = await renderRuleDocs();
    const onDisk = readdirSync(path.join(root, 'docs/rules'))
      .map((f) => `docs/rules/${f}`)
      .sort();
    expect(onDisk).toEqual([...files.keys()].sort());
    for (const [rel, text] of files) expect(readFileSync(path.join(root, rel), 'utf8'), rel).toBe(text);
  }, 60_000);

  it('every rule has a page, and every link to a rule page points at one that exists', () => {
    for (const meta of ALL_RULE_META) {
      const url = ruleDocsUrl(meta.id);
      expect(url.startsWith(DOCS_BASE_URL)).toBe(true);
      expect(existsSync(path.join(root, 'docs', url.slice(DOCS_BASE_URL.length))), url).toBe(true);
      expect(eslintRule(meta).meta.docs.url).toBe(url);
      expect(explainRule(meta, false)).toContain(url);
    }
  });

  it('a page shows the lock the analysis reports for its examples, and the fixed text', () => {
    const page = readFileSync(path.join(root, 'docs/rules/require-concurrent-index-creation.md'), 'utf8');
    expect(page).toContain('- **SHARE** (on `page_views`');
    expect(page).toContain('After `--fix`:');
    expect(page).toContain('*Alembic — `alembic/versions/4c1d2e3f5a6b_orders_created_at.py`*');
  });
});

describe('README examples', () => {
  it('every example output in the README is what migralint prints for the demo (run `npm run docs` after a change)', async () => {
    const { withExamples } = await import('../scripts/readme-examples.js');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const examples = readme.match(/<!-- example: migralint /g) ?? [];
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(readme).toBe(await withExamples(readme));
  }, 60_000);

  it('an example that no longer matches is found', async () => {
    const { withExamples } = await import('../scripts/readme-examples.js');
    const stale = '<!-- example: migralint fixtures/demo/psql --format compact -->\n```\nold output\n```\n<!-- /example -->\n';
    const fresh = await withExamples(stale);
    expect(fresh).not.toBe(stale);
    expect(fresh).toContain('fixtures/demo/psql/0065_messages_user_created.sql:7:1: error adding-foreign-key-constraint');
  }, 60_000);
});

describe('links in the project docs', () => {
  it('GitHub heading anchors are computed as GitHub does', () => {
    expect([
      ...githubSlugs('# CI and pre-commit\n## Python migrations: Alembic and Django\n## Table sizes\n## Table sizes\n```\n# not a heading\n```\n'),
    ]).toEqual(['ci-and-pre-commit', 'python-migrations-alembic-and-django', 'table-sizes', 'table-sizes-1']);
    expect(markdownLinks('see [a](b.md#c), `[x](not-a-link)`, <a href="d.md">d</a> and ![img](e.png)\n```\n[y](in-code)\n```\n')).toEqual([
      'b.md#c',
      'd.md',
      'e.png',
    ]);
  });

  it('a dead relative link or anchor is found', () => {
    const files = {
      'README.md': '# Top\n[ok](docs/a.md#there) [bad](docs/missing.md) [anchor](#nowhere) [self](#top)\n',
      'docs/a.md': '## There\n[up](../README.md#top)\n',
    };
    expect(checkLinks(files, (rel) => rel in files)).toEqual(['README.md: docs/missing.md (no such file)', 'README.md: #nowhere (no such anchor)']);
  });

  it('no README or docs link is dead, and none leaves the repository', () => {
    const texts = Object.fromEntries(projectMarkdown().map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
    expect(checkLinks(texts, (rel) => existsSync(path.join(root, rel)))).toEqual([]);
    for (const [file, text] of Object.entries(texts)) {
      expect(text, file).not.toMatch(/\.\.\/shared\//);
      // Links to the published docs name a page that exists here.
      for (const m of text.matchAll(new RegExp(`${DOCS_BASE_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}([\\w./-]+)`, 'g'))) {
        expect(existsSync(path.join(root, 'docs', m[1]!)), `${file}: ${m[0]}`).toBe(true);
      }
    }
  });
});
