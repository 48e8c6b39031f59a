#!/usr/bin/env node
// peer.mjs: Mozilla Readability (with jsdom) on the extraction benchmarks,
// scored with the same metrics as `veille eval-extract`, so that the two
// can be printed side by side in one run (scripts/eval.sh).
//
// Usage: node bench/readability/peer.mjs --format scrapinghub|wcxb DIR
//            [--jobs N] [--half 0|1] [--limit N]
// Prints one line per set: F1, precision, recall (and WCXB's article
// pages), then pages/s per core (CPU time of the worker processes: gunzip,
// jsdom parse, Readability, textContent).
import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORD = /[\p{L}\p{N}_]+/gu;
const tokens = (s) => (s || '').match(WORD) || [];

// article-extraction-benchmark's string_shingle_matching (4-grams).
function shingles(text, n = 4) {
  const t = tokens(text);
  const m = new Map();
  const count = t.length >= n ? t.length - n + 1 : t.length ? 1 : 0;
  for (let i = 0; i < count; i++) {
    const k = t.slice(i, i + n).join('\u001f');
    m.set(k, (m.get(k) || 0) + 1);
  }
  return m;
}
function matchShingles(truth, pred) {
  const a = shingles(truth), b = shingles(pred);
  let tp = 0, fp = 0, fn = 0;
  for (const [k, c] of a) {
    const p = b.get(k) || 0;
    tp += Math.min(c, p);
    fn += Math.max(0, c - p);
  }
  for (const [k, p] of b) fp += Math.max(0, p - (a.get(k) || 0));
  const s = tp + fp + fn;
  return s > 0 ? [tp / s, fp / s, fn / s] : [0, 0, 0];
}
function shingleFigures(ms) {
  let p = 0, np = 0, r = 0, nr = 0;
  for (const [tp, fp, fn] of ms) {
    const both0 = fp === 0 && fn === 0;
    if (tp + fp > 0) { p += both0 ? 1 : tp === 0 && fp === 0 ? 0 : tp / (tp + fp); np++; }
    if (tp + fn > 0) { r += both0 ? 1 : tp === 0 && fn === 0 ? 0 : tp / (tp + fn); nr++; }
  }
  p = np ? p / np : 0;
  r = nr ? r / nr : 0;
  return { precision: p, recall: r, f1: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
}
// WCXB's per-page word F1.
function wordScore(truth, pred) {
  const t = tokens((truth || '').toLowerCase()), p = tokens((pred || '').toLowerCase());
  if (!t.length) return { precision: p.length ? 0 : 1, recall: p.length ? 0 : 1, f1: p.length ? 0 : 1 };
  if (!p.length) return { precision: 0, recall: 0, f1: 0 };
  const c = new Map();
  for (const w of t) c.set(w, (c.get(w) || 0) + 1);
  let overlap = 0;
  for (const w of p) {
    const k = c.get(w) || 0;
    if (k > 0) { c.set(w, k - 1); overlap++; }
  }
  const pr = overlap / p.length, re = overlap / t.length;
  return { precision: pr, recall: re, f1: pr + re > 0 ? (2 * pr * re) / (pr + re) : 0 };
}

function loadSamples(format, dir) {
  const out = [];
  if (format === 'scrapinghub') {
    const gt = JSON.parse(readFileSync(path.join(dir, 'ground-truth.json'), 'utf8'));
    for (const [id, v] of Object.entries(gt))
      out.push({ id, file: path.join(dir, 'html', `${id}.html.gz`), url: v.url || '', truth: v.articleBody || '' });
  } else if (format === 'wcxb') {
    for (const f of readdirSync(path.join(dir, 'ground-truth')).filter((f) => f.endsWith('.json'))) {
      const j = JSON.parse(readFileSync(path.join(dir, 'ground-truth', f), 'utf8'));
      const id = f.replace(/\.json$/, '');
      let type = j._internal?.page_type?.primary || '';
      if (type === 'category') type = 'collection';
      out.push({ id, file: path.join(dir, 'html', `${id}.html.gz`), url: j.url || '', truth: j.ground_truth?.main_content || '', type });
    }
  } else {
    throw new Error(`unknown format ${format} (scrapinghub or wcxb)`);
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

async function worker() {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const { Readability } = await import('@mozilla/readability');
  process.on('message', (samples) => {
    const start = process.cpuUsage();
    const results = [];
    for (const s of samples) {
      let text = '';
      try {
        const html = gunzipSync(readFileSync(s.file)).toString('utf8');
        const vc = new VirtualConsole();  // silences jsdom's CSS parse errors
        const dom = new JSDOM(html, { url: s.url || 'https://example.com/', virtualConsole: vc });
        const article = new Readability(dom.window.document).parse();
        text = article?.textContent || '';
        dom.window.close();
      } catch (e) {
        text = '';
      }
      results.push({ id: s.id, type: s.type, truth: s.truth, text });
    }
    const cpu = process.cpuUsage(start);
    process.send({ results, cpu: (cpu.user + cpu.system) / 1e6 }, () => process.exit(0));
  });
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : def;
  };
  const format = opt('--format');
  const jobs = Number(opt('--jobs', 2));
  const half = opt('--half');
  const limit = Number(opt('--limit', 0));
  const dir = args[0];
  if (!format || !dir) {
    console.error('usage: peer.mjs --format scrapinghub|wcxb DIR [--jobs N] [--half 0|1] [--limit N]');
    process.exit(2);
  }
  let samples = loadSamples(format, dir);
  if (half !== undefined) samples = samples.filter((_, i) => i % 2 === Number(half));
  if (limit) samples = samples.slice(0, limit);
  const wall = Date.now();
  // Chunks of pages, each in a fresh process (jsdom's memory grows with every
  // page a process parses), `jobs` processes at a time.
  const chunks = [];
  for (let i = 0; i < samples.length; i += 20) chunks.push(samples.slice(i, i + 20));
  const self = fileURLToPath(import.meta.url);
  const runChunk = (part) =>
    new Promise((resolve, reject) => {
      const child = fork(self, ['--worker'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      let got = null;
      child.on('message', (m) => { got = m; });
      child.on('error', reject);
      child.on('exit', () => (got ? resolve(got) : reject(new Error('readability worker died'))));
      child.send(part);
    });
  const outputs = [];
  let next = 0, done = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < chunks.length) {
        const k = next++;
        outputs[k] = await runChunk(chunks[k]);
        done += chunks[k].length;
        if (process.stderr.isTTY) process.stderr.write(`\r${done}/${samples.length} pages`);
      }
    }),
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  const results = outputs.flatMap((o) => o.results);
  const cpu = outputs.reduce((a, o) => a + o.cpu, 0);
  const fmt = (x) => x.toFixed(3);
  if (format === 'scrapinghub') {
    const f = shingleFigures(results.map((r) => matchShingles(r.truth, r.text)));
    console.log(`readability scrapinghub: ${results.length} pages  F1 ${fmt(f.f1)}  precision ${fmt(f.precision)}  recall ${fmt(f.recall)}`);
  } else {
    const by = new Map();
    for (const r of results) {
      const w = wordScore(r.truth, r.text);
      for (const t of ['all', r.type]) {
        const a = by.get(t) || { n: 0, f1: 0, p: 0, r: 0 };
        a.n++; a.f1 += w.f1; a.p += w.precision; a.r += w.recall;
        by.set(t, a);
      }
    }
    const line = (t, a) => `${t}: ${a.n} pages  F1 ${fmt(a.f1 / a.n)}  precision ${fmt(a.p / a.n)}  recall ${fmt(a.r / a.n)}`;
    console.log(`readability wcxb ${line('all', by.get('all'))}`);
    for (const t of [...by.keys()].filter((t) => t !== 'all').sort()) console.log(`  ${line(t, by.get(t))}`);
  }
  console.log(`readability speed: ${(results.length / cpu).toFixed(1)} pages/s per core (${cpu.toFixed(1)} s CPU in ${jobs} processes, ${((Date.now() - wall) / 1000).toFixed(1)} s wall)`);
}

if (process.argv[2] === '--worker') worker();
else main();
