'use strict';
// Lookalike page: all work happens on the server (POST /api/match, /api/compare, the /api/live/ws socket); this only draws.
const $ = (id) => document.getElementById(id);
const colors = ['#2bd46a', '#ffb020', '#39a0ff', '#ff5c8a', '#b07cff'];

document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => {
  document.querySelectorAll('nav button').forEach((x) => x.classList.toggle('active', x === b));
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.id === 'tab-' + b.dataset.tab));
  if (b.dataset.tab === 'gallery') loadGallery();
}));

function setStatus(el, text, error) { el.textContent = text; el.classList.toggle('error', !!error); }

// ---- API key: a server started with --protect-reads answers 401 until the page sends X-Api-Key. The key is asked
// for once and kept in this tab's sessionStorage (gone when the tab closes); images then load through fetch too.
const keyStore = 'lookalike-api-key';
let keyWaiters = [];
function apiKey() { return sessionStorage.getItem(keyStore); }
function askKey(reason) {
  $('key-reason').textContent = reason;
  $('key-form').hidden = false;
  $('key-input').focus();
  return new Promise((resolve) => keyWaiters.push(resolve));
}
$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  sessionStorage.setItem(keyStore, key);
  $('key-input').value = '';
  $('key-form').hidden = true;
  const waiters = keyWaiters;
  keyWaiters = [];
  waiters.forEach((w) => w());
});

// fetch with the key when there is one; on 401 ask for the key (again) and retry. Errors carry the server's reason.
async function api(url, options = {}) {
  for (;;) {
    const headers = new Headers(options.headers || {});
    if (apiKey()) headers.set('X-Api-Key', apiKey());
    const response = await fetch(url, { ...options, headers });
    if (response.status !== 401) {
      if (response.ok) return response;
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.error || problem.detail || ('HTTP ' + response.status));
    }
    const problem = await response.json().catch(() => ({}));
    sessionStorage.removeItem(keyStore);
    await askKey(problem.error || 'This server needs an API key.');
  }
}

async function postImage(url, fields) {
  const form = new FormData();
  for (const [name, blob] of Object.entries(fields)) form.append(name, blob, name + '.jpg');
  return (await api(url, { method: 'POST', body: form })).json();
}

// Server images: a plain URL when reads are open; fetched with the key (a blob URL) when this tab has one.
async function showImage(img, url) {
  if (!apiKey()) { img.src = url; return; }
  try {
    img.src = URL.createObjectURL(await (await api(url)).blob());
  } catch {
    img.removeAttribute('src');
  }
}

// A share as a percentage that never rounds a tail into a certainty (99.96 % stays "99.9 %").
function percent(p) {
  if (p > 0.99 && p < 1) return Math.min(99.9, p * 100).toFixed(1) + ' %';
  if (p > 0 && p < 0.001) return '< 0.1 %';
  if (p > 0 && p < 0.01) return (p * 100).toFixed(1) + ' %';
  return Math.round(p * 100) + ' %';
}

// Headline: how alike (likeness); second line: whether it is the same person (open-set probability).
function card(match) {
  const div = document.createElement('div');
  div.className = 'card' + (match.same ? ' same' : '');
  const alike = match.likeness != null ? 'looks ' + percent(match.likeness) + ' alike' : 'cos ' + match.best_similarity.toFixed(2);
  const width = Math.max(0, Math.min(100, (match.likeness ?? match.similarity) * 100));
  div.innerHTML = `<img alt=""><div class="name"></div><div class="bar"><div></div></div><div class="score"></div><div class="same-person"></div>`;
  div.querySelector('.bar > div').style.width = width + '%';
  showImage(div.querySelector('img'), `/api/faces/${match.best_face_id}/thumbnail`);
  div.querySelector('.name').textContent = match.identity;
  div.querySelector('.score').textContent = alike;
  div.querySelector('.same-person').textContent = percent(match.probability) + ' same person';
  return div;
}

