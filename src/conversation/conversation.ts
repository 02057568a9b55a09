// One conversation: joins one channel connection and one model session. It owns the lifecycle: the AI disclosure
// first, barge-in (clear, truncate at what was heard, drop late audio), the customer's messages (customer-input.ts),
// tool calls (tool-calls.ts), hand-offs between agents (agent-switch.ts), answers on chat channels
// (reply-delivery.ts), transcripts and figures in the store (conversation-writes.ts), a maximum duration, and a clean
// end that releases every timer and socket.
import type { InboundEvent, Logger } from '../core/channel.ts';
import type { ModelEvent, ModelSession } from '../core/model.ts';
import { FRAME_MS } from '../core/audio.ts';
import type { ConversationControl, ToolSpec } from '../core/tool.ts';
import { teamTools } from '../agent/agent.ts';
import { AgentSwitch } from './agent-switch.ts';
import { describeError } from '../errors.ts';
import { SpeechDetector } from '../audio/vad.ts';
import { languageForReply } from '../i18n/detect.ts';
import { AfterReply } from './after-reply.ts';
import { ComplianceDuties } from './compliance-duties.ts';
import { ConversationStatsCollector } from './conversation-stats.ts';
import type { ConversationDeps } from './conversation-deps.ts';
import { ModelLink, type SwitchKind } from './model-link.ts';
import { Playout } from './playout.ts';
import { DEFAULT_TOOL_FILLER_MS, ToolCalls } from './tool-calls.ts';
import { TurnTiming } from './turn-timing.ts';
import { ReplyDelivery } from './reply-delivery.ts';
import { CustomerInput } from './customer-input.ts';
import { ConversationWrites } from './conversation-writes.ts';

export type { ConversationCompliance, ConversationDeps, ConversationSettings } from './conversation-deps.ts';

export class Conversation {
  readonly id: string;
  readonly channel: string;
  private locale: string;
  private readonly link: ModelLink;
  private readonly compliance: ComplianceDuties;
  private readonly playout: Playout;
  private readonly toolCalls: ToolCalls;
  private readonly log: Logger;
  private maxDurationTimer: NodeJS.Timeout | undefined;
  private currentResponseId: string | null = null;
  private readonly cancelledResponses = new Set<string>();
  /** The member of the agent's team serving the conversation now. */
  private readonly agents: AgentSwitch;
  private readonly stats: ConversationStatsCollector;
  /** An end or hand-off a tool asked for, carried out once the model's next reply has been heard. */
  private readonly afterReply = new AfterReply({
    run: (action) => void this.afterPlayout(() => (action === 'end' ? this.end('agent_ended') : this.transfer('requested_by_agent'))),
    requested: (action, reason) => this.writes.record({ role: 'system', kind: 'event', text: `${action === 'end' ? 'end' : 'hand-off'} requested by the agent: ${reason}` }),
    canTransfer: () => !this.ended && this.transferTarget() !== undefined,
  });
  /** How many of the next responses are legal notices (disclosure, recording notice) that must not be cut. */
  private noticesToProtect = 0;
  private readonly noticeResponses = new Set<string>();
  /** Our own VAD, for models that do not report the caller's speech over finished audio (initVad() first). */
  private speechDetector: SpeechDetector | null = null;
  /** Typed text, keys and voice notes on their way to the model (kept while no session is open). */
  private readonly input: CustomerInput;
  private readonly replies: ReplyDelivery;
  private readonly timing: TurnTiming;
  private ending: Promise<void> | null = null;
  /** The record and transcript, written in order. */
  private readonly writes: ConversationWrites;

