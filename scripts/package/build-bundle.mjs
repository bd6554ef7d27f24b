#!/usr/bin/env node
// npm run build:bundle [-- --out DIR]
// One CommonJS file with the laptop side of farmwatch (agent CLI, collectors, rules, catalogs) that runs with
// no node_modules. CommonJS because Node 20's single-executable support (scripts/package/build-sea.mjs) runs CommonJS only.
//
// What is special about it:
// - the file holds the agent's code in a comment and compiles it only when a command runs: `--version` answers without
//   it (see launcherSource; a comment costs Node's compile of the file least, and comes back without a copy).
// - the catalogs (validated and compiled to dist/rules/catalogs/*.json here) and the package version are read at run time with readFileSync next to
//   import.meta.url. The bundle has no such files, so the project's own modules get a `node:fs` whose readFileSync
//   answers from an embedded, read-only copy under a virtual root (and falls through to the real disk elsewhere).
//   The sources stay as they are: the non-bundled path reads the files from disk as before.
// - `farmwatch server` and `farmwatch demo` (which runs a server) are replaced by a stub that says the server is not
//   part of the laptop build.
// - zod is its own comment, compiled only when a module that needs it runs (the agent's code asks for it as
//   require('farmwatch:zod')): diagnose and collect check their data with generated shapes (schema/contract.ts) and
//   never need it; a value those refuse, `farmwatch schema` and the daemon's report checks do.
// - the build fails if any server code, fastify, better-sqlite3 or a native module (.node) got in.
// - beside it, farmwatch.cjs.v8cache: V8's code cache of the agent's code, made by running the bundle's diagnose once
//   here (writeCodeCache); the bundle uses it when it is this build's and V8 takes it (docs/deployment.md).
// - node:crypto is loaded at its first call (lazyCryptoSource), not when the bundle starts.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// A file URL that is absolute on every OS (Windows needs a drive letter) and exists on none.
const virtualModuleUrl = 'file:///C:/farmwatch-embedded/rules/device/catalogs.js';
const virtualRootUrl = 'file:///C:/farmwatch-embedded/';
const forbidden = [/^server\//, /node_modules\/(fastify|@fastify|better-sqlite3|bindings|pino-pretty)\//, /\.node$/];

async function embeddedFiles() {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const files = { 'package.json': JSON.stringify({ name: pkg.name, version: pkg.version, type: 'commonjs' }) };
  // The catalogs validated now, with the build's own code (tsc output), and embedded in their compiled form: the
  // bundle never loads zod for them.
  const built = join(root, 'dist', 'rules', 'catalog', 'build.js');
  const load = join(root, 'dist', 'rules', 'catalog', 'load.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run npm run build first (it compiles the catalog validator)');
  const { compileCatalogDir } = await import(pathToFileURL(built).href);
  const { catalogDir, compiledCatalogDir } = await import(pathToFileURL(load).href);
  const dir = compileCatalogDir(catalogDir(), compiledCatalogDir());
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    files[`dist/rules/catalogs/${name}`] = await readFile(join(dir, name), 'utf8');
  }
  // The Intl answers of the Node building this (collectors/locale/intl-facts.ts): used where the same Node runs it.
  const { buildIntlFacts } = await import(pathToFileURL(join(root, 'dist', 'collectors', 'locale', 'intl-facts-build.js')).href);
  files['dist/collectors/locale/intl-facts.json'] = JSON.stringify(buildIntlFacts());
  return files;
}

function embeddedFsSource(files) {
  return `
import * as fs from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
export * from 'node:fs';
const files = ${JSON.stringify(files)};
const root = resolve(fileURLToPath(${JSON.stringify(virtualRootUrl)}));
function embeddedKey(p) {
  let s;
  if (typeof p === 'string') s = p.startsWith('file:') ? fileURLToPath(p) : p;
  else if (p instanceof URL) s = fileURLToPath(p);
  else return undefined;
  const full = resolve(s);
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  return full.slice(root.length + 1).split(sep).join('/');
}
export function readFileSync(p, options) {
  const key = embeddedKey(p);
  if (key === undefined) return fs.readFileSync(p, options);
  const text = files[key];
  if (text === undefined) {
    const err = new Error("ENOENT: no such file in the farmwatch bundle, open '" + String(p) + "'");
    err.code = 'ENOENT';
    err.errno = -2;
    err.syscall = 'open';
    err.path = String(p);
    throw err;
  }
  const encoding = typeof options === 'string' ? options : options?.encoding;
  return encoding ? text : Buffer.from(text, 'utf8');
}
// Not a spread of fs: that reads every getter, and fs.ReadStream's loads Node's stream modules (~4 ms) on every start.
export default Object.create(fs, { readFileSync: { value: readFileSync, enumerable: true } });
`;
}