function renderResults(container, result) {
  container.replaceChildren();
  result.faces.forEach((face, i) => {
    const row = document.createElement('div');
    row.className = 'face-row';
    const query = document.createElement('div');
    query.className = 'card query';
    query.innerHTML = '<img alt=""><div class="name"></div>';
    query.querySelector('img').src = face.thumbnail;
    query.querySelector('.name').textContent = 'face ' + (i + 1);
    query.querySelector('.name').style.color = colors[i % colors.length];
    row.append(query, ...face.matches.map(card));
    container.append(row);
  });
}

function drawBoxes(ctx, result, scale, labels) {
  ctx.lineWidth = Math.max(2, 3 * scale);
  ctx.font = `${Math.max(14, Math.round(18 * scale))}px system-ui, sans-serif`;
  result.faces.forEach((face, i) => {
    const b = face.box, color = colors[i % colors.length];
    ctx.strokeStyle = color;
    ctx.strokeRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
    if (labels && face.matches.length) {
      const m = face.matches[0];
      const text = `${i + 1}. ${m.identity} ${m.likeness != null ? percent(m.likeness) + ' alike' : m.similarity.toFixed(2)}`;
      const y = Math.max(18, b.y * scale - 6);
      const w = ctx.measureText(text).width;
      ctx.fillStyle = 'rgba(0,0,0,.6)';
      ctx.fillRect(b.x * scale - 2, y - 17 * Math.max(1, scale), w + 8, 20 * Math.max(1, scale));
      ctx.fillStyle = color;
      ctx.fillText(text, b.x * scale + 2, y);
    }
  });
}

// ---- Photo: choose, drop or paste
async function matchFile(file) {
  const status = $('match-status');
  setStatus(status, 'Looking for faces…');
  $('results').replaceChildren();
  const canvas = $('photo'), ctx = canvas.getContext('2d');
  try {
    const result = await postImage('/api/match?top=5', { image: file });
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => null);
    if (bitmap) {
      const scale = Math.min(1, 900 / bitmap.width);
      canvas.width = bitmap.width * scale; canvas.height = bitmap.height * scale;
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      drawBoxes(ctx, result, scale * bitmap.width / result.width, true);
    }
    setStatus(status, result.faces.length ? `${result.faces.length} face(s) · gallery of ${result.gallery.identities} people, ${result.gallery.faces} faces` : (result.reason || 'no face found'));
    renderResults($('results'), result);
  } catch (e) {
    setStatus(status, e.message, true);
  }
}
$('file').addEventListener('change', (e) => e.target.files[0] && matchFile(e.target.files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) matchFile(e.dataTransfer.files[0]); });
document.addEventListener('paste', (e) => {
  const item = [...e.clipboardData.items].find((i) => i.type.startsWith('image/'));
  if (item) matchFile(item.getAsFile());
});

// ---- Live: one WebSocket (/api/live/ws). Frames go up as fast as the server answers (at most 2 in flight; the
// server drops a waiting frame when a newer one arrives); every answer moves the boxes, and between answers the overlay
// is redrawn on every animation frame with each box carried along by its track's motion. Names change only when the
// server's label does (hysteresis there); faces that leave fade out. window.liveStats counts it all, for tests.
let stream = null, frozen = false, socket = null, encoding = false, seq = 0;
const video = $('video'), overlay = $('overlay'), grab = document.createElement('canvas');
const inFlight = new Map(); // seq → capture time (performance.now)
const tracks = new Map(); // track_id → { box, vx, vy, vw, t, seen, label, matches, color }
window.liveStats = { sent: 0, answers: 0, dropped: 0, errors: 0, draws: 0, movedDraws: 0, labelChanges: 0, recognitions: 0, latencyMs: 0, labels: [], labelsSeen: [], startedAt: 0, faceAt: 0, namedAt: 0 };
const maxInFlight = 2, fadeMs = 600, aheadMs = 250;

