// Builds the static site into --out DIR: bundle, page shell, WASM binaries and
// a service worker whose precache list is whatever DIR then holds. The Python
// build runs this last, after it has written the model, config and metrics.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { BACKENDS, kernelModule, unsupportedOps } from './kernels.mjs';

const WEB = dirname(fileURLToPath(import.meta.url));
const NODE_MODULES = join(WEB, '..', 'node_modules');
const WASM_DIR = join(NODE_MODULES, '@tensorflow/tfjs-backend-wasm/dist');
// The threaded binary is left out: it needs cross-origin isolation, which static hosting lacks.
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];
// Fetched only by browsers without WASM SIMD, which then fall back to WebGL when offline.
const NOT_PRECACHED = new Set(['sw.js', 'tfjs-backend-wasm.wasm']);
// Downloads for other runtimes: large and not needed to run the page.
const NOT_PRECACHED_DIRS = ['export'];

// Import the libraries' "base" entry points so esbuild sees only the kernels
// and ops we register, instead of the packages' register-everything indexes.
const tfjsSlim = {
  name: 'tfjs-slim',
  setup(build) {
    const bases = {
      '@tensorflow/tfjs-core': 'virtual:tfjs-core',
      ...Object.fromEntries(BACKENDS.map((b) => [`@tensorflow/tfjs-backend-${b}`, `virtual:backend-${b}`])),
    };
    build.onResolve({ filter: /^@tensorflow\/tfjs-(core|backend-\w+)$/ }, (args) => ({
      path: bases[args.path], namespace: 'tfjs-slim',
    }));
    build.onResolve({ filter: /^virtual:kernels-\w+$/ }, (args) => ({ path: args.path, namespace: 'tfjs-slim' }));
    // Threads need cross-origin isolation, which static hosting lacks; their
    // loader (a second copy of the Emscripten glue) would be dead weight.
    build.onResolve({ filter: /tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/ }, () => ({
      path: 'threaded-stub', namespace: 'tfjs-slim',
    }));
    build.onLoad({ filter: /^threaded-stub$/, namespace: 'tfjs-slim' }, () => ({
      contents: "export default () => { throw new Error('threaded WASM is not bundled'); };\nexport const wasmWorkerContents = '';",
      loader: 'js',
    }));
    build.onLoad({ filter: /^virtual:/, namespace: 'tfjs-slim' }, (args) => {
      const [kind, name] = args.path.replace('virtual:', '').split(/-(.*)/);
      const pkg = join(NODE_MODULES, '@tensorflow');
      let contents;
      if (kind === 'tfjs' && name === 'core') {
        contents = `import '${pkg}/tfjs-core/dist/base_side_effects.js';\nexport * from '${pkg}/tfjs-core/dist/base.js';`;
      } else if (kind === 'backend') {
        contents = `export * from '${pkg}/tfjs-backend-${name}/dist/base.js';`;
      } else {
        contents = kernelModule(name, NODE_MODULES);
      }
      return { contents, resolveDir: WEB, loader: 'js' };
    });
  },
};

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function checkModel(out) {
  const modelPath = join(out, 'model', 'model.json');
  if (!existsSync(modelPath)) {
    console.warn(`warning: ${modelPath} does not exist yet; the page will report a missing model`);
    return;
  }
  const missing = unsupportedOps(JSON.parse(readFileSync(modelPath, 'utf8')));
  if (missing.length) {
    throw new Error(`model uses ops the bundle has no kernels for: ${missing.join(', ')} (add them to web/kernels.mjs)`);
  }
}

async function build(out, analyze) {
  mkdirSync(out, { recursive: true });
  // Chunk names carry content hashes; stale ones from an earlier build must not be precached.
  for (const stale of ['sw.js', 'app.js', 'chunks']) rmSync(join(out, stale), { recursive: true, force: true });
  checkModel(out);
  const bundle = await esbuild.build({
    entryPoints: { app: join(WEB, 'src', 'main.js') },
    metafile: analyze,
    outdir: out,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    plugins: [tfjsSlim],
    logLevel: 'warning',
  });
  if (analyze) console.log(await esbuild.analyzeMetafile(bundle.metafile));
  for (const name of listFiles(join(WEB, 'static'))) copyFileSync(join(WEB, 'static', name), join(out, name));
  for (const name of WASM_FILES) copyFileSync(join(WASM_DIR, name), join(out, name));

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
