// The voice widget in a real browser: Debian Chromium (headless, its fake microphone playing a WAV made here) loads
// the demo page, or a partner site embedding the one-line script tag, from a gateway started in-process with the web
// channel and the local engine. What a visitor would notice is checked: the button is there, the call connects, the
// greeting is heard and shown, a typed question is answered, hanging up ends the conversation on the server, a
// refused microphone still leaves the chat, and a site that is not allowed or a network failure gets a clear message.
//
// The widget's debug hook (data-debug or ?voice-widget-debug) exposes window.voiceWidgetDebug = { peer, channel,
// state, conversationId, lastError }: the audio checks read the browser's own RTCPeerConnection statistics.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { t } from '../../src/i18n/i18n.ts';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeFile } from '../../src/agent/tools/faq.ts';
import { createWebChannel } from '../../channels/web/index.ts';
import { pollFor } from '../wait.ts';
import { waitForRecord } from '../records-wait.ts';
import { decodePng, type Image } from '../png.ts';

const CHROMIUM = '/usr/bin/chromium';
const BUSINESS = 'Asha Clinic';
const LOCALES = ['hi', 'ta', 'te', 'bn', 'mr', 'kn', 'en-IN', 'pt-BR', 'es-419'];
/** The launcher's colour in widget.js (#0f766e). */
const BRAND = [0x0f, 0x76, 0x6e] as const;
const WAIT = { timeout: 8000 };
const BROWSER_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// The few browser shapes the page functions below touch: the project's TypeScript has no DOM library.
interface StatsEntry {
  readonly type: string;
  readonly kind?: string;
  readonly totalAudioEnergy?: number;
  readonly bytesSent?: number;
}
interface WidgetDebug {
  readonly peer?: { readonly connectionState: string; getStats(): Promise<{ forEach(each: (entry: StatsEntry) => void): void }> };
  readonly state?: string;
  readonly conversationId?: string;
  readonly lastError?: string;
}
declare const window: { readonly voiceWidgetDebug?: WidgetDebug };
declare const document: {
  querySelector(selector: string): { readonly shadowRoot: { readonly activeElement: { getAttribute(name: string): string | null } | null } | null } | null;
};

const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

