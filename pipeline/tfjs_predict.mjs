// Run a TF.js graph model in Node with pure TF.js (cpu backend) for the parity check.
// usage: node tfjs_predict.mjs MODEL_DIR INPUT.f32 N SIZE   -> JSON [[p0..p9], ...] on stdout
// INPUT.f32 holds N*SIZE*SIZE little-endian float32 values.
// Pure TF.js cannot fetch file:// URLs, so model.json and its shards are read here
// and handed over with tf.io.fromMemory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadGraphModel } from "@tensorflow/tfjs-converter";

const [modelDir, inputPath, count, size] = process.argv.slice(2);
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
await tf.setBackend("cpu");
const raw = readFileSync(inputPath);
const pixels = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const input = tf.tensor4d(pixels, [Number(count), Number(size), Number(size), 1]);
const output = model.predict(input);
process.stdout.write(JSON.stringify(await output.array()));