async function liveUrl() {
  // A browser cannot set headers on a WebSocket: the page asks for a signed link (sent with the key when it has one).
  const link = await (await api('/api/links?path=' + encodeURIComponent('/api/live/ws'))).json();
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + link.url + '&top=3';
}

$('live-start').addEventListener('click', async () => {
  const status = $('live-status');
  if (stream) { stopLive(); return; }
  try {
    liveStats.startedAt = performance.now();
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    video.srcObject = stream;
    await video.play();
    socket = new WebSocket(await liveUrl());
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (e) => onAnswer(JSON.parse(e.data));
    socket.onclose = (e) => { if (stream) setStatus(status, 'Live connection closed' + (e.reason ? ': ' + e.reason : ''), true); };
    socket.onopen = () => { setStatus(status, 'Live'); pump(); };
    $('live-start').textContent = 'Stop camera';
    $('live-freeze').disabled = false;
    $('live-snapshot').disabled = false;
    video.requestVideoFrameCallback(onVideoFrame);
    requestAnimationFrame(drawOverlay);
  } catch (e) {
    setStatus(status, 'Camera not available: ' + e.message, true);
    stream = null;
  }
});
function freeze(on) {
  frozen = on;
  if (frozen) video.pause(); else { video.play(); pump(); }
  $('live-freeze').textContent = frozen ? 'Resume' : 'Freeze';
}
$('live-freeze').addEventListener('click', () => freeze(!frozen));
function stopLive() {
  if (socket) socket.close();
  socket = null;
  stream.getTracks().forEach((t) => t.stop());
  stream = null; frozen = false;
  inFlight.clear(); tracks.clear();
  overlay.getContext('2d').clearRect(0, 0, overlay.width, overlay.height);
  $('live-start').textContent = 'Start camera';
  $('live-freeze').textContent = 'Freeze';
  $('live-freeze').disabled = true;
  $('live-snapshot').disabled = true;
  setStatus($('live-status'), 'Stopped');
}
function onVideoFrame() {
  if (!stream) return;
  pump();
  video.requestVideoFrameCallback(onVideoFrame);
}
// Sends the newest video frame when fewer than maxInFlight are unanswered.
function pump() {
  if (!socket || socket.readyState !== WebSocket.OPEN || frozen || encoding || inFlight.size >= maxInFlight || !video.videoWidth) return;
  encoding = true;
  grab.width = video.videoWidth; grab.height = video.videoHeight;
  grab.getContext('2d').drawImage(video, 0, 0);
  const captured = performance.now();
  grab.toBlob((blob) => {
    encoding = false;
    if (!blob || !socket || socket.readyState !== WebSocket.OPEN) return;
    inFlight.set(++seq, captured);
    socket.send(blob);
    liveStats.sent++;
    pump();
  }, 'image/jpeg', 0.8);
}
function onAnswer(m) {
  const captured = inFlight.get(m.seq);
  inFlight.delete(m.seq);
  if (m.type === 'dropped') liveStats.dropped++;
  else if (m.type === 'error') { liveStats.errors++; setStatus($('live-status'), m.error, true); }
  else if (captured !== undefined && !frozen) applyAnswer(m, captured);
  pump();
}
function applyAnswer(m, captured) {
  const now = performance.now();
  liveStats.answers++;
  liveStats.latencyMs = now - captured;
  liveStats.recognitions = m.recognitions;
  let changed = false;
  m.faces.forEach((f) => {
    const b = f.box;
    let t = tracks.get(f.track_id);
    if (!t) {
      t = { vx: 0, vy: 0, vw: 0, color: colors[(f.track_id - 1) % colors.length] };
      tracks.set(f.track_id, t);
      changed = true;
    } else if (captured > t.t) {
      // Motion in px/ms between the frames the two answers were captured at, smoothed a little.
      const dt = captured - t.t;
      t.vx = 0.5 * t.vx + 0.5 * (b.x - t.box.x) / dt;
      t.vy = 0.5 * t.vy + 0.5 * (b.y - t.box.y) / dt;
      t.vw = 0.5 * t.vw + 0.5 * (b.width - t.box.width) / dt;
    }
    if (t.label && f.label && t.label !== f.label) liveStats.labelChanges++;
    if (f.label && !liveStats.labelsSeen.includes(f.label)) liveStats.labelsSeen.push(f.label);
    if (f.label && !liveStats.namedAt) liveStats.namedAt = now;
    if (f.label !== t.label || f.recognized) changed = true;
    Object.assign(t, { box: b, t: captured, seen: now, label: f.label, matches: f.matches });
  });
  liveStats.labels = m.faces.map((f) => f.label);
  if (m.faces.length && !liveStats.faceAt) liveStats.faceAt = now;
  if (changed) renderLive();
  setStatus($('live-status'), `${m.faces.length} face(s) · ${Math.round(liveStats.latencyMs)} ms per frame · ${m.recognitions} recognitions`);
}
// Where a track's box is now: its last answer carried forward by its motion (at most aheadMs).
function boxNow(t, now) {
  const ahead = Math.min(Math.max(0, now - t.t), aheadMs);
  return { x: t.box.x + t.vx * ahead, y: t.box.y + t.vy * ahead, width: t.box.width + t.vw * ahead, height: t.box.height + t.vw * ahead, ahead };
}
// A track's label as parts, most important first: the name, then how alike, then how likely the same person.
function labelOf(t) {
  if (!t.label) return ['…'];
  const m = t.matches.find((x) => x.identity === t.label);
  if (!m) return [t.label];
  return [t.label, ...(m.likeness != null ? [percent(m.likeness) + ' alike'] : []), percent(m.probability) + ' same'];
}
// The most parts that fit in maxWidth, joined with ' · '; the name alone is cut with an ellipsis if even it does not fit.
function fitLabel(ctx, parts, maxWidth) {
  for (let n = parts.length; n >= 1; n--) {
    const text = parts.slice(0, n).join(' · ');
    if (ctx.measureText(text).width <= maxWidth) return text;
  }
  let name = parts[0];
  while (name.length > 1 && ctx.measureText(name + '…').width > maxWidth) name = name.slice(0, -1);
  return name + '…';
}
function drawOverlay(now) {
  if (!stream) return;
  requestAnimationFrame(drawOverlay);
  if (frozen || !video.videoWidth) return;
  if (overlay.width !== video.videoWidth) { overlay.width = video.videoWidth; overlay.height = video.videoHeight; }
  const ctx = overlay.getContext('2d');
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  ctx.lineWidth = 3;
  ctx.font = '18px system-ui, sans-serif';
  let drawn = 0, moved = false;
  for (const [id, t] of tracks) {
    const age = now - t.seen;
    const alpha = age < 250 ? 1 : 1 - (age - 250) / fadeMs;
    if (alpha <= 0) { tracks.delete(id); renderLive(); continue; }
    const b = boxNow(t, now);
    if (b.ahead > 0 && (t.vx || t.vy || t.vw)) moved = true;
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = t.color;
    ctx.strokeRect(b.x, b.y, b.width, b.height);
    // The label fits the box (at least 140 px) and stays inside the frame, so two faces side by side keep both names.
    const room = Math.min(Math.max(b.width, 140), overlay.width - 8);
    const text = fitLabel(ctx, labelOf(t), room), y = Math.max(18, b.y - 6), w = ctx.measureText(text).width;
    const x = Math.min(Math.max(2, b.x), overlay.width - w - 6);
    ctx.fillStyle = 'rgba(0,0,0,.6)';
    ctx.fillRect(x - 2, y - 17, w + 8, 22);
    ctx.fillStyle = t.color;
    ctx.fillText(text, x + 2, y);
    drawn++;
  }
  ctx.globalAlpha = 1;
  if (drawn) { liveStats.draws++; if (moved) liveStats.movedDraws++; }
}
function renderLive() {
  const container = $('live-results');
  container.replaceChildren();
  for (const [id, t] of tracks) {
    const row = document.createElement('div');
    row.className = 'face-row';
    row.dataset.track = id;
    const query = document.createElement('div');
    query.className = 'card query';
    query.innerHTML = '<div class="name"></div><div class="score"></div>';
    query.querySelector('.name').textContent = t.label || '…';
    query.querySelector('.name').style.color = t.color;
    query.querySelector('.score').textContent = 'face ' + id;
    row.append(query, ...t.matches.map(card));
    container.append(row);
  }
}

