/**
 * `npm run bench:dashboard`: the operator dashboard in Debian's Chromium against a node (the
 * built command line) holding 1 000 active events. Prints, as medians of 3 loads: navigation
 * to the first screen of rows, the list's arrival to its first render, and to all 1 000 rows
 * in the page; then, with 50 CDMs a second arriving for 10 s (100 changes a second on the
 * stream: a `cdm` and an `event` change each), the longest gap between animation frames.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { request } from './lib/http.js';
import { ADMIN_TOKEN, startNode } from './lib/node.js';
import { ROOT, cleanUp, installExitGuards } from './lib/processes.js';

const EVENTS = 1000;
const RATE = 50;
const SECONDS = 10;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Json = Record<string, unknown>;
const fixture = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/json/cdm-announce.json'), 'utf8')) as { payload: { cdm: Json } }).payload.cdm;

/** A CDM of its own object pair (so its own event), TCA in 1 to 3 days, Pc from 1e-3 to 1e-8. */
function cdm(id: string, n: number): Json {
  const now = Date.now();
  const o1 = fixture.object1 as Json;
  const o2 = fixture.object2 as Json;
  return {
    ...fixture,
    cdm_id: id,
    creation_date: new Date(now - 3_600_000).toISOString(),
    tca: new Date(now + 86_400_000 * (1 + (n % 3)) + n * 60_000).toISOString(),
    collision_probability: 10 ** -(3 + (n % 6)),
    object1: { ...o1, object_id: `${id}-P`, object_name: `SAT ${n}` },
    object2: { ...o2, object_id: `${id}-S`, object_name: `DEB ${n}` },
  };
}

async function post(url: string, id: string, n: number): Promise<void> {
  const res = await request(url, 'POST', '/cdm', { token: ADMIN_TOKEN, body: cdm(id, n) });
  if (res.status !== 201) throw new Error(`POST /cdm ${id}: ${res.status} ${res.text}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function firstRender(page: Page, url: string): Promise<{ firstScreen: number; listToFirst: number; listToAll: number }> {
  await page.goto(`${url}/ui/`);
  await page.locator(`table.events[data-rendered="${EVENTS}"]`).waitFor({ timeout: 60_000 });
  return page.evaluate(() => {
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const fetched = at('spacecomms-events-fetched');
    return { firstScreen: at('spacecomms-events-rendered'), listToFirst: at('spacecomms-events-rendered') - fetched, listToAll: at('spacecomms-events-complete') - fetched };
  });
}

async function main(): Promise<void> {
  installExitGuards();
  const node = await startNode({ id: 'bench-ui', storage: 'memory' });
  for (let i = 0; i < EVENTS; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => post(node.url, `UI-${i + k}`, i + k)));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The page's code is not typed with the DOM here: browser-side snippets are given as text.
    await context.addInitScript({ content: `sessionStorage.setItem('spacecomms.token', ${JSON.stringify(ADMIN_TOKEN)});` });
    const loads = [];
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      loads.push(await firstRender(page, node.url));
      await page.close();
    }
    const page = await context.newPage();
    await firstRender(page, node.url);
    await page.evaluate(`(() => {
      const gaps = [];
      let last = performance.now();
      const frame = (t) => { gaps.push(t - last); last = t; requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
      globalThis.frameGaps = gaps;
    })()`);
    const started = performance.now();
    const sent: Promise<void>[] = [];
    for (let n = 0; n < RATE * SECONDS; n++) {
      const due = started + (n * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      sent.push(post(node.url, `LIVE-${n}`, EVENTS + n));
    }
    await Promise.all(sent);
    await page.locator(`table.events[data-rendered="${EVENTS + RATE * SECONDS}"]`).waitFor({ timeout: 60_000 });
    const gaps = (await page.evaluate('globalThis.frameGaps')) as number[];
    const sorted = [...gaps].sort((a, b) => a - b);
    const round = (v: number) => Math.round(v);
    console.log(`dashboard, ${EVENTS} active events (medians of ${loads.length} loads):`);
    console.log(`  navigation to first screen of rows: ${round(median(loads.map((l) => l.firstScreen)))} ms`);
    console.log(`  list received to first render:      ${round(median(loads.map((l) => l.listToFirst)))} ms`);
    console.log(`  list received to all ${EVENTS} rows:     ${round(median(loads.map((l) => l.listToAll)))} ms`);
    console.log(`live: ${RATE} CDMs/s for ${SECONDS} s (${RATE * 2} stream changes/s), all ${RATE * SECONDS} new events shown`);
    console.log(`  frame gap p50 ${round(median(sorted))} ms, p95 ${round(sorted[Math.floor(sorted.length * 0.95)] ?? NaN)} ms, max ${round(sorted.at(-1) ?? NaN)} ms`);
  } finally {
    await browser.close();
    await cleanUp();
  }
}

main().catch(async (err: unknown) => {
  console.error(err);
  await cleanUp();
  process.exit(1);
});