  constructor(private readonly deps: ConversationDeps) {
    const { connection } = deps;
    this.id = connection.info.conversationId;
    this.channel = connection.channel;
    this.locale = deps.locale;
    this.log = deps.log.child({ conversationId: this.id, channel: this.channel });
    this.writes = new ConversationWrites(deps.records, this.id, this.log, () => this.locale);
    // A chat that wakes up again carries on with the agent, context and figures its record holds.
    const previous = deps.resumed ? deps.previous : undefined;
    this.stats = new ConversationStatsCollector(previous?.stats);
    this.agents = new AgentSwitch(
      deps.agent,
      {
        log: this.log,
        locale: () => this.locale,
        session: () => this.session,
        ended: () => this.ended,
        renew: (reason) => this.link.renew(reason),
        record: (entry) => this.writes.record(entry),
        updateRecord: (patch) => this.writes.update(patch),
        audit: (input) => this.compliance.audit(input),
        handedOff: () => this.stats.handOff(),
      },
      previous,
    );
    this.playout = new Playout((event) => connection.send(event), connection.capabilities.playbackMarks);
    this.timing = new TurnTiming(deps.metrics, this.stats);
    const control: ConversationControl = { ...this.afterReply.control, handOff: (name, context) => this.agents.to(name, context) };
    this.toolCalls = new ToolCalls(
      {
        conversationId: this.id,
        channel: this.channel,
        tools: new Map(teamTools(deps.agent).map((tool) => [tool.name, tool as ToolSpec])),
        store: deps.store,
        control,
        ...(connection.info.from ? { customer: connection.info.from } : {}),
        ...(deps.messaging ? { messaging: deps.messaging } : {}),
        metrics: deps.metrics,
        log: this.log,
        fillerMs: connection.capabilities.audio ? (deps.settings.toolFillerMs ?? DEFAULT_TOOL_FILLER_MS) : undefined,
        locale: () => this.locale,
        session: () => this.session,
        ended: () => this.ended,
        playing: () => this.playout.playing,
        fillerText: (locale) => deps.translate(locale, 'common:checking'),
        record: (entry) => this.writes.record(entry),
        audit: (input) => this.compliance.audit(input),
        fallBack: (reason) => this.link.switchToFallback(reason),
        resultSent: () => this.afterReply.resultSent(),
        counted: (name, outcome) => this.stats.toolCall(name, outcome),
      },
      { perTurn: deps.settings.toolCallsPerTurn, perConversation: deps.settings.toolCallsPerConversation },
    );
    this.replies = new ReplyDelivery(connection, (kind) => this.timing.answered(this.link.modelName, kind));
    this.input = new CustomerInput({
      replies: this.replies,
      session: () => this.session,
      locale: () => this.locale,
      followLanguage: (text) => this.followLanguage(text),
      record: (entry) => this.writes.record(entry),
      turnEnded: () => this.customerTurnEnded(),
      audioSent: (ms) => this.stats.inputAudio(this.link.modelName, ms),
      ...(deps.redactModelInput ? { redact: deps.redactModelInput } : {}),
    });
    const subject = connection.info.from;
    this.compliance = new ComplianceDuties(deps.compliance, { id: this.id, channel: this.channel, ...(subject ? { subject } : {}) }, this.log);
    this.link = new ModelLink({
      primary: deps.model,
      ...(deps.fallbackModel ? { fallback: deps.fallbackModel } : {}),
      ...(deps.prewarmed ? { prewarmed: deps.prewarmed } : {}),
      open: async (model) => {
        await this.writes.flushed(); // the new session must see every transcript entry written so far
        return deps.openSession(model, this.locale, this.agents.agent, this.agents.context);
      },
      onEvent: (event) => this.onModelEvent(event),
      onSwitched: (kind, reason, interrupted) => this.onModelSwitched(kind, reason, interrupted),
      onLost: (reason) => void this.end(`model_lost:${reason}`),
      log: this.log,
      ...(deps.settings.maxModelSessionMs ? { maxSessionAgeMs: deps.settings.maxModelSessionMs } : {}),
      ...(deps.settings.modelRetryDelaysMs ? { retryDelaysMs: deps.settings.modelRetryDelaysMs } : {}),
    });
  }

  /** The customer's address (phone number, WhatsApp id), when the channel knows it. */
  get subject(): string | undefined {
    return this.deps.connection.info.from;
  }

  private get session(): ModelSession | null {
    return this.link.session;
  }

  get ended(): boolean {
    return this.ending !== null;
  }

