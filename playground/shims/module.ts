/**
 * `node:module` for the browser build. The core resolves tree-sitter grammars with createRequire().resolve;
 * in the playground the build copies each grammar's .wasm next to the worker script, so it resolves to that URL.
 */
export function createRequire(): { resolve(id: string): string } {
  return {
    resolve(id: string): string {
      const name = id.split('/').pop() ?? id;
      return new URL(name, self.location.href).href;
    },
  };
}

export default { createRequire };
