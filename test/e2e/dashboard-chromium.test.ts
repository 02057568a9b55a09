// The operator dashboard in a real browser: Debian Chromium (headless) opens /admin on a gateway started in-process
// with ADMIN_TOKEN and a memory store seeded with analysed conversations over several intents, channels and days.
// What an operator would notice is checked: the token is asked once, the by-intent table shows the seeded figures,
// the charts have one bar or point per day and figure, grouping, range and filters change what is shown, a
// conversation opens on its timeline and transcript, the live count is shown, and a wrong token is told so.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { ConversationRecords, type TranscriptEntry } from '../../src/conversation/records.ts';
import { AnalyticsStore } from '../../src/analytics/analytics-store.ts';
import type { ConversationAnalytics, Outcome } from '../../src/analytics/analytics-types.ts';
import type { Intent } from '../../src/agent/intents.ts';
import { decodePng, type Image } from '../png.ts';
import { pollFor } from '../wait.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-e2e-admin-token-0123456789';
const WAIT = { timeout: 8000 };
const DAY_MS = 86_400_000;
/** The series colours of dashboard.js. */
const COLOURS = {
  completed: [0x00, 0x72, 0xb2],
  escalated: [0xe6, 0x9f, 0x00],
  abandoned: [0x9a, 0xa1, 0xab],
  failed: [0xd5, 0x5e, 0x00],
  p50: [0x00, 0x72, 0xb2],
  p95: [0xd5, 0x5e, 0x00],
  cost: [0x0f, 0x76, 0x6e],
} as const;

const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

interface Seed {
  readonly id: string;
  readonly channel: 'twilio' | 'whatsapp' | 'web';
  readonly language: string;
  readonly daysAgo: number;
  readonly intent: Intent;
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly sentiment: number;
  readonly latencies: readonly number[];
  readonly costUsd: number;
}

// Six conversations in the last week (booking 3, status 2, faq 1) over three days, and one 20 days ago.
const SEEDS: readonly Seed[] = [
  { id: 'conv-b1', channel: 'web', language: 'en-IN', daysAgo: 0, intent: 'booking', outcome: 'completed', durationMs: 120_000, sentiment: 0.6, latencies: [400, 800], costUsd: 0.012 },
  { id: 'conv-b2', channel: 'twilio', language: 'hi', daysAgo: 1, intent: 'booking', outcome: 'completed', durationMs: 180_000, sentiment: 0.2, latencies: [600, 1000], costUsd: 0.018 },
  { id: 'conv-b3', channel: 'whatsapp', language: 'hi', daysAgo: 1, intent: 'booking', outcome: 'escalated', durationMs: 240_000, sentiment: -0.5, latencies: [1200, 2000], costUsd: 0.03 },
  { id: 'conv-s1', channel: 'whatsapp', language: 'ta', daysAgo: 0, intent: 'status', outcome: 'completed', durationMs: 60_000, sentiment: 0.4, latencies: [500], costUsd: 0.01 },
  { id: 'conv-s2', channel: 'web', language: 'en-IN', daysAgo: 3, intent: 'status', outcome: 'abandoned', durationMs: 30_000, sentiment: -0.2, latencies: [900], costUsd: 0.004 },
  { id: 'conv-f1', channel: 'twilio', language: 'pt-BR', daysAgo: 3, intent: 'faq', outcome: 'failed', durationMs: 20_000, sentiment: -0.8, latencies: [1500], costUsd: 0.002 },
  { id: 'conv-old', channel: 'web', language: 'en-IN', daysAgo: 20, intent: 'booking', outcome: 'completed', durationMs: 90_000, sentiment: 0.5, latencies: [700], costUsd: 0.01 },
];

/** The escalated booking call, as its transcript was stored (already redacted). */
const ESCALATED_TRANSCRIPT: ReadonlyArray<Omit<TranscriptEntry, 'at'> & { readonly afterMs: number }> = [
  { afterMs: 300, role: 'assistant', kind: 'disclosure', text: 'You are speaking with an AI assistant of Asha Clinic.' },
  { afterMs: 4_200, role: 'user', kind: 'speech', text: 'I want to move my appointment to Friday' },
  { afterMs: 5_000, role: 'system', kind: 'event', text: 'hand-off router -> booking: reschedule' },
  { afterMs: 7_500, role: 'tool', kind: 'tool_call', name: 'find_appointment', text: '{"day":"friday"}' },
  { afterMs: 8_100, role: 'tool', kind: 'tool_result', name: 'find_appointment', text: '{"ok":false}' },
  { afterMs: 9_000, role: 'assistant', kind: 'speech', text: 'Friday is full. Shall I connect you to the front desk?' },
  { afterMs: 10_840, role: 'system', kind: 'event', text: 'barge-in (speech) after 840 ms' },
  { afterMs: 11_000, role: 'user', kind: 'speech', text: 'Yes please, a person' },
  { afterMs: 12_500, role: 'system', kind: 'event', text: 'transferred: front desk' },
  { afterMs: 13_000, role: 'system', kind: 'event', text: 'ended: transferred' },
];