// node:crypto for the agent's own modules, loaded at the first call: a bundle's imports are all required when it starts,
// and crypto's ~14 internal modules cost ~10 ms and ~2 MiB of every command, where diagnose never calls it. A name not
// listed here fails the build (esbuild: no matching export).
const lazyCryptoNames = ['createHash', 'createHmac', 'createPrivateKey', 'createPublicKey', 'generateKeyPairSync', 'randomBytes', 'sign'];
const lazyCryptoSource = `
let loaded;
const crypto = () => (loaded ??= require('node:crypto'));
${lazyCryptoNames.map((n) => `export function ${n}(...args) { return crypto().${n}(...args); }`).join('\n')}
`;

const serverStubSource = (command) => `
export async function main(_args, io) {
  io.stderr.write('farmwatch ${command}: the server is not part of the laptop build; install the farmwatch npm package on the server host (see docs/deployment.md)\\n');
  return 2;
}
`;

// The code hash covers the file that runs: this bundle (__filename of the CommonJS file), or in the single
// executable (where __filename is the executable) the executable, which holds this bundle as its injected blob. Run by
// the npm package's bin (dist/cli/cli.js, which names its dist/ folder in binPackageDist), the package's code, which
// holds this bundle: the same hash as when the bin runs the tsc output.
export const binPackageDist = 'farmwatch.bin.packageDist';
const entrySource = `
import { useBundledCode, usePackageCode } from './agent/code-hash.ts';
import { main } from './cli/main.ts';
let inSea = false;
try { inSea = require('node:sea').isSea(); } catch { /* Node without node:sea: not a single executable */ }
const packageDist = globalThis[Symbol.for(${JSON.stringify(binPackageDist)})];
if (typeof packageDist === 'string') usePackageCode(packageDist);
else useBundledCode(inSea ? process.execPath : __filename, inSea ? 'executable' : 'bundle');
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(String(err && err.stack || err) + '\\n'); process.exitCode = 1; },
);
`;

// Stands for the end of a block comment (star, slash) in the code the launcher holds in comments: U+0001 is a control
// character esbuild's ASCII output never holds raw.
const starSlashStandIn = '*\u0001/';

// Code to be held in a block comment (launcherSource's commentText): each comment end replaced, and whether there was one.
function asComment(code) {
  if (code.includes(starSlashStandIn)) throw new Error('the bundled code holds U+0001, the stand-in for a comment end in the launcher: choose another');
  const escaped = code.includes('*/');
  return { text: escaped ? code.replaceAll('*/', starSlashStandIn) : code, escaped };
}

