// The dashboard's figures over a hand-checked fixture of 12 conversations: every expected number below was worked
// out by hand from the table (the working is in the comments), not by running the code under test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysed } from '../../test/analytics-fixtures.ts';
import type { AggregateRow, ConversationAnalytics, Outcome } from './analytics-types.ts';
import type { Intent } from '../agent/intents.ts';
import { aggregate } from './aggregates.ts';

const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];

//  #  intent      channel   language day    outcome    durationMs sentiment latencies         costUsd
const TABLE: Array<[Intent, string, string, string, Outcome, number, number, number[], number]> = [
  /* 1 */ ['booking', 'twilio', 'hi', '03-01', 'completed', 60_000, 0.5, [400, 600], 0.1],
  /* 2 */ ['booking', 'twilio', 'hi', '03-01', 'completed', 120_000, 0.8, [500], 0.2],
  /* 3 */ ['booking', 'whatsapp', 'en', '03-02', 'completed', 30_000, 0.2, [], 0.01],
  /* 4 */ ['booking', 'web', 'ta', '03-02', 'escalated', 90_000, -0.6, [900, 1200], 0.15],
  /* 5 */ ['booking', 'twilio', 'hi', '03-03', 'abandoned', 10_000, -0.2, [700], 0.02],
  /* 6 */ ['status', 'twilio', 'en', '03-01', 'completed', 45_000, 0.4, [300], 0.05],
  /* 7 */ ['status', 'whatsapp', 'hi', '03-02', 'completed', 15_000, 0, [], 0],
  /* 8 */ ['status', 'web', 'pt-BR', '03-03', 'failed', 5_000, -1, [2000], 0.03],
  /* 9 */ ['escalation', 'twilio', 'hi', '03-01', 'escalated', 200_000, -0.8, [800, 1000, 1100], 0.3],
  /* 10 */ ['escalation', 'twilio', 'xx-YY', '03-03', 'escalated', 100_000, -0.4, [650], 0.12],
  /* 11 */ ['faq', 'web', 'en', '03-02', 'completed', 20_000, 0.6, [350, 450], 0.04],
  /* 12 */ ['faq', 'whatsapp', 'hi', '03-02', 'abandoned', 8_000, 0, [], 0],
];

const FIXTURE: ConversationAnalytics[] = TABLE.map(([intent, channel, language, day, outcome, durationMs, sentiment, turnLatenciesMs, costUsd]) =>
  analysed({ intent, channel, language, day: `2026-${day}`, outcome, durationMs, sentiment, turnLatenciesMs, costUsd }),
);

const row = (rows: readonly AggregateRow[], key: string) => {
  const found = rows.find((r) => r.key === key);
  assert.ok(found, `a row for ${key}`);
  return found;
};

