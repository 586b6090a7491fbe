// esbuild plugin that bundles only the parts of TF.js that running the ops in
// OP_KERNELS needs. The packages' own entry points register everything, and
// several of their modules hold whole namespaces (`ops = tfOps` defaults,
// destructured `shared`), which esbuild cannot tree-shake; each transform
// below checks the source it expects and fails the build if it changed.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { BACKENDS, OP_KERNELS, converterNeeds, kernelModule, readOpList } from './kernels.mjs';

const NOT_BUNDLED = 'is not in this build of TF.js (see web/kernels.mjs)';
const under = (pkg, path) => new RegExp(`${pkg}[\\\\/]dist[\\\\/]${path}$`);

function rewrite(path, transform) {
  const source = readFileSync(path, 'utf8');
  const contents = transform(source);
  if (contents === source) throw new Error(`${path}: not the source the tfjs-slim plugin expects; update web/tfjs_slim.mjs`);
  return { contents, loader: 'js', resolveDir: dirname(path) };
}

export function tfjsSlim(nodeModules) {
  const pkg = join(nodeModules, '@tensorflow');
  return {
    name: 'tfjs-slim',
    async setup(build) {
      // The libraries' "base" entry points, which register no kernels, and per
      // backend one module that registers the kernels OP_KERNELS lists.
      const bases = {
        '@tensorflow/tfjs-core': 'virtual:tfjs-core',
        ...Object.fromEntries(BACKENDS.map((b) => [`@tensorflow/tfjs-backend-${b}`, `virtual:backend-${b}`])),
      };
      build.onResolve({ filter: /^@tensorflow\/tfjs-(core|backend-\w+)$/ }, (args) => ({
        path: bases[args.path], namespace: 'tfjs-slim',
      }));
      build.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path, namespace: 'tfjs-slim' }));

      // Threads need cross-origin isolation, which static hosting lacks; their
      // loader (a second copy of the Emscripten glue) would be dead weight.
      build.onResolve({ filter: /tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/ }, () => ({
        path: 'virtual:threaded-stub', namespace: 'tfjs-slim',
      }));

      // The converter maps graph ops through its op lists to a category, whose
      // executor calls tfjs-core ops. Op lists keep only OP_KERNELS ops, so any
      // other op fails as "Unknown op" when the model runs; executors of other
      // categories become stubs, and the rest see only the core ops they call
      // for OP_KERNELS (their other names throw) instead of the whole namespace.
      const { categories, coreOps, otherCoreOps } = await converterNeeds(nodeModules);
      build.onLoad({ filter: under('tfjs-converter', 'operations[\\\\/]op_list[\\\\/]\\w+\\.js') }, async (args) => {
        const json = (await readOpList(args.path)).filter((entry) => entry.tfOpName in OP_KERNELS);
        return { contents: `export const json = ${JSON.stringify(json)};`, loader: 'js' };
      });
      build.onLoad({ filter: under('tfjs-converter', 'operations[\\\\/]executors[\\\\/]\\w+_executor\\.js') }, (args) => {
        if (!categories.has(basename(args.path, '_executor.js'))) {
          return { contents: `export function executeOp(node) { throw new Error(\`op \${node.op} ${NOT_BUNDLED}\`); }`, loader: 'js' };
        }
        return rewrite(args.path, (source) => source
          .replace(/import \* as tfOps from '[^']+';/, "import * as ops from 'virtual:converter-ops';")
          .replace(/, ops = tfOps\)/, ')'));
      });

      // WebGL takes its CPU helpers by destructuring the whole tfjs-backend-cpu
      // `shared` namespace, which keeps every helper (ragged, sparse, string...)
      // in a chunk the WASM backend loads too; named imports let esbuild drop them.
      build.onLoad({ filter: under('tfjs-backend-webgl', 'kernel_utils[\\\\/]shared\\.js') }, (args) => rewrite(
        args.path,
        (source) => source.replace(
          /import \* as shared from '([^']+)';\s*const \{([^}]*)\} = shared;/,
          (_, from, names) => `import {${names.replaceAll(':', ' as')}} from '${from}';`,
        ),
      ));

      // Model storage in localStorage/IndexedDB and browser file upload/download:
      // the page only loads over HTTP. Their exports become undefined; tfjs-core
      // registers the storage managers inside try/catch, so it copes.
      build.onLoad({ filter: under('tfjs-core', 'io[\\\\/](local_storage|indexed_db|browser_files|model_management)\\.js') }, async (args) => {
        const { metafile } = await esbuild.build({
          entryPoints: [args.path], metafile: true, write: false, outfile: 'exports.js', format: 'esm', logLevel: 'silent',
        });
        const names = Object.values(metafile.outputs)[0].exports;
        return { contents: names.map((name) => `export const ${name} = undefined;`).join('\n'), loader: 'js' };
      });

      build.onLoad({ filter: /^virtual:/, namespace: 'tfjs-slim' }, (args) => {
        const [kind, name] = args.path.replace('virtual:', '').split(/-(.*)/);
        const contents = {
          tfjs: () => `import '${pkg}/tfjs-core/dist/base_side_effects.js';\nexport * from '${pkg}/tfjs-core/dist/base.js';`,
          backend: () => `export * from '${pkg}/tfjs-backend-${name}/dist/base.js';`,
          kernels: () => kernelModule(name, nodeModules),
          converter: () => [
            `export { ${[...coreOps].join(', ')} } from '${pkg}/tfjs-core/dist/ops/ops_for_converter.js';`,
            `const missing = (name) => () => { throw new Error(\`\${name} ${NOT_BUNDLED}\`); };`,
            ...[...otherCoreOps].map((op) => `export const ${op} = missing('${op}');`),
          ].join('\n'),
          threaded: () => "export default () => { throw new Error('threaded WASM is not bundled'); };\nexport const wasmWorkerContents = '';",
        }[kind]();
        return { contents, loader: 'js', resolveDir: nodeModules };
      });
    },
  };
}