describe('the voice widget in Chromium', { skip }, () => {
  let dir: string;
  let gateway: Gateway;
  let partner: Server;
  let partnerPort: number;
  let browser: Browser;
  /** Started by the test that needs it: a browser whose visitor refuses the microphone. */
  let refusingBrowser: Browser | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'widget-e2e-'));
    writeFileSync(join(dir, 'microphone.wav'), speechLikeWav(48_000, 3));
    // A partner site: one server, two origins. http://127.0.0.1:PORT is allowed to embed, http://localhost:PORT not.
    partner = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><title>Partner clinic</title><h1>Partner clinic</h1>` +
        `<script src="${gateway.url}/widget.js" data-locale="en-IN" data-position="bottom-left" data-debug async></script>`);
    });
    partnerPort = await new Promise<number>((resolve) => partner.listen(0, '127.0.0.1', () => resolve((partner.address() as { port: number }).port)));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BUSINESS_NAME: BUSINESS, DEFAULT_LOCALE: 'en-IN' });
    const web = createWebChannel({
      secret: 'widget-e2e-secret-0123456789abcdef0123',
      allowedOrigins: [`http://127.0.0.1:${partnerPort}`],
      iceServers: [],
      offersPerMinute: 100,
      defaultLocale: 'en-IN',
      locales: LOCALES,
    });
    gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore(), channels: [web] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...BROWSER_FLAGS, `--use-file-for-fake-audio-capture=${join(dir, 'microphone.wav')}`, '--use-fake-ui-for-media-stream'],
    });
  });

  after(async () => {
    await browser?.close();
    await refusingBrowser?.close();
    await gateway?.shutdown(1000);
    await new Promise((resolve) => partner?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('on the demo page a visitor sees the button, hears and reads the greeting, types, and hangs up', async (context) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${gateway.url}/?voice-widget-debug&voice-widget-raw-audio`);
    const launcher = page.getByRole('button', { name: 'Talk to the assistant' });
    await launcher.waitFor(WAIT);

    // 1. The screenshot shows the round button in the brand colour, at the bottom right, and no panel yet.
    const box = await launcher.boundingBox();
    assert.ok(box, 'the launcher has a box');
    assert.ok(box.x + box.width > 1280 - 60 && box.y + box.height > 720 - 60, `launcher at ${JSON.stringify(box)}`);
    const shot = decodePng(await page.screenshot());
    const share = colourShare(shot, box, BRAND);
    assert.ok(share > 0.5, `${(share * 100).toFixed(0)}% of the launcher's box is the brand colour`);
    assert.equal(await page.getByRole('dialog').count(), 0, 'the panel stays closed until asked');

    // 2. A click asks for the microphone and connects; the greeting is heard (energy in the received audio).
    const clicked = performance.now();
    await launcher.click();
    await page.waitForFunction(() => window.voiceWidgetDebug?.peer?.connectionState === 'connected', null, WAIT);
    const connectedMs = performance.now() - clicked;
    const heard = await pollFor('greeting audio with energy', async () => {
      const stats = await rtpStats(page);
      return stats.inboundEnergy > 0 && stats.outboundBytes > 0 ? stats : undefined;
    }, { timeoutMs: 8000, intervalMs: 100 });
    const heardMs = performance.now() - clicked;

    // 3. ... and shown, in the language the page asked for.
    const disclosure = [t('en-IN', 'common:disclosure', { business: BUSINESS }), t('en-IN', 'common:disclosure_text', { business: BUSINESS })];
    await pollFor('the greeting in the transcript', async () => ((await transcript(page)).some((line) => line.role === 'assistant' && disclosure.includes(line.text)) ? true : undefined), { timeoutMs: 8000 });
    assert.equal(await page.getByRole('log').getAttribute('aria-live'), 'polite');

    // 4. A typed question (Enter sends) gets its answer in the transcript: the business's own words, from the
    // router's knowledge texts.
    await page.getByLabel('Type a message').fill('opening hours');
    await page.keyboard.press('Enter');
    const hours = (await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, 'en-IN.json'))).find((entry) => entry.id === 'hours')!.answer;
    await pollFor('the answer to the typed question', async () => ((await transcript(page)).some((line) => line.role === 'assistant' && line.text.includes(hours)) ? true : undefined), { timeoutMs: 8000 });
    const lines = await transcript(page);
    assert.deepEqual(lines.filter((line) => line.role === 'user' && line.text === 'opening hours').length, 1, 'the typed question is shown once');

    // 5. Hanging up closes the peer and ends the conversation in the gateway's store.
    const conversationId = await page.evaluate(() => window.voiceWidgetDebug?.conversationId);
    assert.ok(conversationId, 'the offer answer named the conversation');
    await page.getByRole('button', { name: 'Hang up' }).click();
    const record = await waitForRecord(gateway, conversationId, (r) => r?.status === 'ended');
    assert.equal(record.channel, 'web');
    assert.equal(record.endReason, 'hangup');
    await page.waitForFunction(() => window.voiceWidgetDebug?.peer?.connectionState === 'closed', null, WAIT);
    assert.equal(await page.evaluate(() => window.voiceWidgetDebug?.state), 'ended');
    await page.getByRole('button', { name: 'Start call' }).waitFor(WAIT);
    await pollFor('no live conversation left', () => (gateway.conversations.liveCount() === 0 ? true : undefined), { timeoutMs: 3000 });

    context.diagnostic(`connected ${connectedMs.toFixed(0)} ms after the click; greeting audio measured at ${heardMs.toFixed(0)} ms (energy ${heard.inboundEnergy.toFixed(4)})`);
    await page.close();
  });

  test('with the microphone refused, a keyboard-only visitor still hears the assistant and chats by text', async () => {
    refusingBrowser = await chromium.launch({ executablePath: CHROMIUM, args: [...BROWSER_FLAGS, '--deny-permission-prompts'] });
    const page = await refusingBrowser.newPage();
    await page.goto(`${gateway.url}/?voice-widget-debug`);
    await page.getByRole('button', { name: 'Talk to the assistant' }).waitFor(WAIT);

    // Tab reaches the launcher, Enter opens the panel with the focus in the text box.
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), 'Talk to the assistant');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'microphone is off' }).waitFor(WAIT);
    assert.equal(await focusedLabel(page), 'Type a message');
    await page.waitForFunction(() => window.voiceWidgetDebug?.peer?.connectionState === 'connected', null, WAIT);
    assert.equal(await page.getByRole('button', { name: 'Mute' }).isDisabled(), true, 'nothing to mute without a microphone');
    await pollFor('greeting audio on a receive-only call', async () => ((await rtpStats(page)).inboundEnergy > 0 ? true : undefined), { timeoutMs: 8000, intervalMs: 100 });

    await page.keyboard.type('book an appointment');
    await page.keyboard.press('Enter');
    await pollFor('an answer to typed text', async () => ((await transcript(page)).filter((line) => line.role === 'assistant').length >= 2 ? true : undefined), { timeoutMs: 8000 });

    // Escape closes the panel (the call goes on) and gives the focus back to the launcher.
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal(await focusedLabel(page), 'Show the call in progress');
    const conversationId = await page.evaluate(() => window.voiceWidgetDebug?.conversationId);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Hang up' }).click();
    await waitForRecord(gateway, conversationId!, (r) => r?.status === 'ended');
    await page.close();
  });

  test('a partner site embeds the widget; a site that is not allowed is told so, and the partner call goes on', async () => {
    const partnerPage = await browser.newPage();
    await partnerPage.goto(`http://127.0.0.1:${partnerPort}/`);
    await partnerPage.getByRole('button', { name: 'Talk to the assistant' }).click();
    await partnerPage.waitForFunction(() => window.voiceWidgetDebug?.peer?.connectionState === 'connected', null, WAIT);
    const box = (await partnerPage.locator('.launch').boundingBox())!;
    assert.ok(box.x < 100, 'data-position="bottom-left" moves the button left');

    // The same page from an origin the gateway does not know: refused with a clear message, no peer made.
    const stranger = await browser.newPage();
    await stranger.goto(`http://localhost:${partnerPort}/`);
    await stranger.getByRole('button', { name: 'Talk to the assistant' }).click();
    await stranger.getByRole('alert').filter({ hasText: 'not allowed to use the assistant' }).waitFor(WAIT);
    assert.equal(await stranger.evaluate(() => window.voiceWidgetDebug?.peer), undefined);
    assert.equal(await stranger.evaluate(() => window.voiceWidgetDebug?.state), 'error');

    // The partner's visitor is unaffected, and switching the language starts the call again in that language.
    await partnerPage.getByLabel('Language').selectOption('hi');
    await pollFor('a Hindi greeting', async () => ((await transcript(partnerPage)).some((line) => line.role === 'assistant' && /\p{Script=Devanagari}/u.test(line.text)) ? true : undefined), { timeoutMs: 8000 });
    await partnerPage.getByRole('button', { name: 'Hang up' }).click();
    await stranger.close();
    await partnerPage.close();
  });

  test('a network failure is told to the visitor in plain words', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/?voice-widget-debug`);
    // The page is loaded, then the gateway becomes unreachable.
    await page.route(`${gateway.url}/**`, (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: 'Talk to the assistant' }).click();
    await page.getByRole('alert').filter({ hasText: 'Cannot reach the assistant' }).waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: 'Start call' }).isEnabled(), true, 'the visitor can try again');
    await page.close();
  });
});

interface RtpStats {
  readonly inboundEnergy: number;
  readonly outboundBytes: number;
}

/** The browser's own view of the call: energy of the audio it played out, bytes of microphone audio it sent. */
function rtpStats(page: Page): Promise<RtpStats> {
  return page.evaluate(async () => {
    const report = await window.voiceWidgetDebug!.peer!.getStats();
    let inboundEnergy = 0;
    let outboundBytes = 0;
    report.forEach((entry) => {
      if (entry.type === 'inbound-rtp' && entry.kind === 'audio') inboundEnergy += entry.totalAudioEnergy ?? 0;
      if (entry.type === 'outbound-rtp' && entry.kind === 'audio') outboundBytes += entry.bytesSent ?? 0;
    });
    return { inboundEnergy, outboundBytes };
  });
}

async function transcript(page: Page): Promise<Array<{ role: string; text: string }>> {
  return page.locator('.log li').evaluateAll((items) =>
    items.map((item) => ({ role: item.className, text: (item.lastChild?.textContent ?? '').trim() })),
  );
}

/** The accessible label of the focused element inside the widget's shadow root. */
function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('voice-widget')?.shadowRoot?.activeElement?.getAttribute('aria-label') ?? null);
}

