// Builds the static site into --out DIR: bundle, page shell, WASM binaries, web
// manifest and icons (web/pwa.mjs), and a service worker whose precache list is
// whatever DIR then holds. The Python build runs this last, after it has
// written the model, config and metrics.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { unsupportedOps } from './kernels.mjs';
import { writePwaFiles } from './pwa.mjs';
import { BACKEND_ORDER } from './src/backends/order.js';
import { tfjsSlim } from './tfjs_slim.mjs';

const WEB = dirname(fileURLToPath(import.meta.url));
const NODE_MODULES = join(WEB, '..', 'node_modules');
const WASM_DIR = join(NODE_MODULES, '@tensorflow/tfjs-backend-wasm/dist');
// The threaded binary is left out: it needs cross-origin isolation, which static hosting lacks.
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];
// Fetched only by browsers without WASM SIMD, which then fall back to WebGL when offline.
const NOT_PRECACHED = new Set(['sw.js', 'tfjs-backend-wasm.wasm']);
// Downloads for other runtimes: large and not needed to run the page.
const NOT_PRECACHED_DIRS = ['export'];
const PRELOADS_MARKER = '<!-- preloads (web/build.mjs) -->';

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

// The model's files (relative to DIR), or none if it is not built yet.
function checkModel(out) {
  const modelPath = join(out, 'model', 'model.json');
  if (!existsSync(modelPath)) {
    console.warn(`warning: ${modelPath} does not exist yet; the page will report a missing model`);
    return [];
  }
  const model = JSON.parse(readFileSync(modelPath, 'utf8'));
  const missing = unsupportedOps(model);
  if (missing.length) {
    throw new Error(`model uses ops the bundle has no kernels for: ${missing.join(', ')} (add them to web/kernels.mjs)`);
  }
  return ['model/model.json', ...model.weightsManifest.flatMap((group) => group.paths.map((path) => `model/${path}`))];
}

// The page's preload links, so the browser fetches what loading the model
// needs alongside app.js instead of each only once the code before it has
// run: app.js's chunks and those of the backend tried first (ESM imports,
// which esbuild's metafile lists), and the model (fetched with CORS mode, as
// tf.io.http does, or the preload would not be used).
function preloadLinks(metafile, root, out, modelFiles) {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([path, output]) => [resolve(root, path), output]));
  const backend = Object.keys(outputs).find((path) => outputs[path].entryPoint?.endsWith(`/backends/${BACKEND_ORDER[0]}.js`));
  if (!backend) throw new Error(`no chunk for the ${BACKEND_ORDER[0]} backend in the bundle`);
  const modules = new Set();
  const visit = (path) => {
    for (const { path: imported, kind } of outputs[path].imports) {
      const file = resolve(root, imported);
      if (kind !== 'import-statement' || modules.has(file)) continue;
      modules.add(file);
      visit(file);
    }
  };
  visit(join(out, 'app.js'));
  modules.add(backend);
  visit(backend);
  const href = (file) => relative(out, file).split(sep).join('/');
  return [
    ...[...modules].map((file) => `<link rel="modulepreload" href="${href(file)}">`),
    ...modelFiles.map((path) => `<link rel="preload" href="${path}" as="fetch" crossorigin>`),
  ];
}

function writePage(out, links) {
  const page = readFileSync(join(WEB, 'static', 'index.html'), 'utf8');
  if (!page.includes(PRELOADS_MARKER)) throw new Error(`web/static/index.html lacks ${PRELOADS_MARKER}`);
  writeFileSync(join(out, 'index.html'), page.replace(PRELOADS_MARKER, links.join('\n  ')));
}

async function build(out, analyze) {
  mkdirSync(out, { recursive: true });
  // Chunk names carry content hashes; stale ones from an earlier build must not be precached.
  for (const stale of ['sw.js', 'app.js', 'chunks']) rmSync(join(out, stale), { recursive: true, force: true });
  const modelFiles = checkModel(out);
  const root = join(WEB, '..');
  const bundle = await esbuild.build({
    entryPoints: { app: join(WEB, 'src', 'main.js') },
    absWorkingDir: root,
    metafile: true,
    outdir: out,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    plugins: [tfjsSlim(NODE_MODULES)],
    logLevel: 'warning',
  });
  if (analyze) console.log(await esbuild.analyzeMetafile(bundle.metafile));
  for (const name of listFiles(join(WEB, 'static'))) copyFileSync(join(WEB, 'static', name), join(out, name));
  writePage(out, preloadLinks(bundle.metafile, root, out, modelFiles));
  for (const name of WASM_FILES) copyFileSync(join(WASM_DIR, name), join(out, name));
  writePwaFiles(out);

  const precache = listFiles(out).filter(
    (path) => !NOT_PRECACHED.has(path) && !NOT_PRECACHED_DIRS.some((dir) => path.startsWith(`${dir}/`)),
  );
  // The cache name changes whenever any precached byte does, so a new build replaces the old cache.
  const hash = createHash('sha256');
  for (const path of precache) hash.update(path).update('\0').update(readFileSync(join(out, path)));
  await esbuild.build({
    entryPoints: [join(WEB, 'src', 'sw.js')],
    outfile: join(out, 'sw.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    define: {
      __PRECACHE__: JSON.stringify(['./', ...precache]),
      __CACHE_VERSION__: JSON.stringify(hash.digest('hex').slice(0, 16)),
    },
    logLevel: 'warning',
  });
  console.log(`built ${out}: ${precache.length} precached files`);
}

const { values } = parseArgs({ options: { out: { type: 'string' }, analyze: { type: 'boolean', default: false } } });
if (!values.out) {
  console.error('usage: node web/build.mjs --out DIR [--analyze]');
  process.exit(2);
}
await build(resolve(values.out), values.analyze);
