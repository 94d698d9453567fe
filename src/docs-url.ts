/**
 * Where migralint's documentation is published: the repository's docs/ folder on its default branch. Every link
 * to a rule's page (SARIF helpUri, the ESLint plugin's docs.url, markdown reports, `migralint explain`) is made
 * here, so moving the docs means changing this one line.
 */
export const DOCS_BASE_URL = 'https://github.com/migralint/migralint/blob/main/docs/';

/** The page generated for a rule: docs/rules/<id>.md (see scripts/rule-pages.ts). */
export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}rules/${ruleId}.md`;
}

/** Where the playground is published (GitHub Pages, by .github/workflows/playground.yml). */
export const PLAYGROUND_URL = 'https://migralint.github.io/migralint/';
