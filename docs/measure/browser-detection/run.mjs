// Face detection in the browser (onnxruntime-web, WASM backend) against the server's C# detector, in one run (issue #16,
// "Live at camera speed": detection and tracking in the browser with the server doing recognition, or all on the server).
//
// Run from the repository root (needs node >= 20, npm, the system Chromium at /usr/bin/chromium or $CHROMIUM, the
// stock models in ~/.cache/lookalike/models or $LOOKALIKE_MODELS, and the deepface-pairs photo Angelina_Jolie/img2.jpg in
// $LOOKALIKE_DATA or shared/data beside the repository, or any photo as $PHOTO):
//   node --experimental-websocket docs/measure/browser-detection/run.mjs [--serve] [--rounds 5] [--frames 20]
// It fetches onnxruntime-web by `npm pack` pinned by version, checks the tarball's SHA-256, and installs playwright-core
// pinned by version, all into docs/measure/browser-detection/.work/ (git-ignored); no browser is downloaded.
//
// - server-detect.cs (`dotnet run -c Release`) writes the camera frame: the photo scaled to 640x480, JPEG q90, and times
//   the C# UltraFaceDetector: session creation, Detect on the decoded 640x480 frame, and decode-at-half-size + Detect
//   (what the live socket does per frame before tracking).
// - page.html, served from .work/site/ by a small static server here with COOP/COEP headers (cross-origin isolated, so
//   WASM threads are allowed), loads ort.wasm.min.mjs + ort-wasm-simd-threaded.wasm and fr_detect.onnx, times session
//   creation, and per frame: letterbox the decoded 640x480 frame into 320x240 on a canvas, RGB planes (v - 127) / 128 as
//   UltraFaceDetector.cs does, session.run. One tab with 1 WASM thread, one with 2.
// - --serve: also starts `lookalike serve` (Release, empty gallery in a temp folder, port 5077) and times, one frame at a
//   time, the JPEG's round trip over the live WebSocket (/api/live/ws: decode, detect, track, answer) and as POST
//   /api/live (the old page's endpoint: full analysis with embedding).
// Configurations are interleaved in rounds (the order rotating) after a warm-up, so the shared VM's drift hits all alike;
// each figure is the median over all frames of all rounds. Prints a table and writes .work/result.json.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ORT_VERSION = '1.31.1';
const ORT_SHA256 = 'bdccdb9fbb9ab537247c0c734e9b1d2b1b338b4f2a09faa58f0dc1cfa27c312c';
const PLAYWRIGHT_VERSION = '1.65.1';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const work = path.join(here, '.work');
const site = path.join(work, 'site');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', 5), framesPerRound = arg('--frames', 20), warmup = 10;
const withServer = process.argv.includes('--serve');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const models = process.env.LOOKALIKE_MODELS ?? path.join(os.homedir(), '.cache/lookalike/models');
const photoPath = process.env.PHOTO ?? path.join(process.env.LOOKALIKE_DATA ?? path.join(repo, '../shared/data'), 'deepface-pairs/images/Angelina_Jolie/img2.jpg');

// --- onnxruntime-web, pinned and checked ---
fs.mkdirSync(path.join(site, 'ort'), { recursive: true });
const tgz = path.join(work, `onnxruntime-web-${ORT_VERSION}.tgz`);
if (!fs.existsSync(tgz)) execFileSync('npm', ['pack', `onnxruntime-web@${ORT_VERSION}`, '--pack-destination', work, '--silent'], { stdio: 'inherit' });
const sha = createHash('sha256').update(fs.readFileSync(tgz)).digest('hex');
if (sha !== ORT_SHA256) {
  fs.rmSync(tgz);
  throw new Error(`onnxruntime-web-${ORT_VERSION}.tgz SHA-256 ${sha}, expected ${ORT_SHA256}: removed`);
}
const unpacked = path.join(work, 'ort-package');
fs.rmSync(unpacked, { recursive: true, force: true });
fs.mkdirSync(unpacked);
const ortFiles = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
execFileSync('tar', ['xzf', tgz, '-C', unpacked, ...ortFiles.map(f => `package/dist/${f}`)]);
for (const f of ortFiles) fs.copyFileSync(path.join(unpacked, 'package/dist', f), path.join(site, 'ort', f));
fs.copyFileSync(path.join(here, 'page.html'), path.join(site, 'page.html'));
fs.copyFileSync(path.join(models, 'fr_detect.onnx'), path.join(site, 'fr_detect.onnx'));

