'use strict';
// Lookalike page: all work happens on the server (POST /api/match, /api/compare); this only draws.
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

// ---- Live: a few frames a second from the webcam
let stream = null, frozen = false, busy = false, timer = null;
const session = Math.random().toString(36).slice(2);
const video = $('video'), overlay = $('overlay');
$('live-start').addEventListener('click', async () => {
  const status = $('live-status');
  if (stream) { stopLive(); return; }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    video.srcObject = stream;
    await video.play();
    $('live-start').textContent = 'Stop camera';
    $('live-freeze').disabled = false;
    setStatus(status, 'Live');
    timer = setInterval(sendFrame, 150);
  } catch (e) {
    setStatus(status, 'Camera not available: ' + e.message, true);
    stream = null;
  }
});
$('live-freeze').addEventListener('click', () => {
  frozen = !frozen;
  if (frozen) video.pause(); else video.play();
  $('live-freeze').textContent = frozen ? 'Resume' : 'Freeze';
});
function stopLive() {
  clearInterval(timer);
  stream.getTracks().forEach((t) => t.stop());
  stream = null; frozen = false;
  $('live-start').textContent = 'Start camera';
  $('live-freeze').disabled = true;
  setStatus($('live-status'), 'Stopped');
}
async function sendFrame() {
  if (busy || frozen || !video.videoWidth) return;
  busy = true;
  const frame = document.createElement('canvas');
  frame.width = video.videoWidth; frame.height = video.videoHeight;
  frame.getContext('2d').drawImage(video, 0, 0);
  const blob = await new Promise((r) => frame.toBlob(r, 'image/jpeg', 0.85));
  try {
    const started = performance.now();
    const result = await postImage(`/api/live?top=3&session=${session}`, { image: blob });
    if (frozen) return;
    overlay.width = frame.width; overlay.height = frame.height;
    const ctx = overlay.getContext('2d');
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    drawBoxes(ctx, result, 1, true);
    renderResults($('live-results'), result);
    setStatus($('live-status'), `${result.faces.length} face(s) · ${Math.round(performance.now() - started)} ms`);
  } catch (e) {
    setStatus($('live-status'), e.message, true);
  } finally {
    busy = false;
  }
}

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