// The file node runs: answers --version at once, and compiles the agent (the esbuild output, held in a comment) only for
// a command. Parsing 1.4 MB of code costs more than the whole budget of `--version` (0.05 s over Node's own start).
// The compiled code comes from the V8 code cache written beside it at build time (codeCacheSuffix), when that file is
// the one built with this launcher (buildId) and V8 takes it (same V8 and flags); else V8 compiles as before. The cache
// is never written at run time: a cache in a place the user can write would be a way to inject code.
function launcherSource(agent, zod, version, legal, v8, buildId) {
  const payload = {
    agent: asComment(`(function (exports, require, module, __filename, __dirname) {${agent}\n})`),
    zod: asComment(zod),
  };
  const comments = legal.trim() ? `\n/* Third-party licence notices of the code above:\n\n${legal.replaceAll('*/', '* /')}\n*/\n` : '';
  return `#!/usr/bin/env node
// farmwatch laptop agent, bundled by scripts/package/build-bundle.mjs; third-party licence notices at the end of the file.
const command = process.argv[2];
if (command === '--version' || command === '-v') {
  process.stdout.write(${JSON.stringify(`${version}\n`)});
} else {
  // The V8 settings of agent/v8-daemon.ts (tuneV8ForCommand), before the agent's code is compiled.
  if (${JSON.stringify(v8.commands)}.includes(command) && process.env.FARMWATCH_V8_DEFAULTS !== '1') {
    for (const flag of ${JSON.stringify(v8.flags)}) require('node:v8').setFlagsFromString(flag);
  }
  const vm = require('node:vm');
  let zodModule;
  const agentRequire = Object.assign((id) => {
    if (id !== 'farmwatch:zod') return require(id);
    if (!zodModule) {
      zodModule = { exports: {} };
      vm.compileFunction(zod(), ['exports', 'require', 'module'], { filename: __filename + '#zod' })(zodModule.exports, require, zodModule);
    }
    return zodModule.exports;
  }, require);
  // One name wherever the file sits: a script taken from the code cache keeps the name it was compiled under at
  // build time, so stacks would name the build's directory; this way they read alike with the cache and without.
  const script = new vm.Script(agentWrapped(), { filename: 'farmwatch.cjs', cachedData: codeCache() });
  // The build (scripts/package/build-bundle.mjs) asks for the compiled script, to write its code cache after a run: under
  // the flags it was compiled with, those V8 checks when it takes the cache.
  const builder = globalThis[Symbol.for('farmwatch.bundle.script')];
  if (typeof builder === 'function') builder(script);
  // The one-shot commands' settings once the code is compiled (agent/v8-daemon.ts, relaxV8ForOneShot).
  else if (${JSON.stringify(v8.afterCommands)}.includes(command) && process.env.FARMWATCH_V8_DEFAULTS !== '1') {
    for (const flag of ${JSON.stringify(v8.after)}) require('node:v8').setFlagsFromString(flag);
  }
  script.runInThisContext()(exports, agentRequire, module, __filename, __dirname);
}
function codeCache() {
  const id = ${JSON.stringify(buildId)};
  try {
    const data = require('node:fs').readFileSync(__filename + ${JSON.stringify(codeCacheSuffix)});
    if (data.length > id.length && data.toString('latin1', 0, id.length) === id) return data.subarray(id.length);
  } catch {
    // No cache beside this file (a copy of the bundle alone, the single executable): V8 compiles the code.
  }
  return undefined;
}
function agentWrapped() {
  return commentText(agentSource, ${payload.agent.escaped});
}
function zod() {
  return commentText(zodSource, ${payload.zod.escaped});
}
// The code as a comment in a function that never runs: Node's compile of this file skips it like any comment (a string
// literal of the same code was scanned twice, escape by escape, and copied), and Function.prototype.toString hands it
// back as a slice of the file's text, without a copy. A comment end in the code is written as ${JSON.stringify(starSlashStandIn)}.
function commentText(fn, escaped) {
  const text = Function.prototype.toString.call(fn);
  const body = text.slice(text.indexOf('/*') + 2, text.lastIndexOf('*/'));
  return escaped ? body.replaceAll(${JSON.stringify(starSlashStandIn)}, '*/') : body;
}
function agentSource() {/*${payload.agent.text}*/}
function zodSource() {/*${payload.zod.text}*/}
${comments}`;
}

/** The code cache's file name: the bundle's name and this suffix. */
export const codeCacheSuffix = '.v8cache';

// Run in a child node at build time: loads the bundle as `farmwatch diagnose` would run it (with the command's V8
// settings), lets the run compile the code it needs, then writes the script's code cache, prefixed by the build id.
const codeCacheDriver = `
const { writeFileSync } = require('node:fs');
const [bundle, out, id] = process.argv.slice(1);
let script;
globalThis[Symbol.for('farmwatch.bundle.script')] = (s) => { script = s; };
process.argv = [process.argv[0], bundle, 'diagnose', '--json'];
process.on('exit', () => {
  if (!script) { process.stderr.write('the bundle did not hand over its script\\n'); process.exitCode = 1; return; }
  writeFileSync(out, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]));
});
require(bundle);
`;

function writeCodeCache(outfile, buildId) {
  const out = outfile + codeCacheSuffix;
  // V8 takes a cache only under the flags it was made with: those the launcher sets for diagnose, even when the
  // builder's own environment switches them off.
  execFileSync(process.execPath, ['-e', codeCacheDriver, outfile, out, buildId], {
    stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000, env: { ...process.env, FARMWATCH_V8_DEFAULTS: '' },
  });
  if (!existsSync(out)) throw new Error('the code cache was not written');
  return out;
}

