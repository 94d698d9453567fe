// The type check and the build's compile in one TypeScript program, for `npm test` (scripts/checks.mjs): the same as
// `npm run typecheck` (tsconfig.json: the code, the tests, the playground) followed by `tsc -p tsconfig.build.json`,
// but every file is parsed and type-checked once instead of twice (the build's files are a part of the type check's).
// The program has the build's options (tsconfig.build.json extends tsconfig.json: declarations, emit into dist/);
// it reports the type check's errors for every file, the declaration errors of the build's files, and writes the
// build's files (dist/src, dist/rules) byte for byte as `tsc -p tsconfig.build.json` does. The type check's results
// are kept between runs in the build info file given as the first argument (what tsc --incremental keeps). Writing the
// build's files needs most of a full type check, so beside that file a manifest records what the last run wrote: the
// hash of every input (each file of the program, the options, TypeScript's version) and of every file written. When
// the inputs are the same and every written file is still in dist/ with its recorded hash, nothing is written;
// otherwise every build file is emitted again. dist/ is never taken from the cache on trust. Exit code 1 on any error.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const buildInfo = process.argv[2];
const host = {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
};
const checked = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, host);
const build = ts.getParsedCommandLineOfConfigFile('tsconfig.build.json', {}, host);
const buildFiles = new Set(build.fileNames.map((f) => path.resolve(f)));
const outside = build.fileNames.filter((f) => !checked.fileNames.some((c) => path.resolve(c) === path.resolve(f)));
if (outside.length) throw new Error(`tsconfig.build.json compiles files tsconfig.json does not check: ${outside.join(', ')}`);

// The type check runs with the build's options: only what the build adds (emit, declarations) may differ.
const own = (o) =>
  JSON.stringify(
    Object.entries(o)
      .filter(([k]) => !['noEmit', 'declaration', 'configFilePath'].includes(k))
      .sort(),
  );
if (own(checked.options) !== own(build.options)) throw new Error('tsconfig.build.json changes more than noEmit and declaration: run typecheck and build apart');

const options = { ...build.options, ...(buildInfo ? { incremental: true, tsBuildInfoFile: buildInfo } : {}) };
const builder = ts.createIncrementalProgram({ rootNames: checked.fileNames, options, configFileParsingDiagnostics: checked.errors });
const program = builder.getProgram();
const diagnostics = [
  ...builder.getConfigFileParsingDiagnostics(),
  ...builder.getOptionsDiagnostics(),
  ...builder.getGlobalDiagnostics(),
  ...builder.getSyntacticDiagnostics(),
  ...builder.getSemanticDiagnostics(),
];
const sha = (text) => createHash('sha256').update(text).digest('hex');
const inputs = sha(JSON.stringify([ts.version, options, program.getSourceFiles().map((f) => [f.fileName, sha(f.text)])]));
const manifestFile = buildInfo && `${buildInfo}.emitted.json`;
const manifest = manifestFile && existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : undefined;
const current =
  manifest?.inputs === inputs && Object.entries(manifest.outputs).every(([file, hash]) => existsSync(file) && sha(readFileSync(file, 'utf8')) === hash);
if (!diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error) && !current) {
  const outputs = {};
  const write = (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    outputs[path.resolve(file)] = sha(text);
  };
  for (const file of program.getSourceFiles()) {
    if (!buildFiles.has(path.resolve(file.fileName))) continue;
    diagnostics.push(...program.getDeclarationDiagnostics(file), ...program.emit(file, write).diagnostics);
  }
  if (manifestFile && !diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) {
    mkdirSync(path.dirname(manifestFile), { recursive: true });
    writeFileSync(manifestFile, JSON.stringify({ inputs, outputs }));
  }
}
// The type check's results for the next run, as tsc --incremental writes them.
if (buildInfo) builder.emitBuildInfo();

if (diagnostics.length) {
  const format = { getCanonicalFileName: (f) => f, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => ts.sys.newLine };
  process.stdout.write(process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext(diagnostics, format) : ts.formatDiagnostics(diagnostics, format));
}
process.exitCode = diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error) ? 1 : 0;
