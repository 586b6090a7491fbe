// Which TF.js kernels the bundle registers. Registering every kernel of three
// backends would triple the download, so only ops a Keras image classifier
// converts to are covered; build.mjs refuses a model that uses anything else,
// so a new layer type fails the build instead of failing in the browser. The
// converter is cut down to these ops too (tfjs_slim.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Graph op (model.json) -> kernel source files (per backend, the first that exists).
export const OP_KERNELS = {
  Const: [], Placeholder: [], NoOp: [], Shape: [],
  Identity: ['Identity'],
  // tfjs-core's expandDims runs a kernel of its own (squeeze is a reshape): the not_digit output's (N,) shape.
  Reshape: ['Reshape'], Squeeze: ['Reshape'], ExpandDims: ['ExpandDims'],
  Cast: ['Cast'],
  StridedSlice: ['StridedSlice'], Pack: ['Pack'], ConcatV2: ['Concat'],
  Transpose: ['Transpose'], Pad: ['PadV2'], PadV2: ['PadV2'],
  Conv2D: ['Conv2D'], _FusedConv2D: ['FusedConv2D'],
  DepthwiseConv2dNative: ['DepthwiseConv2dNative'],
  FusedDepthwiseConv2dNative: ['FusedDepthwiseConv2D'],
  MatMul: ['BatchMatMul'], BatchMatMulV2: ['BatchMatMul'], _FusedMatMul: ['_FusedMatMul'],
  MaxPool: ['MaxPool'], AvgPool: ['AvgPool'], Mean: ['Mean'], Max: ['Max'],
  FusedBatchNorm: [['FusedBatchNorm', 'BatchNorm']],
  FusedBatchNormV3: [['FusedBatchNorm', 'BatchNorm']],
  BiasAdd: ['Add'], Add: ['Add'], AddV2: ['Add'], Mul: ['Multiply'], Sub: ['Sub'],
  RealDiv: ['RealDiv'],
  Relu: ['Relu'], Relu6: ['Relu6'], Elu: ['Elu'], LeakyRelu: ['LeakyRelu'], Prelu: ['Prelu'],
  Sigmoid: ['Sigmoid'], Tanh: ['Tanh'], Softmax: ['Softmax'],
};

export const BACKENDS = ['cpu', 'wasm', 'webgl'];

export function unsupportedOps(modelJson) {
  const ops = new Set(modelJson.modelTopology.node.map((node) => node.op));
  for (const fn of modelJson.modelTopology.library?.function ?? []) {
    for (const node of fn.nodeDef ?? []) ops.add(node.op);
  }
  return [...ops].filter((op) => !(op in OP_KERNELS)).sort();
}

// Source of a module that registers the covered kernels of one backend.
export function kernelModule(backend, nodeModules) {
  const dir = join(nodeModules, `@tensorflow/tfjs-backend-${backend}/dist/kernels`);
  const files = new Set();
  for (const choices of Object.values(OP_KERNELS).flat()) {
    const options = Array.isArray(choices) ? choices : [choices];
    const found = options.find((name) => existsSync(join(dir, `${name}.js`)));
    if (!found) throw new Error(`no ${backend} kernel file for ${options.join('/')}`);
    files.add(found);
  }
  const names = [...files].sort();
  return [
    "import { registerKernel } from '@tensorflow/tfjs-core';",
    ...names.map((name, i) => `import * as k${i} from '${join(dir, `${name}.js`)}';`),
    `for (const mod of [${names.map((_, i) => `k${i}`).join(', ')}]) {`,
    '  for (const value of Object.values(mod)) if (value && value.kernelName) registerKernel(value);',
    '}',
  ].join('\n');
}

// One of the converter's op lists: [{tfOpName, category, inputs, attrs}].
export async function readOpList(path) {
  // ES module syntax in a package Node reads as CommonJS: import the text as a data: URL.
  const source = readFileSync(path, 'utf8');
  return (await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`)).json;
}

// What the converter needs to run the ops in OP_KERNELS: their categories
// (read from its op lists, tfOpName -> category), each run by one executor
// module, and the tfjs-core ops those executors call for them (`coreOps`;
// `otherCoreOps` are called only for ops outside OP_KERNELS).
export async function converterNeeds(nodeModules) {
  const dir = join(nodeModules, '@tensorflow/tfjs-converter/dist/operations');
  const categoryOf = {};
  for (const file of readdirSync(join(dir, 'op_list')).filter((name) => name.endsWith('.js'))) {
    for (const { tfOpName, category } of await readOpList(join(dir, 'op_list', file))) categoryOf[tfOpName] = category;
  }
  const ops = Object.keys(OP_KERNELS);
  const unknown = ops.filter((op) => !(op in categoryOf));
  if (unknown.length) throw new Error(`the TF.js converter has no op list entry for: ${unknown.join(', ')}`);
  const categories = new Set(ops.map((op) => categoryOf[op]));

  const coreOps = new Set();
  const otherCoreOps = new Set();
  for (const category of categories) {
    const path = join(dir, 'executors', `${category}_executor.js`);
    const source = readFileSync(path, 'utf8');
    // Each executor is one `switch (node.op)` of `case 'Op':` groups ending in `default:`;
    // code outside the cases counts as used.
    const first = source.indexOf("case '");
    const last = source.indexOf('default:', first);
    if (first < 0 || last < 0) throw new Error(`${path}: no switch on op names found`);
    const calls = (code) => [...code.matchAll(/\bops\.(\w+)/g)].map((match) => match[1]);
    calls(source.slice(0, first) + source.slice(last)).forEach((name) => coreOps.add(name));
    const parts = source.slice(first, last).split(/((?:\s*case '\w+':)+)/);
    const labels = new Set();
    for (let i = 1; i < parts.length; i += 2) {
      const group = [...parts[i].matchAll(/'(\w+)'/g)].map((match) => match[1]);
      group.forEach((op) => labels.add(op));
      const used = group.some((op) => op in OP_KERNELS);
      calls(parts[i + 1]).forEach((name) => (used ? coreOps : otherCoreOps).add(name));
    }
    const missing = ops.filter((op) => categoryOf[op] === category && !labels.has(op));
    if (missing.length) throw new Error(`${path}: no case for ${missing.join(', ')}`);
  }
  coreOps.forEach((name) => otherCoreOps.delete(name));
  return { categories, coreOps, otherCoreOps };
}