function laptopPlugin(files) {
  const isOwnSource = (path) => path.startsWith(root + sep) && !path.includes(`${sep}node_modules${sep}`);
  return {
    name: 'farmwatch-laptop',
    setup(b) {
      b.onResolve({ filter: /^zod$/ }, () => ({ path: 'farmwatch:zod', external: true }));
      b.onResolve({ filter: /^(node:)?fs$/ }, (args) =>
        isOwnSource(args.importer) ? { path: 'embedded-fs', namespace: 'farmwatch' } : undefined,
      );
      b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
        isOwnSource(args.importer) ? { path: 'lazy-crypto', namespace: 'farmwatch' } : undefined,
      );
      b.onLoad({ filter: /^lazy-crypto$/, namespace: 'farmwatch' }, () => ({ contents: lazyCryptoSource, loader: 'js', resolveDir: root }));
      b.onResolve({ filter: /\/commands\/(server|demo)\.js$/ }, (args) =>
        isOwnSource(args.importer) ? { path: `${/(server|demo)\.js$/.exec(args.path)[1]}-stub`, namespace: 'farmwatch' } : undefined,
      );
      b.onLoad({ filter: /^embedded-fs$/, namespace: 'farmwatch' }, () => ({ contents: embeddedFsSource(files), loader: 'js', resolveDir: root }));
      b.onLoad({ filter: /^(server|demo)-stub$/, namespace: 'farmwatch' }, (args) => ({
        contents: serverStubSource(args.path.replace(/-stub$/, '')),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/**
 * Builds the bundle and its code cache into outDir (dist/bundle/ for laptops; scripts/package/build-bin.mjs builds the
 * npm package's copy into dist/cli/bundle/). `listInputs: false` leaves out inputs.json (the list of bundled sources).
 */
export async function buildBundle(outDir = join(root, 'dist', 'bundle'), { listInputs = true } = {}) {
  const started = Date.now();
  const files = await embeddedFiles();
  const outfile = join(outDir, 'farmwatch.cjs');
  await mkdir(outDir, { recursive: true });
  const result = await build({
    stdin: { contents: entrySource, resolveDir: root, sourcefile: 'farmwatch-bundle-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    write: false,
    minify: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    define: { 'import.meta.url': JSON.stringify(virtualModuleUrl) },
    plugins: [laptopPlugin(files)],
  });
  const agent = result.outputFiles.find((f) => f.path === outfile).text;
  const zodBuild = await build({
    stdin: { contents: "export * from 'zod';", resolveDir: root, sourcefile: 'farmwatch-zod-entry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const zod = zodBuild.outputFiles[0].text;
  const legal = result.outputFiles.find((f) => f.path.endsWith('.LEGAL.txt'))?.text ?? '';
  const { daemonV8Flags, v8TunedCommands, oneShotV8Flags, oneShotCommands } = await import(pathToFileURL(join(root, 'dist', 'agent', 'v8-daemon.js')).href);
  const v8 = { flags: daemonV8Flags, commands: v8TunedCommands, after: oneShotV8Flags, afterCommands: oneShotCommands };
  // The id ties the code cache to this launcher: V8 itself checks only its version, its flags and the source's length.
  const buildId = `farmwatch-code-cache:${createHash('sha256').update(agent).digest('hex')}:`;
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, resolve(root, p)).split(sep).join('/'));
  const bad = inputs.filter((p) => forbidden.some((re) => re.test(p)));
  if (bad.length) throw new Error(`the laptop bundle must not contain server code or native modules: ${bad.join(', ')}`);
  await writeFile(outfile, launcherSource(agent, zod, JSON.parse(files['package.json']).version, legal, v8, buildId), { mode: 0o755 });
  const codeCache = writeCodeCache(outfile, buildId);
  if (listInputs) await writeFile(join(outDir, 'inputs.json'), `${JSON.stringify(inputs.sort(), null, 2)}\n`);
  const { size } = await stat(outfile);
  return { outfile, codeCache, size, ms: Date.now() - started, inputs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  try {
    const { outfile, size, ms } = await buildBundle(values.out ? resolve(values.out) : undefined);
    process.stdout.write(`${relative(process.cwd(), outfile)}: ${(size / 1024).toFixed(0)} KiB in ${ms} ms\n`);
  } catch (err) {
    process.stderr.write(`build:bundle: ${err.message}\n`);
    process.exitCode = 1;
  }
}
