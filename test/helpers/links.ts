import path from 'node:path';

/** Markdown without fenced code blocks and inline code, where a `[x](y)` is text, not a link. */
function withoutCode(md: string): string {
  return md.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, '').replace(/`+[^`\n]*`+/g, '');
}

/** The link targets in a markdown text: `[text](target)`, `![alt](target)`, `<a href="target">`, `<img src>`. */
export function markdownLinks(md: string): string[] {
  const text = withoutCode(md);
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g)) out.push((m[1] ?? m[2])!);
  return out;
}

/** The anchors GitHub gives a markdown file's headings: lower case, punctuation dropped, spaces → hyphens, repeats numbered. */
export function githubSlugs(md: string): Set<string> {
  const slugs = new Set<string>();
  const counts = new Map<string, number>();
  for (const m of withoutCode(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    slugs.add(n ? `${base}-${n}` : base);
  }
  for (const m of md.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) slugs.add(m[1]!);
  return slugs;
}

/**
 * Dead relative links and anchors in a set of markdown files (paths relative to the repository root, with `/`).
 * External links (a scheme) are not followed. Returns "file: target (why)" for each dead one.
 */
export function checkLinks(
  files: Record<string, string>,
  exists: (rel: string) => boolean,
  read: (rel: string) => string | undefined = (rel) => files[rel],
): string[] {
  const dead: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const target of markdownLinks(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [p, anchor] = target.split('#') as [string, string | undefined];
      const rel = p ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(p))) : file;
      if (rel.startsWith('..')) {
        dead.push(`${file}: ${target} (outside the repository)`);
        continue;
      }
      if (p && !exists(rel.replace(/\/$/, ''))) {
        dead.push(`${file}: ${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && rel.endsWith('.md')) {
        const md = read(rel);
        if (md !== undefined && !githubSlugs(md).has(anchor)) dead.push(`${file}: ${target} (no such anchor)`);
      }
    }
  }
  return dead;
}
