/**
 * The CLI reads JS/TS migrations with oxc-parser, a native module. In the browser the playground gives the same
 * extractor the ESTree that typescript-eslint's parser produces (the shape the ESLint plugin already feeds it),
 * behind oxc-parser's parseSync signature.
 */
import { parse } from '@typescript-eslint/typescript-estree';

interface ParseOptions {
  lang?: string;
}

export function parseSync(_filename: string, text: string, options: ParseOptions = {}): { program: unknown; errors: unknown[]; comments: unknown[] } {
  try {
    const program = parse(text, { range: true, loc: false, comment: false, jsx: options.lang === 'jsx' || options.lang === 'tsx' });
    return { program, errors: [], comments: [] };
  } catch (error) {
    const e = error as Error & { index?: number };
    const at = typeof e.index === 'number' ? e.index : 0;
    return { program: null, errors: [{ severity: 'Error', message: e.message, labels: [{ start: at, end: at }] }], comments: [] };
  }
}
