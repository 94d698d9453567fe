/**
 * Small helpers over ESTree as three parsers give it: oxc-parser in the CLI (`start`/`end`, UTF-16 offsets),
 * espree and typescript-eslint inside ESLint (`range`). Only what the extractor needs.
 */
export interface Node {
  type: string;
  [key: string]: any;
}

export function rangeOf(node: Node): [number, number] {
  const r = node.range as [number, number] | undefined;
  return r ?? [node.start as number, node.end as number];
}

const SKIP_KEYS = new Set([
  'parent',
  'loc',
  'range',
  'start',
  'end',
  'tokens',
  'comments',
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'decorators',
]);

/** Depth-first, source order; `visit` returns false to skip a node's children. */
export function walk(node: Node, visit: (node: Node, parent: Node | null) => boolean | void, parent: Node | null = null): void {
  if (visit(node, parent) === false) return;
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child, visit, node);
    } else if (value && typeof value === 'object' && typeof value.type === 'string') {
      walk(value, visit, node);
    }
  }
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrap(node: Node | null | undefined): Node | null {
  let n = node ?? null;
  while (
    n &&
    (n.type === 'ParenthesizedExpression' ||
      n.type === 'TSAsExpression' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'ChainExpression')
  ) {
    n = n.expression;
  }
  return n;
}

/** `a.b.c` → "a.b.c"; `this.x.y` → "this.x.y"; `a.b().c` → "a.b().c"; anything else → null. */
export function chainOf(node: Node | null): string | null {
  const n = unwrap(node);
  if (!n) return null;
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'MemberExpression' && !n.computed && n.property?.type === 'Identifier') {
    const obj = chainOf(n.object);
    return obj === null ? null : `${obj}.${n.property.name}`;
  }
  if (n.type === 'MemberExpression' && n.computed && isStringLiteral(n.property)) {
    const obj = chainOf(n.object);
    return obj === null ? null : `${obj}.${n.property.value}`;
  }
  if (n.type === 'CallExpression') {
    const callee = chainOf(n.callee);
    return callee === null ? null : `${callee}()`;
  }
  if (n.type === 'AwaitExpression') return chainOf(n.argument);
  return null;
}

export function isStringLiteral(node: Node | null | undefined): node is Node & { value: string } {
  const n = unwrap(node);
  return !!n && n.type === 'Literal' && typeof n.value === 'string';
}

/** The static string value of a string literal or an expression-free template, else undefined. */
export function staticString(node: Node | null | undefined): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value?.cooked ?? undefined;
  return undefined;
}

/** Name of a property key: `a`, `'a'`, `"a"`. */
export function keyName(prop: Node): string | undefined {
  if (prop.type !== 'Property' && prop.type !== 'PropertyDefinition') return undefined;
  const k = prop.key;
  if (!prop.computed && k?.type === 'Identifier') return k.name;
  if (k?.type === 'Literal' && typeof k.value === 'string') return k.value;
  return undefined;
}

export function property(obj: Node | null | undefined, name: string): Node | undefined {
  const o = unwrap(obj);
  if (!o || o.type !== 'ObjectExpression') return undefined;
  for (const p of o.properties) if (keyName(p) === name) return p;
  return undefined;
}

/** The literal value of an object's property (`true`, `'name'`, `['a', 'b']` of strings), else undefined. */
export function propertyValue(obj: Node | null | undefined, name: string): unknown {
  const p = property(obj, name);
  return p ? literalValue(p.value) : undefined;
}

export function literalValue(node: Node | null | undefined): unknown {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'Literal') return n.value;
  if (n.type === 'TemplateLiteral') return staticString(n);
  if (n.type === 'ArrayExpression') {
    const out: unknown[] = [];
    for (const e of n.elements) {
      const v = literalValue(e);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (n.type === 'ObjectExpression') {
    const out: Record<string, unknown> = {};
    for (const p of n.properties) {
      const k = keyName(p);
      if (k === undefined) return undefined;
      out[k] = literalValue(p.value);
    }
    return out;
  }
  return undefined;
}

/** Functions: declarations, expressions, arrows. */
export function isFunction(node: Node | null | undefined): node is Node {
  const n = unwrap(node);
  return !!n && (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration');
}

/** The first parameter's name of a function (`knex`, `queryRunner`, `pgm` …), through `async (x: Knex)`. */
export function firstParamName(fn: Node): string | undefined {
  const p = fn.params?.[0];
  if (!p) return undefined;
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'TSParameterProperty' && p.parameter?.type === 'Identifier') return p.parameter.name;
  if (p.type === 'AssignmentPattern' && p.left?.type === 'Identifier') return p.left.name;
  return undefined;
}
