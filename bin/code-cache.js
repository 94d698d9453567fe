// V8's compiled code of the CLI's CommonJS files, kept in the cache folder between runs: used by the bin
// (bin/migralint.js) for the CLI's bundle, its chunks and the parser's JavaScript, and by each worker thread of a
// parallel lint (bin/worker.js) for the worker's bundle.
'use strict';
const { createHash } = require('node:crypto');
const { isAscii } = require('node:buffer');
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

/**
 * A built file's identity (the bundle's, a chunk's), without hashing its megabytes on each run (about 8 ms of CPU
 * for the bundle): the SHA-256 of its text that the build writes on its last line (scripts/bundle-cli.mjs), and the
 * file's inode, size, modification and status-change times (ns). The build's hash tells builds apart however fast
 * they follow each other; the status-change time, which the kernel sets on every write or replacement of the file and
 * no tool sets back (touch, tar and cp -p set only the modification time), tells apart a file edited by hand. A file
 * without the line (a package's: the parser's JavaScript) is named by its whole text, hashed.
 */
function bundleIdentity(file, source) {
  const build = /\/\/# migralintBuild=([0-9a-f]{64})\n$/.exec(source.slice(-100));
  if (!build) return source;
  const s = statSync(file, { bigint: true });
  return `${build[1]}\0${s.dev}\0${s.ino}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}`;
}

/**
 * CommonJS files of the CLI compiled with V8's compiled code from an earlier run (Node 20 has no
 * module.enableCompileCache): on a hit V8 skips parsing and compiling them. The CLI's bundle (dist/cli.cjs), the
 * worker's (dist/worker.cjs), the chunks they load on first use (dist/zod.cjs, dist/yaml.cjs …) and the parser's
 * JavaScript go through here (the kept code of a file is named after it: cli-code-<id>.v8, worker-code-<id>.v8 …). V8 itself checks little of a code
 * cache (its version and flags, the source's length, not the source or the data): each file's data is named by the
 * file's identity and Node's version, and carries a hash of itself; anything else, or data V8 rejects, is ignored
 * and rewritten after the run. `save()` writes the data of each file that had none. `tag`: what names this thread's
 * temporary files (the process id, and a worker's thread id: threads of one process write the same files).
 */
function codeCache(dir, tag = String(process.pid)) {
  const loaded = [];
  const modules = new Map();
  /**
   * The module.exports of a CommonJS file, run as Node runs one (its own require, __filename, __dirname), once.
   * `relative`: the files it requires by a relative path come through here too (a package's files: the parser's).
   * `standIns`: what its require() gives for these packages instead of loading them (bin/parser.js).
   */
  function load(file, relative = false, standIns = {}) {
    const known = modules.get(file);
    if (known) return known.exports;
    const bytes = readFileSync(file);
    // The build writes its files in ASCII (scripts/bundle-cli.mjs): their bytes are then taken as they are (Latin-1),
    // one byte a character as V8 keeps such a string, instead of decoded as UTF-8 (about 5 ms of CPU less).
    const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    const id = createHash('sha256').update(`${process.version}\0${process.arch}\0`).update(bundleIdentity(file, source)).digest('hex').slice(0, 32);
    // Named after the file (cli-code-…, zod-code-…; a package's after the package too: libpg-query.index-code-…):
    // each file's data replaces only its own earlier versions'.
    const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file)?.[1].replace(/[\\/]/g, '.');
    const prefix = `${pkg ? `${pkg}.` : ''}${path.basename(file).replace(/\.c?js$/, '')}-code-`;
    const cacheFile = path.join(dir, `${prefix}${id}.v8`);
    let cachedData;
    try {
      const stored = readFileSync(cacheFile);
      const data = stored.subarray(32);
      if (stored.length > 32 && createHash('sha256').update(data).digest().subarray(0, 32).equals(stored.subarray(0, 32))) cachedData = data;
    } catch {
      /* none yet, or unreadable */
    }
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
    const script = new vm.Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
    loaded.push({ script, cacheFile, prefix, had: cachedData !== undefined });
    const mod = { exports: {} };
    modules.set(file, mod);
    // Module.createRequire, as node:module exports it, without loading node:module (which loads Node's ES module
    // loader: about 2 ms of a one-file lint).
    const own = module.constructor.createRequire(file);
    const req = relative
      ? Object.assign((id) => (/^\.\.?\//.test(id) ? load(own.resolve(id), true, standIns) : Object.hasOwn(standIns, id) ? standIns[id] : own(id)), own)
      : own;
    try {
      script.runInThisContext()(mod.exports, req, mod, file, path.dirname(file));
    } catch (error) {
      modules.delete(file);
      throw error;
    }
    return mod.exports;
  }
  function save() {
    for (const { script, cacheFile, prefix, had } of loaded) {
      if (had && !script.cachedDataRejected) continue;
      // After the run: the data then holds the functions the run compiled, not only the top level.
      const data = script.createCachedData();
      const tmp = `${cacheFile}.${tag}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, Buffer.concat([createHash('sha256').update(data).digest().subarray(0, 32), data]));
        renameSync(tmp, cacheFile);
        // The same file's code of earlier builds: never read again.
        const base = path.basename(cacheFile);
        for (const f of readdirSync(dir)) if (f.startsWith(prefix) && /^[\w.@-]+-code-[0-9a-f]+\.v8$/.test(f) && f !== base) unlinkSync(path.join(dir, f));
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          /* nothing written */
        }
      }
    }
  }
  return { load, save };
}

module.exports = { codeCache };