describe('aggregate', () => {
  it('computes the total over all 12 conversations', () => {
    const { total } = aggregate(FIXTURE, 'intent', DAYS);
    assert.deepEqual(total, {
      key: 'all',
      conversations: 12,
      completed: 6, // #1 #2 #3 #6 #7 #11
      escalated: 3, // #4 #9 #10
      abandoned: 2, // #5 #12
      failed: 1, // #8
      completionRate: 6 / 12,
      containmentRate: 9 / 12, // 12 - 3 escalated
      escalationRate: 3 / 12,
      // (60000 + 120000 + 30000 + 45000 + 15000 + 20000) / 6 = 290000 / 6 = 48333.3
      meanResolutionMs: 48_333,
      // 0.5+0.8+0.2-0.6-0.2+0.4+0-1-0.8-0.4+0.6+0 = -0.5; -0.5 / 12 = -0.0417
      meanSentiment: -0.042,
      // 14 pooled samples: 300 350 400 450 500 600 650 700 800 900 1000 1100 1200 2000
      turnLatencyP50Ms: 650, // rank ceil(0.5 * 14) = 7
      turnLatencyP95Ms: 2000, // rank ceil(0.95 * 14) = ceil(13.3) = 14
      // 0.48 (booking) + 0.08 (status) + 0.42 (escalation) + 0.04 (faq) = 1.02; / 12 = 0.085
      totalCostUsd: 1.02,
      meanCostUsd: 0.085,
      trend: [4, 5, 3], // 03-01: #1 #2 #6 #9; 03-02: #3 #4 #7 #11 #12; 03-03: #5 #8 #10
    });
  });

  it('groups by intent, largest first and ties by name, with each group figures', () => {
    const { groups } = aggregate(FIXTURE, 'intent', DAYS);
    assert.deepEqual(
      groups.map((g) => [g.key, g.conversations]),
      [
        ['booking', 5],
        ['status', 3],
        ['escalation', 2], // ties with faq: alphabetical
        ['faq', 2],
      ],
    );
    assert.deepEqual(row(groups, 'booking'), {
      key: 'booking',
      conversations: 5,
      completed: 3,
      escalated: 1,
      abandoned: 1,
      failed: 0,
      completionRate: 3 / 5,
      containmentRate: 4 / 5,
      escalationRate: 1 / 5,
      meanResolutionMs: 70_000, // (60000 + 120000 + 30000) / 3
      meanSentiment: 0.14, // (0.5 + 0.8 + 0.2 - 0.6 - 0.2) / 5 = 0.7 / 5
      turnLatencyP50Ms: 600, // 400 500 600 700 900 1200: rank 3
      turnLatencyP95Ms: 1200, // rank ceil(5.7) = 6
      meanCostUsd: 0.096, // 0.48 / 5
      totalCostUsd: 0.48, // 0.10 + 0.20 + 0.01 + 0.15 + 0.02
      trend: [2, 2, 1],
    });
    const status = row(groups, 'status');
    assert.equal(status.completionRate, 2 / 3);
    assert.equal(status.containmentRate, 1); // nothing escalated
    assert.equal(status.meanResolutionMs, 30_000); // (45000 + 15000) / 2
    assert.equal(status.meanSentiment, -0.2); // (0.4 + 0 - 1) / 3
    assert.deepEqual([status.turnLatencyP50Ms, status.turnLatencyP95Ms], [300, 2000]); // 300 2000: ranks 1 and 2
    assert.equal(status.meanCostUsd, 0.026667); // 0.08 / 3
    assert.deepEqual(status.trend, [1, 1, 1]);
    const escalation = row(groups, 'escalation');
    assert.deepEqual([escalation.completionRate, escalation.containmentRate, escalation.escalationRate], [0, 0, 1]);
    assert.equal(escalation.meanResolutionMs, null, 'no completed conversation to average');
    assert.equal(escalation.meanSentiment, -0.6); // (-0.8 - 0.4) / 2
    assert.deepEqual([escalation.turnLatencyP50Ms, escalation.turnLatencyP95Ms], [800, 1100]); // 650 800 1000 1100: ranks 2, 4
    assert.deepEqual([escalation.totalCostUsd, escalation.meanCostUsd], [0.42, 0.21]);
    assert.deepEqual(escalation.trend, [1, 0, 1]);
    const faq = row(groups, 'faq');
    assert.deepEqual([faq.completed, faq.abandoned, faq.completionRate, faq.meanResolutionMs, faq.meanSentiment], [1, 1, 0.5, 20_000, 0.3]);
    assert.deepEqual(faq.trend, [0, 2, 0]);
  });

  it('groups by language, putting every locale not served under other', () => {
    const { groups } = aggregate(FIXTURE, 'language', DAYS);
    // hi: #1 #2 #5 #7 #9 #12; en: #3 #6 #11; then one each, alphabetical: other (#10 xx-YY), pt-BR (#8), ta (#4)
    assert.deepEqual(
      groups.map((g) => [g.key, g.conversations]),
      [
        ['hi', 6],
        ['en', 3],
        ['other', 1],
        ['pt-BR', 1],
        ['ta', 1],
      ],
    );
    const hi = row(groups, 'hi');
    // completed #1 #2 #7, escalated #9, abandoned #5 #12
    assert.deepEqual([hi.completed, hi.escalated, hi.abandoned, hi.containmentRate, hi.meanResolutionMs], [3, 1, 2, 5 / 6, 65_000]);
  });

  it('groups by channel', () => {
    const { groups } = aggregate(FIXTURE, 'channel', DAYS);
    assert.deepEqual(
      groups.map((g) => [g.key, g.conversations]),
      [
        ['twilio', 6],
        ['web', 3],
        ['whatsapp', 3],
      ],
    );
    const twilio = row(groups, 'twilio');
    // #1 #2 #5 #6 #9 #10: latencies 300 400 500 600 650 700 800 1000 1100 -> ranks ceil(4.5) = 5, ceil(8.55) = 9
    assert.deepEqual([twilio.turnLatencyP50Ms, twilio.turnLatencyP95Ms], [650, 1100]);
    assert.equal(twilio.totalCostUsd, 0.79); // 0.10 + 0.20 + 0.02 + 0.05 + 0.30 + 0.12
    assert.equal(twilio.escalationRate, 2 / 6);
  });

  it('groups by day and by outcome', () => {
    const byDay = aggregate(FIXTURE, 'day', DAYS).groups;
    assert.deepEqual(
      byDay.map((g) => [g.key, g.conversations, g.trend]),
      [
        ['2026-03-02', 5, [0, 5, 0]],
        ['2026-03-01', 4, [4, 0, 0]],
        ['2026-03-03', 3, [0, 0, 3]],
      ],
    );
    const byOutcome = aggregate(FIXTURE, 'outcome', DAYS).groups;
    assert.deepEqual(
      byOutcome.map((g) => [g.key, g.conversations]),
      [
        ['completed', 6],
        ['escalated', 3],
        ['abandoned', 2],
        ['failed', 1],
      ],
    );
    assert.deepEqual([row(byOutcome, 'completed').completionRate, row(byOutcome, 'completed').meanResolutionMs], [1, 48_333]);
  });

  it('answers an empty range with zero counts and no rates rather than dividing by zero', () => {
    const { total, groups } = aggregate([], 'intent', DAYS);
    assert.deepEqual(groups, []);
    assert.equal(total.conversations, 0);
    for (const figure of [total.completionRate, total.containmentRate, total.escalationRate, total.meanResolutionMs, total.meanSentiment, total.turnLatencyP50Ms, total.meanCostUsd]) {
      assert.equal(figure, null);
    }
    assert.equal(total.totalCostUsd, 0);
    assert.deepEqual(total.trend, [0, 0, 0]);
  });
});
