// The dashboard's tables: the aggregate rows of the analytics API (one per intent, channel, language or day, with the
// total at the foot and a trend sparkline per row), and the per-day figures the charts draw, as text.
import { channelName, count, day, duration, percent, sentiment, usd } from './format.js';
import { empty, h } from './dom.js';
import { sparkline } from './charts.js';

export const GROUP_LABELS = { intent: 'Intent', channel: 'Channel', language: 'Language', day: 'Day', outcome: 'Outcome' };
export const NO_DATA = 'No conversations in this range yet';

const COLUMNS = [
  ['Conversations', (row) => count(row.conversations)],
  ['Completion', (row) => percent(row.completionRate)],
  ['Containment', (row) => percent(row.containmentRate)],
  ['Escalation', (row) => percent(row.escalationRate)],
  ['Mean resolution', (row) => duration(row.meanResolutionMs)],
  ['Sentiment', (row) => sentiment(row.meanSentiment)],
  ['Latency p50', (row) => duration(row.turnLatencyP50Ms)],
  ['Latency p95', (row) => duration(row.turnLatencyP95Ms)],
  ['Cost / conversation', (row) => usd(row.meanCostUsd)],
];

/** The AnalyticsResponse as a table: one row per group, the total at the foot. */
export function aggregateTable(response) {
  const groups = response.groups.filter((row) => row.conversations > 0);
  if (groups.length === 0) return empty(NO_DATA);
  const label = GROUP_LABELS[response.groupBy] ?? response.groupBy;
  const keyText = (key) => (response.groupBy === 'day' ? day(key) : response.groupBy === 'channel' ? channelName(key) : key);
  const row = (data, isTotal) =>
    h('tr', { 'data-key': data.key },
      h('th', { scope: 'row' }, isTotal ? 'All' : keyText(data.key)),
      COLUMNS.map(([, cell]) => h('td', { class: 'num' }, cell(data))),
      h('td', { class: 'trend' }, sparkline(data.trend, `Conversations per day, ${isTotal ? 'all' : keyText(data.key)}`)));
  return h('table', { class: 'aggregate', 'data-group-by': response.groupBy },
    h('caption', {}, `By ${label.toLowerCase()}, ${day(response.from)} to ${day(response.to)}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, label), COLUMNS.map(([name]) => h('th', { scope: 'col', class: 'num' }, name)), h('th', { scope: 'col' }, 'Trend'))),
    h('tbody', {}, groups.map((data) => row(data, false))),
    h('tfoot', {}, row(response.total, true)));
}

/** What the three charts show, day by day, for whoever cannot see them. */
export function dayTable(rows) {
  if (rows.every((row) => row.conversations === 0)) return empty(NO_DATA);
  const columns = [
    ['Conversations', (row) => count(row.conversations)],
    ['Completed', (row) => count(row.completed)],
    ['Escalated', (row) => count(row.escalated)],
    ['Abandoned', (row) => count(row.abandoned)],
    ['Failed', (row) => count(row.failed)],
    ['Latency p50', (row) => duration(row.turnLatencyP50Ms)],
    ['Latency p95', (row) => duration(row.turnLatencyP95Ms)],
    ['Cost', (row) => usd(row.totalCostUsd)],
  ];
  return h('table', { class: 'days' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), columns.map(([name]) => h('th', { scope: 'col', class: 'num' }, name)))),
    h('tbody', {}, rows.map((row) => h('tr', { 'data-key': row.key }, h('th', { scope: 'row' }, day(row.key)), columns.map(([, cell]) => h('td', { class: 'num' }, cell(row)))))));
}
