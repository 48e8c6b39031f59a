// End-to-end tests of the web UI: drives Debian's chromium through
// playwright-core (never a downloaded browser) against `veille serve` on the
// demo corpus, and saves a screenshot of each page it checks.
//
// scripts/browser-test.sh runs this with BASE_URL set (it ingests the corpus
// and starts the server). Without BASE_URL, the test starts
// `$VEILLE serve --db $VEILLE_DB` itself. Other environment: CHROMIUM
// (default /usr/bin/chromium), SCREENSHOTS (default ./screenshots), UI_QUERY
// (a query with hits in the archive, default "inondations"), VEILLE_TOKEN (an
// API token of the archive: the tests then log in first through the login
// page, and call the API with it).
import {test, before, after, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, mkdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const QUERY = process.env.UI_QUERY || 'inondations';
const SHOTS = process.env.SCREENSHOTS || path.join(here, 'screenshots');
const TOKEN = process.env.VEILLE_TOKEN || '';
const STEP_MS = 10000;  // any single wait; a test is bounded by TEST_MS
const TEST_MS = 60000;

let server, base = process.env.BASE_URL, context, page, profile;
const pageErrors = [];

function startServer() {
  const VEILLE = process.env.VEILLE || path.join(root, 'build/veille');
  const DB = process.env.VEILLE_DB || path.join(root, 'demo.db');
  return new Promise((resolve, reject) => {
    const p = spawn(VEILLE, ['serve', '--db', DB, '--port', '0', '--web', path.join(root, 'web')],
                    {stdio: ['ignore', 'ignore', 'pipe']});
    let err = '';
    const timer = setTimeout(() => reject(new Error('veille serve did not start: ' + err)), 15000);
    p.stderr.on('data', d => {
      err += d;
      const m = /serving .* on (http:\/\/[^ ]+\/)/.exec(err);
      if (m && !base) {
        clearTimeout(timer);
        base = m[1];
        resolve(p);
      }
    });
    p.on('exit', code => reject(new Error(`veille serve exited (${code}): ${err}`)));
  });
}

async function apiGet(p) {
  const headers = TOKEN ? {Authorization: 'Bearer ' + TOKEN} : {};
  const res = await fetch(new URL(p.replace(/^\//, ''), base),
                          {headers, signal: AbortSignal.timeout(STEP_MS)});
  return {status: res.status, body: await res.json()};
}

async function shot(name) {
  await page.screenshot({path: path.join(SHOTS, name + '.png'), fullPage: true});
}

// Navigates by hash and waits for the view to have rendered `selector`.
async function open(hash, selector) {
  await page.goto(new URL(hash, base).href);
  await page.waitForSelector(selector);
}

// Waits until location.hash satisfies `pred` (polled from here: the page's
// CSP forbids the eval that page.waitForFunction needs).
async function waitHash(pred) {
  const end = Date.now() + STEP_MS;
  let h = '';
  while (Date.now() < end) {
    h = await page.evaluate(() => location.hash);
    if (pred(h)) return h;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error('location.hash never matched; last: ' + h);
}

// Waits until the text of `selector` satisfies `pred`. A view re-renders
// after its fetch returns, so the previous view's element may still be there
// when the hash has already changed: wait for the content, not the element.
async function waitText(selector, pred) {
  const end = Date.now() + STEP_MS;
  let t = '';
  while (Date.now() < end) {
    const loc = page.locator(selector).first();
    t = (await loc.count()) ? await loc.innerText() : '';
    if (pred(t)) return t;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`${selector} never matched; last text: ${JSON.stringify(t)}`);
}

before(async () => {
  mkdirSync(SHOTS, {recursive: true});
  if (!base) server = await startServer();
  profile = mkdtempSync(path.join(tmpdir(), 'veille-chromium-'));
  // launchPersistentContext takes the fresh profile folder itself (Playwright
  // refuses --user-data-dir among the args).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: {width: 1366, height: 900},
  });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', e => pageErrors.push(e.message));
  // The Content-Security-Policy forbids inline script and style: a view that
  // uses either fails here rather than silently in a browser.
  page.on('console', m => {
    if (/Content Security Policy/i.test(m.text())) pageErrors.push('CSP: ' + m.text());
  });
  // The UI must work offline: any request off the server fails the test.
  await context.route(url => !url.href.startsWith(base), r => {
    pageErrors.push('request outside the server: ' + r.request().url());
    return r.abort();
  });
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
  if (profile) rmSync(profile, {recursive: true, force: true});
});

afterEach(() => {
  assert.deepEqual(pageErrors.splice(0), [], 'JavaScript errors in the page');
});

test('logging in: the API sends the reader to the login page, a token opens a session', {timeout: TEST_MS}, async () => {
  if (!TOKEN) {
    // An archive without accounts: no login, the home page opens directly.
    await open(base, 'h1');
    assert.equal(await page.locator('#account').innerText(), '');
    return;
  }
  await page.goto(new URL('#/entities', base).href);
  await page.waitForSelector('#login-form');
  await waitHash(h => h.startsWith('#/login') && decodeURIComponent(h).includes('next=#/entities'));
  await page.fill('#token', 'veille_0000000000000000_' + 'A'.repeat(43));
  await page.press('#token', 'Enter');
  await waitText('#login-error', t => /invalid token/.test(t));
  await shot('login');
  await page.fill('#token', TOKEN);
  await page.press('#token', 'Enter');
  // Back where the reader was going, logged in.
  await waitHash(h => h === '#/entities');
  await page.waitForSelector('table.list tbody tr');
  await waitText('#who', t => /\(reader\)/.test(t));
  // The session is in an HttpOnly cookie: scripts cannot read it.
  assert.equal(await page.evaluate(() => document.cookie), '');
  await open(base, 'h1');
});

test('search with the keyboard shows highlighted hits and facets', {timeout: TEST_MS}, async () => {
  await open(base, 'h1');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.keyboard.type(QUERY);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.hit');
  assert.ok(await page.locator('.hit').count() > 0, 'no hit for ' + QUERY);
  assert.ok(await page.locator('.hit mark').count() > 0, 'snippets are not highlighted');
  assert.equal(await page.locator('.facets h3', {hasText: 'Language'}).count(), 1);
  assert.equal(await page.locator('.facets h3', {hasText: 'Entities'}).count(), 1,
               'no entity facet');
  assert.ok(await page.locator('.facets .dot').count() > 0, 'entity facet without types');
  assert.match(await page.locator('#total').innerText(), /\d+ results? for/);
  await page.keyboard.press('j');
  assert.equal(await page.locator('.hit.selected').count(), 1);
  await shot('search');
});

test('Enter opens the selected article; removed boilerplate on demand', {timeout: TEST_MS}, async () => {
  const title = await page.locator('.hit.selected h2').innerText();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#article-text');
  assert.equal(await page.locator('article h1').innerText(), title);
  assert.ok((await page.locator('#article-text').innerText()).length > 50);
  const details = page.locator('details#removed');
  if (await details.count()) {
    assert.equal(await details.evaluate(d => d.open), false);
    await details.locator('summary').click();
    assert.equal(await details.evaluate(d => d.open), true);
  }
});

test('an article highlights its quotes with their speakers, and its entities', {timeout: TEST_MS}, async () => {
  // The article with the most attributed quotes among the first page.
  const q = await apiGet('/api/quotes?page_size=100');
  assert.equal(q.status, 200, JSON.stringify(q.body));
  const attributed = q.body.quotes.filter(x => x.speaker);
  assert.ok(attributed.length > 0, 'the demo archive has no attributed quote');
  const per = new Map();
  for (const x of attributed) per.set(x.article, (per.get(x.article) || 0) + 1);
  const id = [...per.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const article = (await apiGet('/api/articles/' + encodeURIComponent(id))).body;

  await open('#/article/' + encodeURIComponent(id), '#article-text');
  const quotes = page.locator('#article-text .quote');
  assert.ok(await quotes.count() > 0, 'no highlighted quote');
  // Every quote of the article is highlighted with exactly its words.
  // The previous test left another article on screen: wait for this one.
  const text = await waitText('#article-text', t => article.quotes.every(x => t.includes(x.text)));
  for (const x of article.quotes) assert.ok(text.includes(x.text), 'quote missing: ' + x.text);
  const speakers = await page.locator('#article-text .speaker').allInnerTexts();
  assert.equal(speakers.length, article.quotes.length);
  for (const x of article.quotes.filter(x => x.speaker))
    assert.ok(speakers.includes(x.speaker), `speaker ${x.speaker} not shown`);
  // The first quote's highlighted words are the quote's text.
  const first = article.quotes[0];
  const highlighted = await page.locator('#article-text .quote').evaluateAll(
      els => els.map(e => e.textContent).join(''));
  assert.ok(highlighted.includes(first.text.slice(0, 20)), 'highlight does not cover the quote');
  // Entities are highlighted by type and listed under the text.
  if (article.entities.length) {
    assert.ok(await page.locator('#article-text .ent').count() > 0, 'no highlighted entity');
    assert.ok(await page.locator('ul.named a.ent').count() > 0, 'no entity list');
  }
  assert.equal(await page.locator('#article-quotes li').count(), article.quotes.length);
  await page.locator('#article-text .quote').first().scrollIntoViewIfNeeded();
  await shot('article');
});

test('who said what: speakers, their quotes with dates and outlets, word filter', {timeout: TEST_MS}, async () => {
  await open('#/quotes', '#speakers li a');
  const top = (await apiGet('/api/speakers?top=1')).body.speakers[0];
  const first = page.locator('#speakers li a').first();
  assert.equal((await first.innerText()).trim(), top.speaker);
  // Keyboard: focus the speaker link and follow it.
  await first.focus();
  await page.keyboard.press('Enter');
  await waitHash(h => new URLSearchParams(h.split('?')[1] || '').get('speaker') === top.speaker);
  await page.waitForSelector('.quotes-list blockquote');
  await waitText('#quotes-total', t => new RegExp(`^${top.quotes} quotes?`).test(t));
  assert.equal(await page.locator('h3.speaker-head').first().locator('a').first().innerText(), top.speaker);
  const metas = await page.locator('.quotes-list .meta').allInnerTexts();
  assert.ok(metas.some(m => /\d{4}/.test(m)), 'no dates in the quote list');
  await shot('quotes');

  // Filter by a word taken from one of the quotes.
  const quote = (await apiGet('/api/quotes?page_size=1&speaker=' + encodeURIComponent(top.speaker))).body.quotes[0];
  const word = quote.text.split(/[^\p{L}]+/u).filter(w => w.length >= 6)[0];
  assert.ok(word, 'no long word in ' + quote.text);
  await page.fill('#quotes-form input[name=about]', word);
  await page.press('#quotes-form input[name=about]', 'Enter');
  await waitHash(h => h.includes('about='));
  const n = parseInt(await waitText('#quotes-total', t => t.includes(word)), 10);
  assert.ok(n >= 1 && n <= top.quotes, `filtered count ${n}`);
});

test('an entity page charts mentions over time, with aliases and co-occurring entities', {timeout: TEST_MS}, async () => {
  await open('#/entities', 'table.list tbody tr');
  const e = (await apiGet('/api/entities?top=1')).body.entities[0];
  // Keyboard: j selects the first row, Enter opens it.
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#entity-name');
  assert.match(await page.locator('#entity-name').innerText(), new RegExp(e.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const detail = (await apiGet('/api/entities/' + encodeURIComponent(e.name))).body;
  const bars = await page.locator('#timeline svg.chart rect.bar').count();
  assert.ok(bars >= detail.timeline.length && bars > 0, `timeline bars: ${bars}`);
  assert.equal(await page.locator('#aliases li').count(), Math.max(1, detail.aliases.length));
  if (detail.cooccurring.length)
    assert.equal(await page.locator('#cooccurring tbody tr').count(), detail.cooccurring.length);
  await shot('entity');
});

test('a story of three outlets: timeline and how each outlet tells it, side by side', {timeout: TEST_MS}, async () => {
  const list = (await apiGet('/api/stories?page_size=50')).body;
  const s = list.stories.find(x => x.outlets.length >= 3);
  assert.ok(s, 'the demo corpus has a story told by three outlets or more');
  await open('#/stories', 'ol.stories li.story-item');
  await page.click(`li.story-item[data-story="${s.id}"] a.title`);
  await page.waitForSelector('article.story .outlet-column');
  await waitHash(h => h === '#/story/' + s.id);
  const detail = (await apiGet('/api/stories/' + s.id)).body;
  assert.equal(await page.locator('.outlet-column').count(), detail.by_outlet.length);
  assert.ok(detail.by_outlet.length >= 3, `outlets: ${detail.by_outlet.length}`);
  // One dot per dated article on the timeline.
  const dated = detail.articles.filter(a => a.date).length;
  assert.equal(await page.locator('svg.timeline circle.dot').count(), dated);
  // Each column names its outlet and lists its own articles.
  for (const f of detail.by_outlet) {
    const col = page.locator(`.outlet-column[data-outlet="${f.outlet}"]`);
    assert.equal(await col.locator('h2').innerText(), f.outlet || '(unknown outlet)');
    assert.equal(await col.locator('.outlet-articles li').count(), f.articles);
  }
  const quoted = detail.by_outlet.filter(f => f.speakers.length);
  assert.ok(quoted.length >= 1, 'someone is quoted');
  await shot('story');
  // An article of the story links back to it.
  await page.click('.outlet-column .outlet-articles a');
  await page.waitForSelector('a.story-link');
  assert.equal(await page.locator('a.story-link').getAttribute('href'), '#/story/' + s.id);
});

test('a timeline for an entity: events on a time axis, each expandable to its reports; the article marks its events', {timeout: TEST_MS}, async () => {
  const who = 'Lucie Estève';
  const t = await apiGet('/api/timeline?entity=' + encodeURIComponent(who));
  assert.equal(t.status, 200, JSON.stringify(t.body));
  const events = t.body.events;
  const elected = events.find(e => e.action === 'elect' && e.target === who);
  assert.ok(elected, 'the demo corpus reports her election: ' + JSON.stringify(events.map(e => e.action)));
  assert.ok(elected.reports >= 2 && elected.outlets >= 2,
      `one election told by two outlets: ${elected.reports} reports, ${elected.outlets} outlets`);
  assert.equal(elected.sources.length, elected.reports);
  await open('#/timeline?entity=' + encodeURIComponent(who), 'ol.events li.event-item');
  await waitText('#timeline-total', s => s.startsWith(`${events.length} event`));
  assert.equal(await page.locator('ol.events li.event-item').count(), events.length);
  // One dot per dated event on the axis.
  assert.equal(await page.locator('svg.events-axis circle.event-dot').count(),
      events.filter(e => e.date).length);
  // Events are in date order.
  const dates = (await page.locator('ol.events .event-date').allInnerTexts()).filter(d => d !== 'undated');
  assert.deepEqual(dates, [...dates].sort());
  // Expanding the election shows its reports, with the trigger words marked.
  const item = page.locator(`li.event-item[data-event="${elected.id}"]`);
  await item.locator('summary').click();
  await item.locator('ol.reports li.report').first().waitFor();
  assert.equal(await item.locator('ol.reports li.report').count(), elected.reports);
  assert.ok(await item.locator('mark.event').count() >= 1, 'no marked trigger');
  await shot('timeline');
  // A report opens its article, whose text marks the event and lists it.
  await item.locator('ol.reports li.report a').first().click();
  await page.waitForSelector('#article-events li');
  assert.ok(await page.locator('#article-text .event').count() >= 1, 'no event highlighted in the text');
  const listed = await page.locator('#article-events').innerText();
  assert.ok(/elect/.test(listed), listed);
});

test('unknown entities and bad parameters are explained, not broken', {timeout: TEST_MS}, async () => {
  await open('#/entity/' + encodeURIComponent('Nulle Part Ailleurs 123'), '.notice');
  assert.match(await page.locator('.notice').innerText(), /no entity named/);
  const r = await apiGet('/api/search?q=x&page_size=0');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.status, 400);
  assert.equal((await apiGet('/api/nope')).status, 404);
  assert.equal((await apiGet('/api/entities/Nulle%20Part')).status, 404);
});

test('a plain URL with a query opens the search', {timeout: TEST_MS}, async () => {
  await page.goto(new URL('/?q=' + encodeURIComponent(QUERY), base).href);
  await page.waitForSelector('.hit');
  assert.equal(await page.inputValue('#q'), QUERY);
  await waitHash(h => h.startsWith('#/search?q='));
  await page.goto(new URL('/search?q=' + encodeURIComponent(QUERY), base).href);
  await page.waitForSelector('.hit');
});

test('no inline script or event handler in any page', {timeout: TEST_MS}, async () => {
  for (const hash of ['#/', '#/search?q=' + encodeURIComponent(QUERY), '#/quotes', '#/entities', '#/reuse',
                    '#/stories', '#/sources']) {
    await page.goto(new URL(hash, base).href);
    await page.waitForSelector('main#view > *:not(p.muted)');
    const inline = await page.evaluate(() => {
      const found = [];
      for (const s of document.querySelectorAll('script')) if (!s.src) found.push('inline <script>');
      for (const el of document.querySelectorAll('*'))
        for (const a of el.attributes)
          if (/^on/i.test(a.name)) found.push(`${el.tagName} ${a.name}`);
          else if (a.name === 'style') found.push(`${el.tagName} style=`);
          else if (/^\s*javascript:/i.test(a.value)) found.push(`${el.tagName} ${a.name}=javascript:`);
      return found;
    });
    assert.deepEqual(inline, [], hash);
  }
});

test('the Sources page shows each source and its health; a reader may not add one', {timeout: TEST_MS}, async () => {
  await open('#/sources', '#sources-table');
  const row = await page.textContent('#sources-table tbody tr');
  assert.match(row, /Le Journal/);
  assert.match(row, /not fetched yet/);
  assert.match(await page.textContent('#sources-total'), /1 source followed/);
  await shot('sources');
  if (!TOKEN) return;
  await page.fill('#source-form input[name=url]', 'https://gazette.example/economie/');
  await page.click('#source-form button[type=submit]');
  await waitText('#source-error', t => /editor/.test(t));
});

test('logging out ends the session', {timeout: TEST_MS}, async () => {
  if (!TOKEN) return;
  await open(base, '#logout');
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  const r = await page.evaluate(async () => (await fetch('/api/stats')).status);
  assert.equal(r, 401);
});
