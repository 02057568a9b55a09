/*
 * The voice widget: one script tag puts a talk button on any page.
 *
 *   <script src="https://GATEWAY/widget.js" data-locale="hi" async></script>
 *
 * Attributes of the script tag (all optional):
 *   data-locale    first language of the picker: hi, ta, te, bn, mr, kn, en-IN, pt-BR, es-419
 *   data-position  bottom-right (default), bottom-left, top-right or top-left
 *   data-title     the panel's heading
 *   data-raw-audio ask the microphone without echo cancellation, gain control and noise suppression
 *   data-debug     expose window.voiceWidgetDebug = { peer, channel, state, conversationId, lastError } for tests
 * The page URL's query can also carry voice-widget-raw-audio and voice-widget-debug (flags).
 *
 * The gateway is wherever this script came from. Plain ES2020, no framework, no build step; everything lives in a
 * Shadow DOM so the page's CSS cannot reach it, and nothing the server sends is ever parsed as HTML.
 */
(() => {
  'use strict';
  // Only true during the script's first run, async or not: read it before anything awaits.
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || !script.src || window.voiceWidgetLoaded) return;
  window.voiceWidgetLoaded = true;

  const base = new URL('.', script.src);
  const query = new URLSearchParams(location.search);
  const flag = (name) => script.hasAttribute('data-' + name) || query.has('voice-widget-' + name);
  const MAX_TEXT = 1000;
  const MAX_LOG = 200;
  const LOCALES = [
    ['hi', 'हिन्दी'], ['ta', 'தமிழ்'], ['te', 'తెలుగు'], ['bn', 'বাংলা'], ['mr', 'मराठी'], ['kn', 'ಕನ್ನಡ'],
    ['en-IN', 'English (India)'], ['pt-BR', 'Português (Brasil)'], ['es-419', 'Español (Latinoamérica)'],
  ];
  const STATES = {
    idle: 'Ready', connecting: 'Connecting…', listening: 'Listening', thinking: 'Thinking…', speaking: 'Speaking',
    ended: 'Call ended', error: 'Not connected',
  };
  const MESSAGES = {
    network: 'Cannot reach the assistant. Check your connection and try again.',
    refused: 'The assistant refused this session. Reload the page and try again.',
    origin: 'This website is not allowed to use the assistant.',
    busy: 'Too many calls from here just now. Please wait a minute and try again.',
    down: 'The assistant is not available right now. Please try again later.',
    lost: 'The connection was lost.',
    browser: 'This browser cannot make voice calls.',
    mic: 'The microphone is off or not allowed: you can type your messages below.',
  };

  /** Picks one of our locales for a tag such as hi-IN, pt or es-MX; undefined when none fits. */
  const matchLocale = (tag) => {
    if (!tag) return undefined;
    const lower = tag.toLowerCase();
    const exact = LOCALES.find(([code]) => code.toLowerCase() === lower);
    return exact ? exact[0] : (LOCALES.find(([code]) => code.split('-')[0] === lower.split('-')[0]) || [])[0];
  };
  let locale = matchLocale(script.dataset.locale) || (navigator.languages || []).map(matchLocale).find(Boolean) || 'en-IN';

  const host = document.createElement('voice-widget');
  host.style.cssText = 'all:initial!important';
  const root = host.attachShadow({ mode: 'open' });
  const position = /^(top|bottom)-(left|right)$/.test(script.dataset.position || '') ? script.dataset.position : 'bottom-right';
  const css = `
:host{all:initial}
.w{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans",sans-serif;color:#1f2933}
.launch,.panel{position:fixed;z-index:2147483000}
.bottom-right>*{right:20px}.bottom-left>*{left:20px}
.bottom-right .launch,.bottom-left .launch{bottom:20px}.bottom-right .panel,.bottom-left .panel{bottom:92px}
.top-right .launch,.top-left .launch{top:20px}.top-right .panel,.top-left .panel{top:92px}
button,select,input{font:inherit;color:inherit}
button{cursor:pointer}
button:disabled{cursor:default;opacity:.5}
:focus-visible{outline:3px solid #1e3a8a;outline-offset:2px;box-shadow:0 0 0 5px #fff}
.launch{width:60px;height:60px;border:0;border-radius:50%;background:#0f766e;color:#fff;display:grid;place-items:center;box-shadow:0 6px 20px #0004}
.launch.live{background:#b42318}
.launch svg{width:28px;height:28px}
.panel{width:min(360px,calc(100vw - 40px));max-height:min(560px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 12px 40px #0005;overflow:hidden}
.panel[hidden]{display:none}
header{display:flex;align-items:start;gap:8px;padding:14px 16px;background:#0f766e;color:#fff}
h2{margin:0;font-size:16px;flex:1}
.st{margin:2px 0 0;font-size:13px;display:flex;align-items:center;gap:6px}
.dot{width:8px;height:8px;border-radius:50%;background:#9ca3af}
[data-state=listening] .dot{background:#4ade80}[data-state=thinking] .dot{background:#facc15}
[data-state=speaking] .dot{background:#60a5fa;animation:p 1s infinite alternate}
@keyframes p{to{opacity:.3}}
@media (prefers-reduced-motion:reduce){.dot{animation:none!important}}
.x{border:0;background:none;color:#fff;font-size:22px;line-height:1;padding:2px 6px;border-radius:6px}
.bar{display:flex;align-items:center;gap:8px;padding:8px 16px;border-bottom:1px solid #e5e7eb;font-size:13px}
select{flex:1;padding:4px;border:1px solid #cbd2d9;border-radius:6px;background:#fff}
.log{list-style:none;margin:0;padding:12px 16px;overflow-y:auto;flex:1;min-height:120px;display:flex;flex-direction:column;gap:8px}
.log li{max-width:85%;padding:7px 11px;border-radius:12px;background:#f0f4f8;white-space:pre-wrap;overflow-wrap:anywhere}
.log li.user{align-self:end;background:#ccebe7}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.note{margin:0 16px 8px;padding:8px 10px;border-radius:8px;background:#fff4e5;color:#7a3e00;font-size:13px}
.note[hidden]{display:none}
form{display:flex;gap:8px;padding:8px 16px}
input{flex:1;min-width:0;padding:8px 10px;border:1px solid #cbd2d9;border-radius:8px}
form button,.ctl button{padding:8px 12px;border-radius:8px;border:1px solid #0f766e;background:#fff;color:#0f766e}
.ctl{display:flex;gap:8px;padding:0 16px 14px}
.ctl button{flex:1}
.ctl .call{background:#0f766e;color:#fff}
.ctl .call.live{background:#b42318;border-color:#b42318}
.mute[aria-pressed=true]{background:#fde8e8;border-color:#b42318;color:#b42318}
`;
  const MIC = '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z"/></svg>';
  root.innerHTML = `<div class="w ${position}" data-state="idle">
<section class="panel" id="panel" role="dialog" aria-labelledby="title" hidden>
<header><div style="flex:1"><h2 id="title"></h2><p class="st"><span class="dot"></span><span role="status" class="state">${STATES.idle}</span></p></div>
<button class="x" type="button" aria-label="Close the panel (the call goes on)">×</button></header>
<div class="bar"><label for="lang">Language</label><select id="lang">${LOCALES.map(([code, label]) => `<option value="${code}" lang="${code}">${label}</option>`).join('')}</select></div>
<ol class="log" role="log" aria-live="polite" aria-label="Conversation" tabindex="0"></ol>
<p class="note" role="alert" hidden></p>
<form><input type="text" maxlength="${MAX_TEXT}" autocomplete="off" enterkeyhint="send" aria-label="Type a message" placeholder="Type a message…"><button type="submit">Send</button></form>
<div class="ctl"><button class="mute" type="button" aria-pressed="false" disabled>Mute</button><button class="call" type="button">Start call</button></div>
</section>
<button class="launch" type="button" aria-controls="panel" aria-expanded="false" aria-label="Talk to the assistant">${MIC}</button>
<audio autoplay></audio></div>`;
  if (root.adoptedStyleSheets && window.CSSStyleSheet && 'replaceSync' in CSSStyleSheet.prototype) {
    // A constructed sheet is not an inline style: it works under a strict Content-Security-Policy.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    root.prepend(style);
  }
  const $ = (selector) => root.querySelector(selector);
  const wrap = $('.w'), panel = $('.panel'), launch = $('.launch'), stateText = $('.state'), log = $('.log');
  const note = $('.note'), form = $('form'), input = $('input'), select = $('select'), muteButton = $('.mute');
  const callButton = $('.call'), audio = $('audio');
  $('h2').textContent = script.dataset.title || 'Talk to our assistant';
  select.value = locale;

  /** The call in progress, or null. A newer call replaces it, and late async steps of the old one see that. */
  let call = null;
  const debug = flag('debug') ? (window.voiceWidgetDebug = {}) : null;

  function show(state) {
    wrap.dataset.state = state;
    stateText.textContent = STATES[state] || state;
    const live = call !== null;
    launch.classList.toggle('live', live);
    callButton.classList.toggle('live', live);
    callButton.textContent = live ? 'Hang up' : 'Start call';
    launch.setAttribute('aria-label', live ? 'Show the call in progress' : 'Talk to the assistant');
    muteButton.disabled = !(call && call.mic);
    if (debug) debug.state = state;
  }

  function notify(text) {
    note.textContent = text || '';
    note.hidden = !text;
  }

  function append(role, text) {
    const item = document.createElement('li');
    item.className = role;
    const who = document.createElement('span');
    who.className = 'sr';
    who.textContent = role === 'user' ? 'You: ' : 'Assistant: ';
    item.append(who, text);
    log.append(item);
    while (log.childElementCount > MAX_LOG) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
  }

  function open() {
    panel.hidden = false;
    launch.setAttribute('aria-expanded', 'true');
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launch.setAttribute('aria-expanded', 'false');
    launch.focus();
  }

  /** A failure with the visitor-facing message chosen from what went wrong. */
  const failure = (kind, detail) => Object.assign(new Error(detail || kind), { kind });

  async function post(path, body) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 15000);
    let response;
    try {
      // JSON sent as text/plain is a CORS "simple request": no preflight round trip before each call.
      response = await fetch(new URL(path, base), {
        method: 'POST', mode: 'cors', credentials: 'omit', signal: abort.signal,
        headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify(body),
      });
    } catch (error) {
      // A refused origin gets no CORS headers, which fetch reports like a network failure: the gateway answering
      // an opaque request tells the two apart.
      const reachable = await fetch(new URL('widget.js', base), { mode: 'no-cors', cache: 'no-store' }).then(() => true, () => false);
      throw failure(reachable && !abort.signal.aborted ? 'origin' : 'network', String(error));
    } finally {
      clearTimeout(timer);
    }
    const data = await response.json().catch(() => null);
    if (response.ok && data) return data;
    const status = response.status;
    throw failure(status === 401 ? 'refused' : status === 403 ? 'origin' : status === 429 ? 'busy' : 'down', `${path}: HTTP ${status}`);
  }

  /** The microphone, or null when it is refused, missing or the page is not secure: text chat still works. */
  async function microphone() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
    const raw = { echoCancellation: false, autoGainControl: false, noiseSuppression: false };
    return navigator.mediaDevices.getUserMedia({ audio: flag('raw-audio') ? raw : true }).catch(() => null);
  }

  /** Resolves when ICE gathering is complete (the offer then carries every candidate), or after `ms` regardless. */
  const gathered = (pc, ms) => new Promise((resolve) => {
    const check = () => pc.iceGatheringState === 'complete' && resolve();
    pc.addEventListener('icegatheringstatechange', check);
    setTimeout(resolve, ms);
    check();
  });

  async function start(firstText) {
    if (call) return;
    if (!window.RTCPeerConnection) return notify(MESSAGES.browser);
    const current = (call = { pc: null, channel: null, mic: null, outbox: firstText ? [firstText] : [] });
    // Asked for right away, still inside the click, while the session is fetched.
    const mic = microphone();
    current.micPromise = mic;
    notify('');
    show('connecting');
    try {
      const session = await post('widget/session', { locale });
      if (Array.isArray(session.locales) && session.locales.length > 0) {
        for (const option of select.options) option.hidden = !session.locales.includes(option.value);
        if (!session.locales.includes(locale)) select.value = locale = matchLocale(session.defaultLocale) || session.locales[0];
      }
      current.mic = await mic;
      if (call !== current) return;
      const pc = (current.pc = new RTCPeerConnection({ iceServers: session.iceServers || [] }));
      if (current.mic) {
        for (const track of current.mic.getAudioTracks()) pc.addTrack(track, current.mic);
      } else {
        // The gateway wants an audio m-line in every offer; receive only, so the assistant can still be heard.
        pc.addTransceiver('audio', { direction: 'recvonly' });
        notify(MESSAGES.mic);
      }
      const channel = (current.channel = pc.createDataChannel('chat', { ordered: true }));
      channel.onopen = () => {
        for (const text of current.outbox.splice(0)) sendText(current, text);
      };
      channel.onmessage = (event) => onMessage(current, event.data);
      channel.onclose = () => call === current && finish('lost');
      pc.ontrack = (event) => {
        audio.srcObject = event.streams[0] || new MediaStream([event.track]);
        audio.play().catch(() => undefined);
      };
      pc.onconnectionstatechange = () => pc.connectionState === 'failed' && call === current && finish('lost');
      if (debug) Object.assign(debug, { peer: pc, channel });
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc, 3000);
      if (call !== current) return;
      const answer = await post('widget/offer', { token: session.token, sdp: pc.localDescription.sdp, locale });
      if (call !== current) return;
      if (debug) debug.conversationId = answer.conversationId;
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    } catch (error) {
      if (call === current) finish(error.kind || 'lost', error);
    }
  }

  function onMessage(current, data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // a newer gateway may speak more; what we cannot read we skip
    }
    if (call !== current || !message) return;
    if (message.type === 'transcript' && typeof message.text === 'string') {
      // Typed text is shown when sent and never echoed back: every transcript line is shown.
      append(message.role === 'user' ? 'user' : 'assistant', message.text);
    } else if (message.type === 'state' && STATES[message.state]) {
      if (message.state === 'ended') finish('ended');
      else show(message.state);
    } else if (message.type === 'handoff') {
      notify('A member of staff will follow up with you.');
    } else if (message.type === 'ended') {
      finish('ended');
    } else if (message.type === 'error' && typeof message.message === 'string') {
      notify(message.message);
    }
  }

  function sendText(current, text) {
    current.channel.send(JSON.stringify({ type: 'text', text }));
    append('user', text);
  }

  /**
   * Ends the call: `reason` is undefined when the visitor hangs up (the gateway is told), 'ended' when the gateway
   * ended it, else a kind of failure from MESSAGES. Releases the peer, the microphone and the audio.
   */
  function finish(reason, error) {
    const problem = reason === 'ended' ? undefined : reason;
    const current = call;
    if (!current) return;
    call = null;
    const { pc, channel } = current;
    current.micPromise.then((stream) => stream && stream.getTracks().forEach((track) => track.stop()));
    audio.srcObject = null;
    if (channel && channel.readyState === 'open' && !reason) {
      channel.send(JSON.stringify({ type: 'hangup' }));
      // Give the hang-up a moment to leave before the transport goes; the gateway also notices the peer closing.
      const closeSoon = setTimeout(() => pc.close(), 1000);
      channel.onclose = () => (clearTimeout(closeSoon), pc.close());
    } else if (pc) {
      pc.close();
    }
    if (debug && error) debug.lastError = error.message;
    notify(problem ? MESSAGES[problem] || MESSAGES.lost : '');
    muteButton.setAttribute('aria-pressed', 'false');
    muteButton.textContent = 'Mute';
    show(problem ? 'error' : 'ended');
  }

  function toggleMute() {
    if (!call || !call.mic) return;
    const muted = muteButton.getAttribute('aria-pressed') !== 'true';
    for (const track of call.mic.getAudioTracks()) track.enabled = !muted;
    muteButton.setAttribute('aria-pressed', String(muted));
    muteButton.textContent = muted ? 'Unmute' : 'Mute';
  }

  launch.addEventListener('click', () => {
    if (!panel.hidden) return close();
    open();
    if (!call) start();
  });
  $('.x').addEventListener('click', close);
  callButton.addEventListener('click', () => (call ? finish() : start()));
  muteButton.addEventListener('click', toggleMute);
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden) {
      event.stopPropagation();
      close();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim().slice(0, MAX_TEXT);
    if (!text) return;
    input.value = '';
    if (!call) return start(text);
    if (call.channel && call.channel.readyState === 'open') sendText(call, text);
    else call.outbox.push(text);
  });
  // The gateway fixes a call's language when it starts: a new choice starts a new call in that language. Arrow keys
  // on a closed <select> fire 'change' at every step, so the call restarts only once the choice has settled.
  let relocate = 0;
  const applyLocale = () => {
    clearTimeout(relocate);
    if (select.value === locale) return;
    locale = select.value;
    if (call) {
      finish();
      start();
    }
  };
  select.addEventListener('change', () => {
    clearTimeout(relocate);
    relocate = setTimeout(applyLocale, 1200);
  });
  select.addEventListener('blur', applyLocale);
  select.addEventListener('keydown', (event) => event.key === 'Enter' && applyLocale());
  addEventListener('pagehide', () => finish());
  (document.body || document.documentElement).append(host);
})();