// --- playwright-core (drives the system Chromium; downloads no browser) ---
const pwDir = path.join(work, 'node_modules/playwright-core');
if (!fs.existsSync(pwDir))
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', work, `playwright-core@${PLAYWRIGHT_VERSION}`], { stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
const { chromium: pw } = await import(pathToFileURL(path.join(pwDir, 'index.mjs')).href);

// --- the C# detector, as a child answering one line per command ---
const cs = spawn('dotnet', ['run', '-c', 'Release', path.join(here, 'server-detect.cs'), '--', photoPath, site], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
const csLines = readline.createInterface({ input: cs.stdout })[Symbol.asyncIterator]();
async function csNext() {
  for (;;) {
    const { value, done } = await csLines.next();
    if (done) throw new Error('server-detect.cs ended');
    if (value.startsWith('{')) return JSON.parse(value);
  }
}
const csReady = (await csNext()).ready;
const csRun = async (what, n) => { cs.stdin.write(`${what} ${n}\n`); return csNext(); };

// --- static server: cross-origin isolated ---
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.jpg': 'image/jpeg' };
const server = http.createServer((req, res) => {
  const file = path.join(site, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(site) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
  res.writeHead(200, {
    'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store',
  });
  fs.createReadStream(file).pipe(res);
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

// --- optional: lookalike serve ---
let serve, ws;
const liveUrl = 'http://127.0.0.1:5077';
const frameBytes = fs.readFileSync(path.join(site, 'frame.jpg'));
if (withServer) {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ortweb-')), 'gallery.db');
  serve = spawn('dotnet', ['run', '--project', 'src/Lookalike.Cli', '-c', 'Release', '--', 'serve', '--db', db, '--urls', liveUrl, '--rate-limit', '0'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  for (let i = 0; ; i++) {
    try { if ((await fetch(liveUrl + '/')).ok) break; } catch { /* not yet */ }
    if (i > 600) throw new Error('lookalike serve did not start');
    await new Promise(r => setTimeout(r, 500));
  }
  ws = new WebSocket(liveUrl.replace('http', 'ws') + '/api/live/ws?top=3');
  ws.binaryType = 'arraybuffer';
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
}
const wsFrame = () => new Promise(ok => {
  const t = performance.now();
  ws.onmessage = e => ok({ ms: performance.now() - t, answer: JSON.parse(e.data) });
  ws.send(frameBytes);
});
async function postFrame() {
  const form = new FormData();
  form.append('image', new Blob([frameBytes], { type: 'image/jpeg' }), 'frame.jpg');
  const t = performance.now();
  const r = await fetch(liveUrl + '/api/live?session=bench', { method: 'POST', body: form });
  const body = await r.json();
  return { ms: performance.now() - t, answer: body };
}

// --- browser tabs, loaded one after the other ---
const browser = await pw.launch({ executablePath: chromium, headless: true });
const tabs = {};
for (const threads of [1, 2]) {
  const page = await browser.newPage();
  page.on('pageerror', e => console.error(`page (${threads} threads):`, e.message));
  await page.goto(`${origin}/page.html?threads=${threads}`);
  await page.waitForFunction(() => window.ready, null, { timeout: 300_000 });
  tabs[threads] = { page, ready: await page.evaluate(() => window.ready) };
}

// --- configurations, interleaved ---
const configs = {
  'browser ORT-web WASM, 1 thread': async n => { const r = await tabs[1].page.evaluate(n => window.bench(n), n); return { ms: r.rows.map(x => x.totalMs), run: r.rows.map(x => x.runMs), prepare: r.rows.map(x => x.prepareMs), best: r.best }; },
  'browser ORT-web WASM, 2 threads': async n => { const r = await tabs[2].page.evaluate(n => window.bench(n), n); return { ms: r.rows.map(x => x.totalMs), run: r.rows.map(x => x.runMs), prepare: r.rows.map(x => x.prepareMs), best: r.best }; },
  'C# Detect, decoded 640x480 frame': async n => { const r = await csRun('bitmap', n); return { ms: r.ms, best: r.best }; },
  'C# JPEG decode at half size + Detect': async n => { const r = await csRun('decode', n); return { ms: r.ms, best: r.best }; },
};
if (withServer) {
  configs['live WebSocket round trip (detect + track)'] = async n => { const ms = []; let last; for (let i = 0; i < n; i++) { last = await wsFrame(); ms.push(last.ms); } return { ms, best: last.answer.faces?.[0] ?? null }; };
  configs['POST /api/live round trip (full analysis)'] = async n => { const ms = []; let last; for (let i = 0; i < n; i++) { last = await postFrame(); ms.push(last.ms); } return { ms, best: last.answer.faces?.[0] ? { score: last.answer.faces[0].score, box: last.answer.faces[0].box } : null }; };
}
const names = Object.keys(configs);
const results = Object.fromEntries(names.map(n => [n, { ms: [], run: [], prepare: [], best: null }]));
for (const name of names) await configs[name](warmup);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(r + k) % names.length];
    const out = await configs[name](framesPerRound);
    const acc = results[name];
    acc.ms.push(...out.ms);
    if (out.run) acc.run.push(...out.run);
    if (out.prepare) acc.prepare.push(...out.prepare);
    acc.best = out.best;
  }
}

const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const reference = median(results['C# Detect, decoded 640x480 frame'].ms);
const f1 = x => x.toFixed(1), f2 = x => x.toFixed(2);
console.log(`\n${rounds} rounds x ${framesPerRound} frames per configuration after ${warmup} warm-up, medians; load average ${os.loadavg().map(f2).join(' ')}`);
console.log(`onnxruntime-web ${ORT_VERSION} (sha256 ${sha}), Chromium ${browser.version()}, cross-origin isolated: ${tabs[2].ready.crossOriginIsolated}\n`);
console.log('| per frame | median ms | p90 ms | x the C# Detect | best face: score, box (x, y, w, h) in the 640x480 frame |');
console.log('|---|---|---|---|---|');
for (const name of names) {
  const a = results[name];
  const s = [...a.ms].sort((x, y) => x - y);
  const box = a.best?.box ? `${f1(a.best.box.x)}, ${f1(a.best.box.y)}, ${f1(a.best.box.width)}, ${f1(a.best.box.height)}` : '-';
  const extra = a.run.length ? ` (run ${f1(median(a.run))} + canvas/tensor ${f1(median(a.prepare))})` : '';
  console.log(`| ${name} | ${f1(median(a.ms))}${extra} | ${f1(s[Math.floor(s.length * 0.9)])} | ${f2(median(a.ms) / reference)} | ${a.best ? a.best.score.toFixed(4) : '-'}; ${box} |`);
}
console.log('\n| session creation | first (ms) | again, median of 5 (ms) |');
console.log('|---|---|---|');
for (const t of [1, 2]) console.log(`| browser ORT-web, ${t} thread${t > 1 ? 's' : ''} (first includes WASM compile + start) | ${f1(tabs[t].ready.firstCreateMs)} | ${f1(median(tabs[t].ready.againMs))} |`);
console.log(`| C# UltraFaceDetector (first includes ORT native start) | ${f1(csReady.firstCreateMs)} | ${f1(median(csReady.againMs))} |`);
fs.writeFileSync(path.join(work, 'result.json'), JSON.stringify({ ortVersion: ORT_VERSION, sha256: sha, chromium: browser.version(), rounds, framesPerRound, warmup, loadavg: os.loadavg(), tabs: Object.fromEntries(Object.entries(tabs).map(([k, v]) => [k, v.ready])), csReady, results }, null, 1));

await browser.close();
server.close();
cs.stdin.end();
ws?.close();
if (serve) process.kill(-serve.pid, 'SIGTERM');