// Snapshot: freezes the frame and draws a shareable PNG, each face beside its top look-alikes with names and scores.
async function image(url) {
  try { return await createImageBitmap(await (await api(url)).blob()); } catch { return null; }
}
$('live-snapshot').addEventListener('click', async () => {
  freeze(true);
  const now = performance.now();
  const faces = [...tracks.values()].filter((t) => t.matches.length).slice(0, 5);
  if (!faces.length) { setStatus($('live-status'), 'No named face to snapshot yet', true); return; }
  const cell = 150, pad = 12, top = 3;
  const c = document.createElement('canvas');
  c.width = pad + (cell + pad) * (1 + top);
  c.height = 44 + faces.length * (cell + 52);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#20252d'; ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = '#fff'; ctx.font = 'bold 20px system-ui, sans-serif'; ctx.fillText('Lookalike', pad, 30);
  for (const [row, t] of faces.entries()) {
    const y = 44 + row * (cell + 52), b = boxNow(t, now);
    ctx.drawImage(video, b.x, b.y, b.width, b.height, pad, y, cell, cell);
    ctx.strokeStyle = t.color; ctx.lineWidth = 3; ctx.strokeRect(pad, y, cell, cell);
    ctx.font = 'bold 14px system-ui, sans-serif'; ctx.fillStyle = t.color; ctx.fillText(t.label || '', pad, y + cell + 18, cell);
    const matches = t.matches.slice(0, top);
    const pictures = await Promise.all(matches.map((m) => image(`/api/faces/${m.best_face_id}/thumbnail`)));
    matches.forEach((m, k) => {
      const x = pad + (cell + pad) * (k + 1);
      if (pictures[k]) ctx.drawImage(pictures[k], x, y, cell, cell);
      ctx.fillStyle = '#fff'; ctx.font = 'bold 14px system-ui, sans-serif'; ctx.fillText(m.identity, x, y + cell + 18, cell);
      ctx.font = '12px system-ui, sans-serif'; ctx.fillStyle = '#cfd6df';
      ctx.fillText(m.likeness != null ? `looks ${percent(m.likeness)} alike` : `cos ${m.best_similarity.toFixed(2)}`, x, y + cell + 34, cell);
      ctx.fillText(`${percent(m.probability)} same person`, x, y + cell + 48, cell);
    });
  }
  const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
  const link = $('live-download');
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(blob);
  link.hidden = false;
  $('snapshot').src = link.href;
  $('snapshot').hidden = false;
  liveStats.snapshot = { width: c.width, height: c.height, bytes: blob.size };
});

