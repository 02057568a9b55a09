// A fake OpenAI Realtime server that behaves like the real one on the wire (GA protocol): a real WebSocket server
// on 127.0.0.1 that checks the key at the upgrade, answers session.update, keeps the conversation items it is
// sent, streams answers as audible PCM with a transcript, calls a declared tool when the caller says its trigger
// word, detects loud input as speech (server VAD), and handles cancel and truncate with OpenAI's errors. Every
// client event is checked against strict GA schemas; anything off goes to `violations`, which tests assert empty.
// Fault controls drop sockets, expire sessions, refuse connections and stop answering pings.
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { rmsDbfs, sine } from '../../src/audio/pcm.ts';
import { pollFor } from '../wait.ts';
import { defaultSession, parseClientEvent } from './openai-realtime-server-wire.ts';
import type { ClientEvent } from './openai-realtime-server-wire.ts';

export interface ReplyContext {
  /** The response.create's own instructions (say()). */
  readonly instructions?: string;
  /** The session's instructions as its session.update events left them: whichever agent it serves now. */
  readonly sessionInstructions: string;
  readonly lastUserText?: string;
  readonly toolOutput?: string;
}

export interface FakeOpenAIRealtimeOptions {
  readonly apiKey?: string;
  /** Audio deltas per answer, each `chunkMs` long. */
  readonly chunks?: number;
  readonly chunkMs?: number;
  /** Pause between deltas, so a cancel can land mid-answer. */
  readonly chunkIntervalMs?: number;
  /** A user message containing `word` is answered with a call of tool `name` (when the session declares it). */
  readonly toolTrigger?: ToolTrigger;
  /** Several agents' tools: the first trigger whose word the message contains and whose tool is declared. Wins over `toolTrigger`. */
  readonly toolTriggers?: readonly ToolTrigger[];
  readonly reply?: (context: ReplyContext) => string;
  /** What the fake "hears" when its VAD detects speech. */
  readonly userTranscript?: string;
  /** Sends the response.done that carries a function call twice, as a flaky network or provider can. */
  readonly duplicateToolCallEvents?: boolean;
  readonly speechThresholdDbfs?: number;
  readonly silenceMs?: number;
}

export interface ToolTrigger {
  readonly word: string;
  readonly name: string;
  readonly arguments: string;
}

export interface FakeItem {
  readonly id: string;
  readonly type: 'message' | 'function_call' | 'function_call_output';
  readonly role?: 'user' | 'assistant' | 'system';
  text?: string;
  readonly callId?: string;
  readonly name?: string;
  readonly output?: string;
  /** Assistant audio the item holds, in ms (shrinks when truncated). */
  audioMs?: number;
}

export interface FakeResponse {
  readonly id: string;
  readonly kind: 'audio' | 'text' | 'function_call';
  readonly instructions?: string;
  readonly toolChoice?: unknown;
  status: 'in_progress' | 'completed' | 'cancelled';
  chunksSent: number;
}

export interface FakeSession {
  readonly id: string;
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly socket: WebSocket;
  /** The effective session: defaults with every session.update merged in. */
  config: Record<string, unknown>;
  /** Client events in order, except audio appends (counted in `appendedMs`). */
  readonly events: ClientEvent[];
  readonly items: FakeItem[];
  readonly responses: FakeResponse[];
  readonly truncations: { readonly itemId: string; readonly audioEndMs: number }[];
  appendedMs: number;
}

export interface FakeOpenAIRealtime {
  /** Base URL to give the model (it adds `?model=`). */
  readonly url: string;
  readonly apiKey: string;
  readonly violations: string[];
  readonly sessions: FakeSession[];
  /** Upgrade requests seen (refused ones too), sessions opened, and client events by type. */
  readonly counters: { connections: number; sessions: number; readonly events: Map<string, number> };
  lastSession(): FakeSession;
  /** The tool names the session declares now: those of its latest session.update that set `tools`. */
  declaredTools(session?: FakeSession): string[];
  /** The output the gateway sent for the latest call of tool `name` in a session (the last one by default). */
  toolOutput(name: string, session?: FakeSession): string | undefined;
  killNextResponseAfter(chunks: number): void;
  dropAll(): void;
  expireSession(session?: FakeSession): void;
  /** Answers new upgrades with this HTTP status; undefined accepts again. */
  refuse(status: number | undefined): void;
  /** Sends any server event (an error, an unknown type) to a session, the last one by default. */
  sendServerEvent(event: Record<string, unknown>, session?: FakeSession): void;
  /** Accepts sockets but never sends session.created. */
  stallHandshake(stall: boolean): void;
  delayPongs(ms: number): void;
  stopPonging(): void;
  close(): Promise<void>;
}