describe('the operator dashboard in Chromium', { skip }, () => {
  let gateway: Gateway;
  let browser: Browser;
  const now = Date.now();

  before(async () => {
    const store = new MemoryStore();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_TOKEN: TOKEN, ANALYTICS_WORKERS: '0' });
    gateway = await startGateway(config, { log: silentLogger, store, channels: [] });
    const records = new ConversationRecords(store);
    const analytics = new AnalyticsStore(store);
    for (const seed of SEEDS) {
      const startedAt = startOfDay(now, seed.daysAgo) + 9 * 3_600_000 + SEEDS.indexOf(seed) * 60_000;
      await records.create({
        id: seed.id, channel: seed.channel, locale: seed.language, status: 'ended', createdAt: startedAt - 500, startedAt,
        endedAt: startedAt + seed.durationMs, endReason: seed.outcome === 'escalated' ? 'transferred' : 'hangup', model: 'local', intent: seed.intent,
      });
      assert.equal(await analytics.save(analysed(seed, startedAt)), true);
      if (seed.id === 'conv-b3') {
        for (const { afterMs, ...entry } of ESCALATED_TRANSCRIPT) await records.appendTranscript(seed.id, { ...entry, at: startedAt + afterMs });
      }
    }
    // One web visitor is talking right now.
    await records.create({ id: 'conv-live', channel: 'web', locale: 'en-IN', status: 'live', createdAt: now - 2000, startedAt: now - 1000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  });

  after(async () => {
    await browser?.close();
    await gateway?.shutdown(1000);
  });

  test('asks for the token once, then shows the by-intent figures, the charts and the live count', async () => {
    const problems: string[] = [];
    const page = await signedIn(problems);

    // 1. The by-intent table: one row per intent, most conversations first, with the figures the seeds make.
    assert.deepEqual(await tableRows(page, '#groups tbody tr'), [
      ['booking', '3', '67%', '67%', '33%', '2.5 min', '+0.10', '800 ms', '2 sec', '$0.02'],
      ['status', '2', '50%', '100%', '0%', '1 min', '+0.10', '500 ms', '900 ms', '$0.007'],
      ['faq', '1', '0%', '100%', '0%', '—', '-0.80', '1.5 sec', '1.5 sec', '$0.002'],
    ]);
    assert.deepEqual((await tableRows(page, '#groups tfoot tr'))[0]!.slice(0, 2), ['All', '6']);
    // Each row's sparkline reads out its conversations per day, oldest first (the seeds are 3, 1 and 0 days ago).
    assert.equal(await page.locator('#groups tbody tr[data-key=booking] .sparkline').getAttribute('aria-label'), 'Conversations per day, booking: 0, 0, 0, 0, 0, 2, 1');

    // 2. Seven days on every chart: a bar per day with a segment per outcome present, a point per day with latency.
    assert.equal(await page.locator('[data-chart=conversations] .bar').count(), 7);
    assert.equal(await page.locator('[data-chart=conversations] .segment').count(), 5, 'today 1 outcome, yesterday 2, three days ago 2');
    assert.equal(await page.locator('[data-chart=latency] .point[data-series=p50]').count(), 3);
    assert.equal(await page.locator('[data-chart=latency] .point[data-series=p95]').count(), 3);
    assert.equal(await page.locator('[data-chart=cost] .segment').count(), 3);
    assert.equal(await page.locator('[data-chart] .legend li').count(), 4 + 2 + 1);
    // Each chart is one image to a screen reader, labelled with its figures, and has an axis with tick labels.
    const label = (await page.locator('[data-chart=conversations] svg[role=img]').getAttribute('aria-label')) ?? '';
    assert.match(label, new RegExp(`${dayLabel(now, 1)}: 2 \\(Completed 1, Escalated 1, Abandoned 0, Failed 0\\)`));
    assert.match((await page.locator('[data-chart=latency] svg[role=img]').getAttribute('aria-label')) ?? '', new RegExp(`${dayLabel(now, 3)}: p50 900 ms, p95 1.5 sec`));
    assert.ok((await page.locator('[data-chart=conversations] .tick').count()) >= 3 + 7, 'y ticks and a label per day');
    // The same figures as a table for whoever cannot see the charts.
    assert.deepEqual((await tableRows(page, `#days tbody tr[data-key="${isoDay(now, 3)}"]`))[0], [dayLabel(now, 3), '2', '0', '0', '1', '1', '900 ms', '1.5 sec', '$0.006']);

    // 3. The live count, polled: the one web visitor.
    await page.locator('#live [data-channel=web] dd').filter({ hasText: '1' }).waitFor(WAIT);
    assert.equal(await page.locator('#live [data-channel=web] dt').textContent(), 'Web');
    assert.equal(await page.locator('#live [data-channel=total] dd').textContent(), '1');

    // 4. A reload keeps the session's token: no second question.
    await page.reload();
    await page.locator('body[data-state=ready]').waitFor(WAIT);
    assert.equal(await page.locator('#login').isHidden(), true);
    assert.doesNotMatch(page.url(), /token/i, 'the token never goes into the URL');
    assert.deepEqual(problems, [], 'no script error and nothing refused by the Content-Security-Policy');
    await page.close();
  });

  test('the screenshot shows the charts in their series colours', async (context) => {
    const page = await signedIn();
    const shares: string[] = [];
    const charts: Array<[string, ReadonlyArray<keyof typeof COLOURS>]> = [
      ['conversations', ['completed', 'escalated', 'abandoned', 'failed']],
      ['latency', ['p50', 'p95']],
      ['cost', ['cost']],
    ];
    for (const [chart, series] of charts) {
      const image = decodePng(await page.locator(`[data-chart=${chart}] svg[role=img]`).screenshot());
      assert.ok(image.width > 300 && image.height > 100, `${chart} chart is ${image.width}x${image.height}`);
      const inked = share(image, (r, g, b) => r < 200 || g < 200 || b < 200);
      assert.ok(inked > 0.01, `${chart}: ${(inked * 100).toFixed(1)}% of the chart is drawn`);
      for (const name of series) {
        const pixels = share(image, near(COLOURS[name])) * image.width * image.height;
        assert.ok(pixels >= 20, `${chart}: ${pixels} pixels in the ${name} colour`);
        shares.push(`${name} ${Math.round(pixels)} px`);
      }
    }
    context.diagnostic(shares.join(', '));
    await page.close();
  });

  test('grouping, range and filters change the table and the charts', async () => {
    const page = await signedIn();

    await page.getByLabel('Group by', { exact: true }).selectOption('channel');
    await page.getByRole('heading', { name: 'By channel' }).waitFor(WAIT);
    await settles('rows by channel', () => page.locator('#groups tbody tr').count(), 3);
    assert.deepEqual((await tableRows(page, '#groups tbody tr')).map((row) => row.slice(0, 2)).sort(), [['Phone', '2'], ['Web', '2'], ['WhatsApp', '2']]);

    // Thirty days bring the older conversation in: 30 bars, one more segment.
    await page.getByLabel('Range', { exact: true }).selectOption('30');
    await settles('bars over 30 days', () => page.locator('[data-chart=conversations] .bar').count(), 30);
    assert.equal(await page.locator('[data-chart=conversations] .segment').count(), 6);
    assert.equal((await tableRows(page, '#groups tfoot tr'))[0]![1], '7');

    // A filter narrows everything to what matches it.
    await page.getByLabel('Intent', { exact: true }).selectOption('status');
    await settles('conversations about status', async () => (await tableRows(page, '#groups tfoot tr'))[0]?.[1], '2');
    assert.equal(await page.locator('[data-chart=conversations] .segment').count(), 2);
    assert.deepEqual((await tableRows(page, '#groups tbody tr')).map((row) => row[0]).sort(), ['Web', 'WhatsApp']);
    assert.deepEqual((await page.locator('#recent tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).sort(), ['conv-s1', 'conv-s2'], 'the recent list is filtered too');

    // A filter nothing matches says so in words.
    await page.getByLabel('Outcome', { exact: true }).selectOption('escalated');
    await page.locator('#groups .empty').filter({ hasText: 'No conversations in this range yet' }).waitFor(WAIT);
    await page.locator('#charts .empty').waitFor(WAIT);
    await page.close();
  });

  test('opening a conversation shows its analytics, its timeline from the start and its transcript', async () => {
    const page = await signedIn();
    await page.getByRole('button', { name: 'Open conversation conv-b3' }).click();
    const view = page.locator('#conversation');
    await view.getByRole('heading', { name: 'Conversation conv-b3' }).waitFor(WAIT);

    const card = await view.locator('.analytics dl div').evaluateAll((items) => items.map((item) => `${item.querySelector('dt')?.textContent}: ${item.querySelector('dd')?.textContent}`));
    assert.ok(card.includes('Intent: booking'), card.join(' | '));
    assert.ok(card.includes('Outcome: escalated'), card.join(' | '));
    assert.ok(card.includes('Duration: 4 min'), card.join(' | '));
    assert.ok(card.includes('Cost: $0.03'), card.join(' | '));
    assert.match((await view.locator('.summary').textContent()) ?? '', /conv-b3 summary/);

    const timeline = await view.locator('.timeline li').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-kind')} ${item.textContent}`));
    assert.deepEqual(timeline, [
      'start +0:00.0 Started WhatsApp, hi',
      'disclosure +0:00.3 Disclosure You are speaking with an AI assistant of Asha Clinic.',
      'hand_off +0:05.0 Hand-off router -> booking: reschedule',
      'tool_call +0:07.5 Tool call find_appointment {"day":"friday"}',
      'tool_result +0:08.1 Tool result find_appointment {"ok":false}',
      'barge_in +0:10.8 Barge-in (speech) after 840 ms',
      'transfer +0:12.5 Transfer front desk',
      'end +0:13.0 End transferred',
    ]);
    const transcript = await view.locator('.transcript li').evaluateAll((items) => items.map((item) => item.textContent));
    assert.deepEqual(transcript, [
      '+0:04.2 Customer I want to move my appointment to Friday',
      '+0:09.0 Assistant Friday is full. Shall I connect you to the front desk?',
      '+0:11.0 Customer Yes please, a person',
    ]);
    await page.close();
  });

  test('a wrong token is told so and asked again; nothing is shown with it', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${gateway.url}/admin`);
    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong admin token' }).waitFor(WAIT);
    assert.equal(await page.locator('#main').isHidden(), true);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');
    // The right one then opens the dashboard in the same tab.
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.locator('body[data-state=ready]').waitFor(WAIT);
    await page.close();
  });

  /** A new tab, the token entered once, and the first load finished; console errors go to `problems`. */
  async function signedIn(problems: string[] = []): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
    page.on('pageerror', (error) => void problems.push(error.message));
    await page.goto(`${gateway.url}/admin`);
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.locator('body[data-state=ready]').waitFor(WAIT);
    await page.locator('[data-chart=conversations]').waitFor(WAIT);
    return page;
  }
});

declare const sessionStorage: { readonly length: number };

function startOfDay(now: number, daysAgo: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - daysAgo * DAY_MS;
}

function isoDay(now: number, daysAgo: number): string {
  return new Date(startOfDay(now, daysAgo)).toISOString().slice(0, 10);
}

/** The day as the page writes it under an axis: "Nov 24". */
function dayLabel(now: number, daysAgo: number): string {
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(startOfDay(now, daysAgo));
}

function analysed(seed: Seed, startedAt: number): ConversationAnalytics {
  const sorted = [...seed.latencies].sort((a, b) => a - b);
  return {
    conversationId: seed.id, channel: seed.channel, language: seed.language, day: isoDay(startedAt, 0), startedAt,
    endedAt: startedAt + seed.durationMs, durationMs: seed.durationMs, endReason: 'hangup', intent: seed.intent, intentSource: 'router',
    outcome: seed.outcome, summary: `${seed.id} summary: the customer asked about ${seed.intent}.`, sentiment: seed.sentiment,
    sentimentLabel: seed.sentiment > 0.2 ? 'positive' : seed.sentiment < -0.2 ? 'negative' : 'neutral', analyzedBy: 'lexicon',
    turns: seed.latencies.length, timeToFirstAudioMs: 900, turnLatencyP50Ms: sorted[Math.ceil(sorted.length / 2) - 1]!,
    turnLatencyP95Ms: sorted[sorted.length - 1]!, turnLatenciesMs: seed.latencies, bargeIns: 0, toolCalls: 0, toolErrors: 0, handOffs: 0,
    modelAudioSeconds: seed.durationMs / 1000, tokens: 0, costUsd: seed.costUsd, models: ['local'], analyzedAt: startedAt + seed.durationMs + 1000,
  };
}

/** The text of each cell (header cell first) of the rows `selector` finds. */
function tableRows(page: Page, selector: string): Promise<string[][]> {
  return page.locator(selector).evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].filter((cell) => !cell.classList.contains('trend')).map((cell) => (cell.textContent ?? '').trim())));
}

/** Waits for what the page shows to settle on `expected` (each reload of the figures is asynchronous). */
async function settles<T>(what: string, read: () => Promise<T>, expected: T): Promise<void> {
  let last: T | undefined;
  await pollFor(() => `${what} to be ${String(expected)} (last seen ${String(last)})`, async () => ((last = await read()) === expected ? true : undefined), { timeoutMs: 8000, intervalMs: 50 });
}

function near(colour: readonly number[]): (r: number, g: number, b: number) => boolean {
  return (r, g, b) => Math.abs(r - colour[0]!) <= 6 && Math.abs(g - colour[1]!) <= 6 && Math.abs(b - colour[2]!) <= 6;
}

/** The share of the image's pixels that `test` accepts. */
function share(image: Image, test: (r: number, g: number, b: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < image.width * image.height; i++) if (test(image.pixels[i * 4]!, image.pixels[i * 4 + 1]!, image.pixels[i * 4 + 2]!)) hits++;
  return hits / (image.width * image.height);
}