  /** Starts listening, waits for the model, then speaks the disclosure before anything else. */
  async start(): Promise<void> {
    const { connection, settings } = this.deps;
    connection.listen((event) => this.onInbound(event));
    this.maxDurationTimer = setTimeout(() => void this.end('max_duration'), settings.maxDurationMs);
    this.maxDurationTimer.unref();
    // A chat that wakes up again keeps its first start: its duration runs from there.
    this.writes.update({ status: 'live', ...(this.deps.resumed ? {} : { startedAt: this.timing.startedAt }), locale: this.locale, model: this.deps.model.name });
    let fallbackReason: string | null;
    try {
      ({ fallbackReason } = await this.link.start());
    } catch (error) {
      this.log.error({ err: describeError(error) }, 'no model could be opened');
      await this.end('model_unavailable');
      return;
    }
    const session = this.session;
    if (this.ended || !session) return;
    this.replies.applyTo(session); // a chat's disclosure is written, not spoken
    if (this.deps.resumed) {
      // The customer was told at the start of this conversation; a chat that wakes up again just carries on.
      if (fallbackReason) this.noteModelSwitch('fallback', fallbackReason);
      if (!this.input.flush()) session.createResponse();
      return;
    }
    const disclosure = this.deps.translate(this.locale, 'common:disclosure', { business: settings.businessName });
    this.writes.record({ role: 'assistant', kind: 'disclosure', text: disclosure });
    this.noticesToProtect = this.compliance.recording ? 2 : 1;
    session.say(disclosure);
    if (this.compliance.recording) {
      const notice = this.deps.translate(this.locale, 'common:recordingNotice');
      this.writes.record({ role: 'assistant', kind: 'disclosure', text: notice });
      session.say(notice);
    }
    this.compliance.disclosed(this.locale);
    if (fallbackReason) {
      this.noteModelSwitch('fallback', fallbackReason);
      this.announceFallback(fallbackReason);
    }
    // The customer's first message (a chat that opened with a question) is answered instead of the menu.
    if (!this.input.flush()) session.createResponse();
  }

  /** Follows the customer into another enabled language (typed text, or what the model heard). */
  private followLanguage(text: string): void {
    const enabled = this.deps.enabledLocales;
    if (!enabled || enabled.length < 2) return;
    const next = languageForReply(text, this.locale, enabled);
    if (next === this.locale) return;
    this.writes.record({ role: 'system', kind: 'event', text: `language: ${this.locale} -> ${next}` });
    this.locale = next;
    this.session?.setLocale(next, this.agents.instructions(next));
    this.writes.update({ locale: next });
  }

  /** Ends the conversation once; safe to call from any path (hang-up, model, timer, shutdown). */
  end(reason: string): Promise<void> {
    this.ending ??= this.finish(reason);
    return this.ending;
  }