/**
 * A microphone's worth of sound for the fake capture device: 48 kHz mono PCM16, syllable-like bursts of a voiced
 * tone with harmonics, quiet enough not to be taken for a caller talking over the greeting.
 */
function speechLikeWav(rate: number, seconds: number): Buffer {
  const samples = rate * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const time = i / rate;
    const envelope = Math.max(0, Math.sin(2 * Math.PI * 2.5 * time)); // ~5 syllables a second
    const voiced = Math.sin(2 * Math.PI * 140 * time) + 0.5 * Math.sin(2 * Math.PI * 280 * time) + 0.25 * Math.sin(2 * Math.PI * 420 * time);
    wav.writeInt16LE(Math.round(300 * envelope * voiced), 44 + i * 2);
  }
  return wav;
}

/** The share of pixels in `box` within a few levels of `colour`. */
function colourShare(image: Image, box: { x: number; y: number; width: number; height: number }, colour: readonly number[]): number {
  let near = 0;
  let total = 0;
  for (let y = Math.round(box.y); y < Math.round(box.y + box.height); y++) {
    for (let x = Math.round(box.x); x < Math.round(box.x + box.width); x++) {
      const at = (y * image.width + x) * 4;
      total++;
      if (colour.every((value, i) => Math.abs(image.pixels[at + i]! - value) <= 6)) near++;
    }
  }
  return total === 0 ? 0 : near / total;
}