/** Resolves once `check` passes, polling every 5 ms; rejects after `timeoutMs` with `what`. */
export async function until(check: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  await pollFor(what, () => (check() ? true : undefined), { timeoutMs, intervalMs: 5 });
}

const RATE = 24_000;

export async function startFakeOpenAIRealtime(options: FakeOpenAIRealtimeOptions = {}): Promise<FakeOpenAIRealtime> {
  const apiKey = options.apiKey ?? `sk-fake-${randomBytes(8).toString('hex')}`;
  const chunks = options.chunks ?? 4;
  const chunkSamples = ((options.chunkMs ?? 100) * RATE) / 1000;
  const tone = sine(440, RATE, chunkSamples * chunks, -12);
  const triggers = options.toolTriggers ?? [options.toolTrigger ?? { word: 'book', name: 'book_appointment', arguments: '{"date":"tomorrow"}' }];
  const reply = options.reply ?? ((context: ReplyContext) => (context.toolOutput !== undefined ? `All done: ${context.toolOutput}` : 'Hello, this is the fake realtime model.'));
  const violations: string[] = [];
  const sessions: FakeSession[] = [];
  const counters = { connections: 0, sessions: 0, events: new Map<string, number>() };
  const timers = new Set<NodeJS.Timeout>();
  const state = { refuse: undefined as number | undefined, stall: false, pong: 0 as number | 'never', killAfter: undefined as number | undefined };
  const active = new Map<FakeSession, { response: FakeResponse; stop: (reason: string) => void }>();
  const vad = new Map<FakeSession, { speaking: boolean; itemId: string; silentMs: number; bufferedMs: number }>();
  let sequence = 0;
  const newId = (prefix: string): string => `${prefix}_${(++sequence).toString().padStart(6, '0')}`;

  const send = (session: FakeSession, event: Record<string, unknown>): void => {
    if (session.socket.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify({ event_id: newId('event'), ...event }));
  };
  const error = (session: FakeSession, code: string | null, message: string, eventId?: string): void =>
    send(session, { type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: eventId ?? null } });
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => (timers.delete(timer), run()), ms);
    timers.add(timer);
  };
  const turnDetection = (session: FakeSession): Record<string, unknown> | null =>
    ((session.config.audio as { input?: { turn_detection?: Record<string, unknown> | null } }).input?.turn_detection ?? null);

  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  http.on('upgrade', (request, socket, head) => {
    counters.connections++;
    const url = new URL(request.url ?? '/', 'ws://fake');
    const refuseWith = (status: number, code: string, message: string): void => {
      const body = JSON.stringify({ error: { message, type: 'invalid_request_error', code, param: null } });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (state.refuse !== undefined) return refuseWith(state.refuse, state.refuse === 429 ? 'rate_limit_exceeded' : 'refused', `refused by test (${state.refuse})`);
    const key = request.headers.authorization === `Bearer ${apiKey}` || request.headers['api-key'] === apiKey;
    if (!key) return refuseWith(401, 'invalid_api_key', 'Incorrect API key provided: sk-abc***xyz.');
    if (url.pathname !== '/v1/realtime') violations.push(`upgrade: path ${url.pathname}`);
    if (!url.searchParams.get('model')) violations.push('upgrade: no ?model=');
    if (request.headers['openai-beta'] !== undefined) violations.push('upgrade: OpenAI-Beta header sent to the GA API');
    wss.handleUpgrade(request, socket, head, (ws) => open(ws, request.headers, request.url ?? ''));
  });

  function open(socket: WebSocket, headers: IncomingHttpHeaders, url: string): void {
    counters.sessions++;
    const id = newId('sess');
    const session: FakeSession = { id, headers, url, socket, config: defaultSession(id, 'gpt-realtime'), events: [], items: [], responses: [], truncations: [], appendedMs: 0 };
    sessions.push(session);
    vad.set(session, { speaking: false, itemId: '', silentMs: 0, bufferedMs: 0 });
    socket.on('ping', (data) => {
      if (state.pong === 'never') return;
      if (state.pong === 0) socket.pong(data);
      else later(state.pong, () => socket.readyState === WebSocket.OPEN && socket.pong(data));
    });
    socket.on('message', (data: Buffer, binary) => (binary ? violations.push('binary frame') : onEvent(session, data.toString('utf8'))));
    socket.on('close', () => active.get(session)?.stop('socket closed'));
    if (!state.stall) send(session, { type: 'session.created', session: session.config });
  }

  function onEvent(session: FakeSession, text: string): void {
    const parsed = parseClientEvent(text);
    if ('problem' in parsed) {
      violations.push(parsed.problem);
      return error(session, 'invalid_value', parsed.problem);
    }
    const event = parsed.event;
    counters.events.set(event.type, (counters.events.get(event.type) ?? 0) + 1);
    if (event.type !== 'input_audio_buffer.append') session.events.push(event);
    switch (event.type) {
      case 'session.update':
        session.config = merge(session.config, event.session);
        return send(session, { type: 'session.updated', session: session.config });
      case 'input_audio_buffer.append':
        return onAudio(session, Buffer.from(event.audio, 'base64'));
      case 'input_audio_buffer.commit': {
        const ears = vad.get(session)!;
        if (ears.bufferedMs < 100) return error(session, 'input_audio_buffer_commit_empty', `buffer too small: ${ears.bufferedMs}ms`, event.event_id);
        return commitUser(session, newId('item'));
      }
      case 'input_audio_buffer.clear':
        vad.get(session)!.bufferedMs = 0;
        return send(session, { type: 'input_audio_buffer.cleared' });
      case 'conversation.item.create':
        return addItem(session, event.item);
      case 'conversation.item.truncate':
        return truncate(session, event.item_id, event.audio_end_ms, event.event_id);
      case 'response.create':
        if (active.has(session)) return error(session, 'conversation_already_has_active_response', `Conversation already has an active response in progress: ${active.get(session)!.response.id}.`, event.event_id);
        return respond(session, event.response?.instructions, event.response?.tool_choice, event.response?.output_modalities);
      case 'response.cancel':
        if (!active.has(session)) return error(session, 'response_cancel_not_active', 'Cancellation failed: no active response found', event.event_id);
        return active.get(session)!.stop('client_cancelled');
      default:
        return;
    }
  }

  function addItem(session: FakeSession, item: Extract<ClientEvent, { type: 'conversation.item.create' }>['item']): void {
    const id = item.id ?? newId('item');
    if (item.type === 'message') session.items.push({ id, type: 'message', role: item.role, text: item.content.map((part) => ('text' in part ? part.text : (part.transcript ?? ''))).join(' ') });
    else if (item.type === 'function_call_output') {
      if (!session.items.some((known) => known.type === 'function_call' && known.callId === item.call_id)) violations.push(`function_call_output for unknown call_id ${item.call_id}`);
      session.items.push({ id, type: 'function_call_output', callId: item.call_id, output: item.output });
    } else session.items.push({ id, type: 'function_call', callId: item.call_id, name: item.name });
    send(session, { type: 'conversation.item.added', previous_item_id: null, item: { id, object: 'realtime.item', ...item } });
    send(session, { type: 'conversation.item.done', previous_item_id: null, item: { id, object: 'realtime.item', ...item } });
  }

  function truncate(session: FakeSession, itemId: string, audioEndMs: number, eventId?: string): void {
    const item = session.items.find((known) => known.id === itemId);
    if (item?.audioMs === undefined) {
      violations.push(`truncate: ${itemId} is not assistant audio of this session`);
      return error(session, null, 'Only model output audio messages can be truncated', eventId);
    }
    if (audioEndMs > item.audioMs) {
      violations.push(`truncate: ${audioEndMs} ms past the ${item.audioMs} ms of ${itemId}`);
      return error(session, null, `Audio content of ${item.audioMs}ms is already shorter than ${audioEndMs}ms`, eventId);
    }
    item.audioMs = audioEndMs;
    session.truncations.push({ itemId, audioEndMs });
    send(session, { type: 'conversation.item.truncated', item_id: itemId, content_index: 0, audio_end_ms: audioEndMs });
  }

  function onAudio(session: FakeSession, bytes: Buffer): void {
    if (bytes.length % 2 !== 0) violations.push('append: odd number of bytes');
    const samples = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
    const ms = (samples.length * 1000) / RATE;
    session.appendedMs += ms;
    const ears = vad.get(session)!;
    ears.bufferedMs += ms;
    const detection = turnDetection(session);
    if (detection === null) return;
    if (rmsDbfs(samples) > (options.speechThresholdDbfs ?? -45)) {
      ears.silentMs = 0;
      if (ears.speaking) return;
      ears.speaking = true;
      ears.itemId = newId('item');
      send(session, { type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(session.appendedMs - ms), item_id: ears.itemId });
      if (detection.interrupt_response !== false) active.get(session)?.stop('turn_detected');
    } else if (ears.speaking && (ears.silentMs += ms) >= (options.silenceMs ?? 300)) {
      ears.speaking = false;
      send(session, { type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(session.appendedMs), item_id: ears.itemId });
      commitUser(session, ears.itemId);
      if (detection.create_response !== false) respond(session, undefined, undefined);
    }
  }

  function commitUser(session: FakeSession, itemId: string): void {
    vad.get(session)!.bufferedMs = 0;
    const transcript = options.userTranscript ?? 'Hello, I have a question';
    session.items.push({ id: itemId, type: 'message', role: 'user', text: transcript });
    send(session, { type: 'input_audio_buffer.committed', previous_item_id: null, item_id: itemId });
    send(session, { type: 'conversation.item.added', item: { id: itemId, type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] } });
    send(session, { type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript, usage: { type: 'duration', seconds: 1 } });
  }

  /**
   * The customer's words the next response answers: the last item when it is theirs, or, right after a hand_off's
   * output, what they said before it (a specialist that has just taken over acts on the request it was handed).
   */
  function requestBeingServed(session: FakeSession): string | undefined {
    const last = session.items.at(-1);
    if (last?.role === 'user') return last.text ?? '';
    if (last?.type !== 'function_call_output') return undefined;
    const call = session.items.find((item) => item.type === 'function_call' && item.callId === last.callId);
    if (call?.name !== 'hand_off') return undefined;
    return session.items.findLast((item) => item.role === 'user')?.text;
  }

  function respond(session: FakeSession, instructions: string | undefined, toolChoice: unknown, modalities?: readonly string[]): void {
    const last = session.items.at(-1);
    const tools = (session.config.tools as { name: string }[] | undefined) ?? [];
    const said = toolChoice === 'none' ? undefined : requestBeingServed(session)?.toLowerCase();
    const trigger = said === undefined ? undefined : triggers.find((known) => said.includes(known.word) && tools.some((tool) => tool.name === known.name));
    const callTool = trigger !== undefined;
    // A response.create may choose its own modality; otherwise the session's applies.
    const textOnly = (modalities ?? (session.config.output_modalities as string[]))[0] === 'text';
    const response: FakeResponse = { id: newId('resp'), kind: callTool ? 'function_call' : textOnly ? 'text' : 'audio', instructions, toolChoice, status: 'in_progress', chunksSent: 0 };
    session.responses.push(response);
    const base = { object: 'realtime.response', id: response.id, conversation_id: `conv_${session.id}`, output_modalities: [textOnly ? 'text' : 'audio'] };
    send(session, { type: 'response.created', response: { ...base, status: 'in_progress', output: [], usage: null } });
    const itemId = newId('item');
    const at = { response_id: response.id, item_id: itemId, output_index: 0 };
    const finish = (status: 'completed' | 'cancelled', item: Record<string, unknown>, reason?: string): void => {
      active.delete(session);
      response.status = status;
      send(session, { type: 'response.output_item.done', response_id: response.id, output_index: 0, item });
      const details = status === 'cancelled' ? { type: 'cancelled', reason } : null;
      const usage = { total_tokens: 30, input_tokens: 20, output_tokens: 10, input_token_details: { text_tokens: 20, audio_tokens: 0 }, output_token_details: { text_tokens: 2, audio_tokens: 8 } };
      send(session, { type: 'response.done', response: { ...base, status, status_details: details, output: [item], usage } });
    };
    if (trigger !== undefined) {
      const callId = newId('call');
      const item = { id: itemId, object: 'realtime.item', type: 'function_call', call_id: callId, name: trigger.name, arguments: trigger.arguments };
      session.items.push({ id: itemId, type: 'function_call', callId, name: trigger.name });
      active.set(session, { response, stop: () => undefined });
      send(session, { type: 'response.output_item.added', response_id: response.id, output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
      send(session, { type: 'response.function_call_arguments.delta', ...at, call_id: callId, delta: trigger.arguments });
      send(session, { type: 'response.function_call_arguments.done', ...at, call_id: callId, name: trigger.name, arguments: trigger.arguments });
      finish('completed', { ...item, status: 'completed' });
      if (options.duplicateToolCallEvents) {
        const usage = { total_tokens: 30, input_tokens: 20, output_tokens: 10 };
        send(session, { type: 'response.done', response: { ...base, status: 'completed', status_details: null, output: [{ ...item, status: 'completed' }], usage } });
      }
      return;
    }
    const lastTool = last?.type === 'function_call_output' ? last.output : undefined;
    const lastUser = [...session.items].reverse().find((item) => item.role === 'user')?.text;
    const transcript = reply({ instructions, sessionInstructions: String(session.config.instructions ?? ''), lastUserText: lastUser, toolOutput: lastTool });
    const words = transcript.split(' ');
    const item: FakeItem = { id: itemId, type: 'message', role: 'assistant', text: transcript, audioMs: textOnly ? undefined : 0 };
    session.items.push(item);
    const part = textOnly ? 'output_text' : 'output_audio';
    const wireItem = (status: string, said: string) => ({ id: itemId, object: 'realtime.item', type: 'message', role: 'assistant', status, content: [textOnly ? { type: part, text: said } : { type: part, transcript: said }] });
    send(session, { type: 'response.output_item.added', response_id: response.id, output_index: 0, item: { ...wireItem('in_progress', ''), content: [] } });
    send(session, { type: 'response.content_part.added', ...at, content_index: 0, part: { type: part, transcript: '' } });
    const killAfter = state.killAfter;
    state.killAfter = undefined;
    let timer: NodeJS.Timeout | undefined;
    const end = (status: 'completed' | 'cancelled', reason?: string): void => {
      clearTimeout(timer);
      const said = status === 'completed' ? transcript : words.slice(0, Math.ceil((words.length * response.chunksSent) / chunks)).join(' ');
      const c = { ...at, content_index: 0 };
      if (textOnly) send(session, { type: 'response.output_text.done', ...c, text: said });
      else {
        send(session, { type: 'response.output_audio.done', ...c });
        send(session, { type: 'response.output_audio_transcript.done', ...c, transcript: said });
      }
      send(session, { type: 'response.content_part.done', ...c, part: textOnly ? { type: part, text: said } : { type: part, transcript: said } });
      finish(status, wireItem(status === 'completed' ? 'completed' : 'incomplete', said), reason);
    };
    active.set(session, { response, stop: (reason) => end('cancelled', reason) });
    const stream = (): void => {
      const n = response.chunksSent;
      if (n === killAfter) return session.socket.terminate();
      if (n === chunks) return end('completed');
      const c = { ...at, content_index: 0 };
      const wordsNow = words.slice(Math.floor((words.length * n) / chunks), Math.floor((words.length * (n + 1)) / chunks)).join(' ');
      if (textOnly) send(session, { type: 'response.output_text.delta', ...c, delta: `${wordsNow} ` });
      else {
        const pcm = tone.subarray(n * chunkSamples, (n + 1) * chunkSamples);
        send(session, { type: 'response.output_audio.delta', ...c, delta: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64') });
        send(session, { type: 'response.output_audio_transcript.delta', ...c, delta: `${wordsNow} ` });
        item.audioMs = (item.audioMs ?? 0) + (chunkSamples * 1000) / RATE;
      }
      response.chunksSent++;
      timer = setTimeout(stream, options.chunkIntervalMs ?? 2);
    };
    stream();
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const lastSession = (): FakeSession => {
    const session = sessions.at(-1);
    if (!session) throw new Error('no session yet');
    return session;
  };
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    apiKey,
    violations,
    sessions,
    counters,
    lastSession,
    declaredTools(session = lastSession()) {
      const updates = session.events.filter((event) => event.type === 'session.update' && event.session.tools !== undefined);
      const latest = updates.at(-1);
      return latest?.type === 'session.update' ? (latest.session.tools ?? []).map((tool) => tool.name) : [];
    },
    toolOutput(name, session = lastSession()) {
      const calls = new Set(session.items.filter((item) => item.type === 'function_call' && item.name === name).map((item) => item.callId));
      return session.items.findLast((item) => item.type === 'function_call_output' && calls.has(item.callId))?.output;
    },
    killNextResponseAfter: (n) => void (state.killAfter = n),
    dropAll: () => sessions.forEach((session) => session.socket.terminate()),
    expireSession(session = lastSession()) {
      send(session, { type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.', param: null, event_id: null } });
      session.socket.close(1000);
    },
    sendServerEvent: (event, session = lastSession()) => send(session, event),
    refuse: (status) => void (state.refuse = status),
    stallHandshake: (stall) => void (state.stall = stall),
    delayPongs: (ms) => void (state.pong = ms),
    stopPonging: () => void (state.pong = 'never'),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const { stop } of active.values()) stop('closing');
      for (const session of sessions) session.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** session.update semantics: present fields replace, nested objects merge, arrays and null replace. */
function merge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    const bothObjects = isPlain(value) && isPlain(current);
    out[key] = bothObjects ? merge(current, value) : value;
  }
  return out;
}

const isPlain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