// ---- Compare
const pair = { a: null, b: null };
for (const side of ['a', 'b']) {
  $('file-' + side).addEventListener('change', (e) => {
    const file = e.target.files[0];
    if (!file) return;
    pair[side] = file;
    $('img-' + side).src = URL.createObjectURL(file);
    if (pair.a && pair.b) compare();
  });
}
async function compare() {
  const out = $('compare-result');
  setStatus(out, 'Comparing…');
  try {
    const r = await postImage('/api/compare', { a: pair.a, b: pair.b });
    if (r.similarity === null) { setStatus(out, r.reason, true); return; }
    const alike = r.likeness != null ? `Looks ${percent(r.likeness)} alike` : `Cosine ${r.similarity.toFixed(3)}`;
    setStatus(out, `${alike} · ${r.same ? 'Same person' : 'Different people'}: ${percent(r.probability)} likely the same person (similarity ${r.similarity.toFixed(3)}, threshold ${r.threshold})`);
    explain();
  } catch (e) {
    setStatus(out, e.message, true);
  }
}

async function explain() {
  const img = $('explain');
  img.hidden = true;
  const form = new FormData();
  form.append('a', pair.a, 'a.jpg');
  form.append('b', pair.b, 'b.jpg');
  const response = await api('/api/explain', { method: 'POST', body: form }).catch(() => null);
  if (!response) return;
  img.src = URL.createObjectURL(await response.blob());
  img.hidden = false;
}

