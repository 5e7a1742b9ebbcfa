// Runs face-api's own FaceRecognitionNet (dlib ResNet) on one face with the pure-JS CPU backend:
//   node faceapi-reference.js <weights manifest> <input.f32> <size> <output.f32>
// The input file holds the face's pixel values 0..255 as float32 NHWC (size x size x 3, RGB), which face-api
// normalises itself; the output file gets the 128-d descriptor.
const fs = require('fs');
const path = require('path');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const tf = faceapi.tf;

async function main() {
  const [manifestFile, inputFile, size, outputFile] = process.argv.slice(2);
  await tf.setBackend('cpu');
  await tf.ready();
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const shards = manifest.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(path.dirname(manifestFile), p)));
  const all = Buffer.concat(shards);
  const weights = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), manifest.flatMap((g) => g.weights));
  faceapi.nets.faceRecognitionNet.loadFromWeightMap(weights);
  const raw = fs.readFileSync(inputFile);
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const input = tf.tensor3d(values, [Number(size), Number(size), 3]);
  const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
  fs.writeFileSync(outputFile, Buffer.from(new Float32Array(descriptor).buffer));
  console.log(JSON.stringify({ backend: tf.getBackend(), version: tf.version.tfjs, length: descriptor.length }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
