// Run a TF.js graph model in Node with pure TF.js, for the export checks.
// usage: node tfjs_predict.mjs MODEL_DIR INPUT.f32 N SIZE [cpu|wasm] [OUTPUT,...]
//   -> JSON {"probabilities": [[p0..p9], ...], "embedding": [[...], ...]} on stdout, by the signature's output
//   names: every output, or only those named (a whole test set's embeddings are large to print).
// INPUT.f32 holds N*SIZE*SIZE little-endian float32 values. The cpu backend is
// the reference for parity; wasm is the same arithmetic, fast enough for a whole test set.
// Pure TF.js cannot fetch file:// URLs, so model.json and its shards are read here
// and handed over with tf.io.fromMemory.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { loadGraphModel } from "@tensorflow/tfjs-converter";

const BATCH = 500; // bounds memory on large inputs
const [modelDir, inputPath, count, size, backend = "cpu", only] = process.argv.slice(2);
setWasmPaths(`${dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"))}/`);
if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} is unavailable`);

const manifest = JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8"));
const shards = manifest.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(modelDir, p))));
const weightData = Buffer.concat(shards);
const model = await loadGraphModel(
  tf.io.fromMemory({
    modelTopology: manifest.modelTopology,
    weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    format: manifest.format,
    generatedBy: manifest.generatedBy,
    convertedBy: manifest.convertedBy,
    signature: manifest.signature,
    userDefinedMetadata: manifest.userDefinedMetadata,
    modelInitializer: manifest.modelInitializer,
  }),
);
const raw = readFileSync(inputPath);
const pixels = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const side = Number(size);
// Outputs by name, as the page reads them (web/src/read/predict.js): their order in the graph is not fixed.
const names = only ? only.split(",") : Object.keys(manifest.signature.outputs);
const nodes = names.map((name) => manifest.signature.outputs[name].name);
const results = Object.fromEntries(names.map((name) => [name, []]));
for (let start = 0; start < Number(count); start += BATCH) {
  const n = Math.min(BATCH, Number(count) - start);
  const input = tf.tensor4d(pixels.subarray(start * side * side, (start + n) * side * side), [n, side, side, 1]);
  const outputs = [model.execute(input, nodes)].flat(); // one node asked for gives a tensor, not a list
  for (const [i, name] of names.entries()) results[name].push(...(await outputs[i].array()));
  tf.dispose([input, ...outputs]);
}
process.stdout.write(JSON.stringify(results));
