// The recent conversations list and one conversation's view: its analytics card, a timeline of what happened (the
// disclosure, tool calls, hand-offs, barge-ins, a transfer, the end) on a clock that starts with the conversation,
// and the transcript as stored, that is already redacted.
import { channelName, count, duration, offset, sentiment, stamp, usd } from './format.js';
import { empty, h } from './dom.js';

const SPOKEN = new Set(['speech', 'text', 'dtmf']);
const ROLE_NAMES = { user: 'Customer', assistant: 'Assistant', tool: 'Tool', system: 'System' };

/** The list, newest first; `open(id)` is called with the conversation a row's button names. */
export function conversationList(conversations, open) {
  if (conversations.length === 0) return empty('No conversations match these filters yet');
  const cells = (item) => [
    stamp(item.startedAt ?? item.createdAt), channelName(item.channel), item.locale, item.intent ?? '—', item.outcome ?? item.status,
    item.sentimentLabel ?? '—', duration(item.durationMs),
  ];
  return h('table', { class: 'recent' },
    h('thead', {}, h('tr', {}, ['Started', 'Channel', 'Language', 'Intent', 'Outcome', 'Sentiment', 'Duration', ''].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, conversations.map((item) =>
      h('tr', { 'data-id': item.id },
        cells(item).map((text) => h('td', {}, text)),
        h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `Open conversation ${item.id}`, onclick: () => open(item.id) }, 'Open'))))));
}

/** GET /admin/api/conversations/:id as a card, a timeline and a transcript. */
export function conversationDetail(detail) {
  const { conversation, transcript, analytics } = detail;
  const id = conversation?.id ?? analytics?.conversationId ?? '';
  const start = conversation?.startedAt ?? analytics?.startedAt ?? transcript[0]?.at ?? conversation?.createdAt ?? 0;
  return [
    h('h2', { id: 'conversation-title', tabindex: '-1' }, `Conversation ${id}`),
    card(conversation, analytics),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'timeline-title' }, h('h3', { id: 'timeline-title' }, 'Timeline'), timeline(transcript, conversation, start)),
      h('section', { 'aria-labelledby': 'transcript-title' }, h('h3', { id: 'transcript-title' }, 'Transcript'), transcriptList(transcript, start))),
  ];
}

function card(conversation, analytics) {
  const facts = analytics
    ? [
        ['Intent', analytics.intent], ['Outcome', analytics.outcome],
        ['Sentiment', `${analytics.sentimentLabel} (${sentiment(analytics.sentiment)})`], ['Duration', duration(analytics.durationMs)],
        ['Latency p50 / p95', `${duration(analytics.turnLatencyP50Ms)} / ${duration(analytics.turnLatencyP95Ms)}`],
        ['Turns', count(analytics.turns)], ['Cost', usd(analytics.costUsd)], ['Channel', channelName(analytics.channel)], ['Language', analytics.language],
      ]
    : [['Status', conversation?.status ?? '—'], ['Channel', conversation ? channelName(conversation.channel) : '—'], ['Language', conversation?.locale ?? '—']];
  return h('section', { class: 'card analytics', 'aria-label': 'Analytics' },
    h('dl', {}, facts.map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value ?? '—')))),
    analytics ? h('p', { class: 'summary' }, analytics.summary) : h('p', { class: 'empty' }, 'Not analysed yet: analytics are written shortly after a conversation ends.'));
}

/** What happened besides the words, each at its time since the start. */
function timeline(transcript, conversation, start) {
  const items = [{ at: start, label: 'Started', text: conversation ? `${channelName(conversation.channel)}, ${conversation.locale}` : '' }];
  for (const entry of transcript) {
    if (SPOKEN.has(entry.kind)) continue;
    items.push({ at: entry.at, ...describe(entry) });
  }
  if (items.length === 1 && transcript.length === 0) return empty('Nothing recorded for this conversation.');
  return h('ol', { class: 'timeline' }, items.map((item) =>
    h('li', { 'data-kind': item.kind ?? 'start' },
      h('time', {}, offset(item.at - start)), ' ', h('strong', {}, item.label), item.text ? ` ${item.text}` : '')));
}

/** A timeline entry's label from its kind, and for events from the words they start with. */
function describe(entry) {
  const name = entry.name ? ` ${entry.name}` : '';
  switch (entry.kind) {
    case 'disclosure':
      return { kind: 'disclosure', label: 'Disclosure', text: entry.text };
    case 'tool_call':
      return { kind: 'tool_call', label: `Tool call${name}`, text: entry.text };
    case 'tool_result':
      return { kind: 'tool_result', label: `Tool result${name}`, text: entry.text };
    default: {
      const text = entry.text ?? '';
      const kind = /^barge-in/i.test(text) ? 'barge_in' : /^hand-off/i.test(text) ? 'hand_off' : /^transferred/i.test(text) ? 'transfer' : /^ended/i.test(text) ? 'end' : 'event';
      const label = { barge_in: 'Barge-in', hand_off: 'Hand-off', transfer: 'Transfer', end: 'End', event: 'Event' }[kind];
      return { kind, label, text: text.replace(/^(barge-in|hand-off|transferred:?|ended:?)\s*/i, '') };
    }
  }
}

function transcriptList(transcript, start) {
  const lines = transcript.filter((entry) => SPOKEN.has(entry.kind));
  if (lines.length === 0) return empty('No words were exchanged.');
  return h('ol', { class: 'transcript' }, lines.map((entry) =>
    h('li', { class: entry.role },
      h('time', {}, offset(entry.at - start)), ' ',
      h('strong', {}, ROLE_NAMES[entry.role] ?? entry.role), ' ',
      h('span', { class: 'text' }, entry.kind === 'dtmf' ? `pressed ${entry.text}` : entry.text))));
}