// ---- Gallery
// With a key, the map opens through a signed link: a new tab cannot send the X-Api-Key header.
$('map-link').addEventListener('click', async (e) => {
  if (!apiKey()) return;
  e.preventDefault();
  const tab = window.open('about:blank', '_blank');
  try {
    const link = await (await api('/api/links?path=' + encodeURIComponent('/api/gallery/map'))).json();
    tab.location.href = link.url;
  } catch (error) {
    tab.close();
    setStatus($('gallery-summary'), error.message, true);
  }
});

// People and files come a page at a time (the server pages in the database), so the tab stays small at any size.
const pages = { people: { offset: 0, limit: 60 }, files: { offset: 0, limit: 100 } };
const number = (n) => n.toLocaleString('en');

function showPager(name, offset, shown, total) {
  $(name + '-range').textContent = total === 0 ? 'none' : `${number(offset + 1)}–${number(offset + shown)} of ${number(total)}`;
  $(name + '-prev').disabled = offset === 0;
  $(name + '-next').disabled = offset + shown >= total;
  $(name + '-pager').hidden = total <= pages[name].limit && offset === 0;
}

for (const name of ['people', 'files']) {
  $(name + '-prev').addEventListener('click', () => { pages[name].offset = Math.max(0, pages[name].offset - pages[name].limit); loadGallery(); });
  $(name + '-next').addEventListener('click', () => { pages[name].offset += pages[name].limit; loadGallery(); });
}

async function loadGallery() {
  try {
    const p = pages.people, f = pages.files;
    const gallery = await (await api(`/api/gallery?offset=${p.offset}&limit=${p.limit}`)).json();
    const files = await (await api(`/api/gallery/files?offset=${f.offset}&limit=${f.limit}`)).json();
    $('gallery-summary').textContent = `${number(gallery.total)} people, ${number(gallery.faces)} faces, ${number(files.total)} photos`;
    const people = $('gallery-people');
    people.replaceChildren();
    for (const person of gallery.identities) {
      const div = document.createElement('div');
      div.className = 'card';
      div.innerHTML = '<img alt=""><div class="name"></div><div class="score"></div>';
      div.querySelector('.name').textContent = person.identity;
      div.querySelector('.score').textContent = `${person.faces} faces / ${person.files} files`;
      if (person.face_id !== null) showImage(div.querySelector('img'), `/api/faces/${person.face_id}/thumbnail`);
      div.addEventListener('click', () => {
        const avg = $('average');
        showImage(avg, `/api/gallery/${encodeURIComponent(person.identity)}/average`);
        avg.alt = 'Average face of ' + person.identity;
        avg.hidden = false;
      });
      people.append(div);
    }
    showPager('people', gallery.offset, gallery.identities.length, gallery.total);
    const body = document.querySelector('#gallery-files tbody');
    body.replaceChildren();
    for (const file of files.files) {
      const tr = document.createElement('tr');
      for (const v of [file.outcome, file.identity, file.path.split('/').pop(), file.detail || '']) {
        const td = document.createElement('td'); td.textContent = v; tr.append(td);
      }
      body.append(tr);
    }
    showPager('files', files.offset, files.files.length, files.total);
  } catch (e) {
    setStatus($('gallery-summary'), e.message, true);
  }
}
