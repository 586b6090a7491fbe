// Which TF.js kernels the bundle registers. Registering every kernel of three
// backends would triple the download, so only ops a Keras image classifier
// converts to are covered; build.mjs refuses a model that uses anything else,
// so a new layer type fails the build instead of failing in the browser.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Graph op (model.json) -> kernel source files (per backend, the first that exists).
export const OP_KERNELS = {
  Const: [], Placeholder: [], NoOp: [], Shape: [],
  Identity: ['Identity'],
  Reshape: ['Reshape'], Squeeze: ['Reshape'], ExpandDims: ['Reshape'],
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
