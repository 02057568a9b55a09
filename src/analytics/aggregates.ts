// The figures the dashboard shows, computed from analysed conversations: a total and one row per group (intent,
// channel, language, day or outcome). Pure: the caller reads the conversations, this only counts.
import type { AggregateRow, ConversationAnalytics, GroupBy } from './analytics-types.ts';
import { channelLabel, intentLabel, languageLabel, outcomeLabel } from './labels.ts';
import { rankOfSorted } from './percentile.ts';

export interface Aggregates {
  readonly total: AggregateRow;
  readonly groups: readonly AggregateRow[];
}

/** The group a conversation is counted under; labels are normalised so groups match the metrics' label values. */
export function groupKey(analytics: ConversationAnalytics, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'intent':
      return intentLabel(analytics.intent);
    case 'channel':
      return channelLabel(analytics.channel);
    case 'language':
      return languageLabel(analytics.language);
    case 'day':
      return analytics.day;
    case 'outcome':
      return outcomeLabel(analytics.outcome);
  }
}

/** `days` are the days of the range, oldest first: each row's trend has one count per day. */
export function aggregate(analytics: readonly ConversationAnalytics[], groupBy: GroupBy, days: readonly string[]): Aggregates {
  const byKey = new Map<string, ConversationAnalytics[]>();
  for (const item of analytics) {
    const key = groupKey(item, groupBy);
    const members = byKey.get(key);
    if (members) members.push(item);
    else byKey.set(key, [item]);
  }
  const groups = [...byKey].map(([key, members]) => row(key, members, days));
  groups.sort((a, b) => b.conversations - a.conversations || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { total: row('all', analytics, days), groups };
}

export function row(key: string, members: readonly ConversationAnalytics[], days: readonly string[]): AggregateRow {
  const conversations = members.length;
  const count = (outcome: string) => members.filter((item) => item.outcome === outcome).length;
  const completed = count('completed');
  const escalated = count('escalated');
  const rate = (part: number) => (conversations === 0 ? null : part / conversations);
  const completedDurations = members.filter((item) => item.outcome === 'completed').map((item) => item.durationMs);
  // Pooled samples, not an average of each conversation's percentiles: a long conversation weighs by its turns.
  // Sorted once as numbers (a typed array sorts numerically, several times faster than a comparator) for both ranks.
  const latencies = Float64Array.from(members.flatMap((item) => item.turnLatenciesMs)).sort();
  const totalCostUsd = sum(members.map((item) => item.costUsd));
  const dayIndex = new Map(days.map((day, i) => [day, i]));
  const trend = days.map(() => 0);
  for (const item of members) {
    const i = dayIndex.get(item.day);
    if (i !== undefined) trend[i]! += 1;
  }
  return {
    key,
    conversations,
    completed,
    escalated,
    abandoned: count('abandoned'),
    failed: count('failed'),
    completionRate: rate(completed),
    containmentRate: rate(conversations - escalated),
    escalationRate: rate(escalated),
    meanResolutionMs: completedDurations.length === 0 ? null : Math.round(sum(completedDurations) / completedDurations.length),
    meanSentiment: conversations === 0 ? null : round(sum(members.map((item) => item.sentiment)) / conversations, 3),
    turnLatencyP50Ms: rankOfSorted(latencies, 50),
    turnLatencyP95Ms: rankOfSorted(latencies, 95),
    meanCostUsd: conversations === 0 ? null : round(totalCostUsd / conversations, 6),
    totalCostUsd: round(totalCostUsd, 6),
    trend,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Sums of dollars in floating point grow tails (0.30000000000000004); the dashboard shows rounded figures. */
function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