  private onInbound(event: InboundEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'audio':
        this.onCallerAudio(event.frame);
        return;
      case 'text':
        this.input.deliver({ kind: 'text', value: event.text });
        return;
      case 'voice_note':
        this.input.deliver({ kind: 'voice', pcm: event.pcm });
        return;
      case 'dtmf':
        // A key press interrupts a prompt, as on any phone menu.
        this.interrupt('dtmf');
        this.input.deliver({ kind: 'dtmf', value: event.digit });
        return;
      case 'mark':
        this.playout.onMark(event.name);
        return;
      case 'hangup':
        void this.end('hangup');
        return;
    }
  }

  private onCallerAudio(frame: Int16Array): void {
    const session = this.session;
    if (!session) return; // a short gap while the model reconnects
    session.sendAudio(frame);
    this.stats.inputAudio(this.link.modelName, FRAME_MS);
    if (session.capabilities.speechStartEvents) return;
    this.speechDetector ??= new SpeechDetector();
    if (this.speechDetector.process(frame) === 'start') this.interrupt('speech');
  }

  /** The customer spoke, typed or pressed a key: a new turn for timing and for the per-turn tool ceiling. */
  private customerTurnEnded(): void {
    this.timing.turnEnded();
    this.toolCalls.turnEnded();
    this.agents.turnEnded();
  }

  private onModelEvent(event: ModelEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'audio':
        this.playAudio(event.pcm, event.responseId, event.itemId);
        return;
      case 'response_started':
        this.currentResponseId = event.responseId;
        this.afterReply.responseStarted(event.responseId);
        if (this.noticesToProtect > 0) {
          this.noticesToProtect--;
          this.noticeResponses.add(event.responseId);
        }
        return;
      case 'response_done':
        this.stats.modelUsage(this.link.modelName, event.usage);
        this.replies.answerDone();
        if (!this.cancelledResponses.delete(event.responseId)) this.playout.finishResponse();
        if (this.noticeResponses.delete(event.responseId)) this.playout.protectSent();
        if (this.currentResponseId === event.responseId) this.currentResponseId = null;
        this.afterReply.responseDone(event.responseId);
        return;
      case 'speech_started':
        this.interrupt('speech');
        return;
      case 'speech_stopped':
        this.customerTurnEnded();
        return;
      case 'transcript':
        if (event.role === 'user') this.followLanguage(event.text);
        this.writes.record({ role: event.role, kind: 'speech', text: event.text });
        this.replies.transcript(event.role, event.text);
        return;
      case 'tool_call':
        void this.toolCalls.run(event.callId, event.name, event.arguments);
        return;
      case 'tool_call_cancelled': // the provider gave up on these calls: stop the ones that may be stopped
        this.toolCalls.cancel(event.callIds);
        return;
      case 'end_requested':
        void this.afterPlayout(() => this.end(event.reason));
        return;
      case 'transfer_requested':
        void this.afterPlayout(() => this.transfer(event.reason));
        return;
      case 'locale_changed':
        this.locale = event.locale;
        this.writes.update({ locale: event.locale });
        return;
      case 'warning':
        if (event.code === 'recording_opt_out') {
          this.writes.record({ role: 'system', kind: 'event', text: 'recording opt-out' });
          return this.compliance.optedOutOfRecording();
        }
        this.log.warn({ code: event.code, reason: event.message }, 'model warning');
        return;
      case 'reconnected':
        this.deps.metrics.modelSwitched('reconnected', this.link.modelName, event.reason);
        this.writes.record({ role: 'system', kind: 'event', text: `model reconnected: ${event.reason}` });
        return;
      case 'closed': // failures are handled by the link (reconnect, fallback); a clean close needs nothing
        return;
    }
  }

  private playAudio(pcm: Int16Array, responseId: string, itemId: string): void {
    const { connection, metrics } = this.deps;
    if (this.cancelledResponses.has(responseId)) return;
    if (!connection.capabilities.audio) {
      this.replies.audio(pcm);
      return;
    }
    this.timing.answered(this.link.modelName, 'audio');
    const started = performance.now();
    const frames = this.playout.push(pcm, itemId);
    if (frames > 0) metrics.observeLatency('out', (performance.now() - started) / frames);
  }

  /** Barge-in: stop what is playing, tell the model what was heard, and ignore the rest of its answer. */
  private interrupt(cause: 'speech' | 'dtmf'): void {
    this.toolCalls.interrupt(cause);
    if (!this.playout.playing) return;
    // A "hello?" or line noise never cuts the AI disclosure or the recording notice; a key press is deliberate.
    const inNotice = this.playout.protecting || (this.currentResponseId !== null && this.noticeResponses.has(this.currentResponseId));
    if (inNotice && cause === 'speech') return;
    const heard = this.playout.interrupt();
    if (this.currentResponseId) this.cancelledResponses.add(this.currentResponseId);
    // A notice still queued behind this answer must not be cancelled with it (its audio is dropped locally).
    if (this.noticesToProtect === 0) this.session?.cancelResponse();
    if (heard.itemId && this.session?.capabilities.truncation) this.session.truncate(heard.itemId, Math.floor(heard.playedMs));
    this.stats.bargeIn();
    this.deps.metrics.bargeIns.labels(this.channel).inc();
    this.writes.record({ role: 'system', kind: 'event', text: `barge-in (${cause}) after ${Math.round(heard.playedMs)} ms` });
  }

  private onModelSwitched(kind: SwitchKind, reason: string, interruptedResponse: boolean): void {
    // The old session's answer will never send response_done: close its playout so barge-in and waits stay right.
    this.playout.finishResponse();
    this.currentResponseId = null;
    this.replies.applyTo(this.session); // the new session answers the same way
    this.noteModelSwitch(kind, reason);
    if (kind === 'fallback') this.announceFallback(reason);
    if (this.input.flush()) return;
    // After a fallback the local engine offers its menu; after a drop the cut-off answer is asked for again.
    if (kind === 'fallback' || interruptedResponse) this.session?.createResponse();
  }

  /** Counts a switch of model session and keeps it in the transcript and the record. */
  private noteModelSwitch(kind: SwitchKind, reason: string): void {
    if (kind !== 'renewed') this.deps.metrics.modelSwitched(kind, this.deps.model.name, reason);
    this.writes.record({ role: 'system', kind: 'event', text: `model ${kind}: ${reason}` });
    this.writes.update({ model: this.link.modelName, ...(kind === 'fallback' ? { fallbackReason: reason } : {}) });
  }

  /** Tells the customer, in their language, that the simpler assistant is taking over. */
  private announceFallback(reason: string): void {
    this.log.warn({ reason, provider: this.deps.model.name }, 'falling back to the local engine');
    this.session?.say(this.deps.translate(this.locale, 'common:fallback'));
  }


  private async transfer(reason: string): Promise<void> {
    const { connection } = this.deps;
    const to = this.transferTarget();
    if (to === undefined) {
      this.log.warn({ reason }, 'transfer requested but no transfer target is configured for this channel');
      this.writes.record({ role: 'system', kind: 'event', text: 'transfer unavailable' });
      return;
    }
    this.writes.record({ role: 'system', kind: 'event', text: `transferred: ${reason}` });
    this.stats.handedToPerson();
    this.compliance.audit({ type: 'handoff', detail: { reason } });
    connection.send({ type: 'transfer', to, reason });
    await this.end('transferred');
  }

  /** Where a hand-off goes: the transfer number on the phone, the channel's own staff queue on chats; undefined: nowhere. */
  private transferTarget(): string | undefined {
    const { capabilities } = this.deps.connection;
    if (!capabilities.transfer) return undefined;
    if (!capabilities.transferNeedsNumber) return this.deps.settings.transferNumber ?? 'staff';
    return this.deps.settings.transferNumber;
  }

  private async afterPlayout(action: () => Promise<void>): Promise<void> {
    await this.playout.whenPlayed(this.deps.settings.playoutWaitMs ?? 15_000);
    if (!this.ended) await action();
  }

  private async finish(reason: string): Promise<void> {
    const { connection, records, metrics } = this.deps;
    clearTimeout(this.maxDurationTimer);
    this.afterReply.cancel();
    this.speechDetector?.dispose();
    this.toolCalls.close(reason);
    this.log.info({ reason, bargeIns: this.stats.bargeInCount }, 'conversation ended');
    // The customer's side closes first, before any wait: a chat message arriving now finds the connection closed
    // and goes to the next conversation instead of one that no longer listens.
    if (reason !== 'hangup') connection.send({ type: 'end', reason });
    connection.close(reason);
    try {
      await this.link.close();
    } catch (error) {
      this.log.warn({ err: describeError(error) }, 'model session close failed');
    }
    this.writes.record({ role: 'system', kind: 'event', text: `ended: ${reason}` });
    await this.writes.flushed();
    try {
      // A live call lasts until now; a chat until its last message (it closes after an idle wait).
      this.stats.partEnded(this.timing.startedAt, connection.capabilities.audio ? Date.now() : undefined);
      const stats = this.stats.snapshot();
      await records.update(this.id, { status: 'ended', endedAt: Date.now(), endReason: reason, bargeIns: stats.bargeIns, locale: this.locale, stats });
    } catch (error) {
      this.log.error({ err: describeError(error) }, 'conversation record update failed');
    }
    metrics.conversationsTotal.labels(this.channel, reasonLabel(reason)).inc();
    this.deps.onEnded(this);
  }
}

/** An end reason as a metrics label: its code before any detail (`model_lost:<message>`), never free text. */
function reasonLabel(reason: string): string {
  const code = reason.split(':')[0] ?? '';
  return /^[a-z][a-z_]{0,31}$/.test(code) ? code : 'other';
}
