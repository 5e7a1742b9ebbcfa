// Runs an original TFJS graph model on one input tensor with the pure-JS CPU backend and writes its output:
//   node reference.js <model.json> <output node> <input.f32> <h> <w> <c> <output.f32>
// The input file holds float32 little-endian values in NHWC order (batch 1); the output file gets the output's
// float32 values. TfjsConversionTests compares them with ONNX Runtime's run of the converted model.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

async function main() {
  const [modelJson, outputNode, inputFile, h, w, c, outputFile] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const dir = path.dirname(modelJson);
  const weightSpecs = model.weightsManifest.flatMap((g) => g.weights);
  const shards = model.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(dir, p)));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const graph = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs, weightData, format: model.format }));
  const raw = fs.readFileSync(inputFile);
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const input = tf.tensor4d(values, [1, Number(h), Number(w), Number(c)]);
  const output = graph.execute(input, outputNode);
  const data = await output.data();
  fs.writeFileSync(outputFile, Buffer.from(new Float32Array(data).buffer));
  console.log(JSON.stringify({ backend: tf.getBackend(), version: tf.version.tfjs, shape: output.shape }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
