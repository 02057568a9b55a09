// The figures of an eval run, the table people read, and the comparison with the committed baseline
// (evals/baseline.json). A run fails the comparison when its completion rate is lower than the baseline's, or its
// p95 turn latency or mean cost per conversation is more than 10% higher, overall or within one provider setup (the
// overall p95 is the cloud fake's; the local engine's own would go unwatched). Latency also gets LATENCY_SLACK_MS of
// absolute slack: 10% of a figure of a few dozen milliseconds is less than the machine's scheduling noise.
import { cpus } from 'node:os';
import { nearestRank } from '../src/analytics/percentile.ts';
import type { ScenarioResult } from './run-scenario.ts';

export const RELATIVE_TOLERANCE = 0.1;
export const LATENCY_SLACK_MS = 50;

export interface Figures {
  /** Scenarios whose task was completed as expected (business check, outcome and intent) over all that ran. */
  readonly completionRate: number;
  /** Nearest-rank p95 over every customer turn of every conversation; null with no turns measured. */
  readonly p95TurnLatencyMs: number | null;
  /** Mean estimated model cost per conversation with analytics, in US dollars; null with none. */
  readonly meanCostUsd: number | null;
}

export interface Baseline extends Figures {
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly date: string };
  /** Per provider setup (local engine, OpenAI fake): each path's latency is watched on its own. */
  readonly setups?: Readonly<Record<string, Figures>>;
  readonly scenarios: Readonly<Record<string, Figures>>;
}

/** The figures of each provider setup that ran. */
export function figuresBySetup(results: readonly ScenarioResult[]): Record<string, Figures> {
  const setups = [...new Set(results.map((result) => result.scenario.setup))];
  return Object.fromEntries(setups.map((setup) => [setup, figuresOf(results.filter((result) => result.scenario.setup === setup))]));
}

/** Regressions overall and within each setup the baseline knows, each line naming where. */
export function allRegressions(results: readonly ScenarioResult[], baseline: Baseline): string[] {
  const problems = regressions(figuresOf(results), baseline);
  for (const [setup, figures] of Object.entries(figuresBySetup(results))) {
    const before = baseline.setups?.[setup];
    if (before) problems.push(...regressions(figures, before).map((problem) => `${setup}: ${problem}`));
  }
  return problems;
}

export const p95 = (samples: readonly number[]): number | null => nearestRank(samples, 95);

export function figuresOf(results: readonly ScenarioResult[]): Figures {
  const costs = results.flatMap((result) => (result.analytics ? [result.analytics.costUsd] : []));
  return {
    completionRate: results.length === 0 ? 0 : results.filter((result) => result.problem === null).length / results.length,
    p95TurnLatencyMs: p95(results.flatMap((result) => result.analytics?.turnLatenciesMs ?? [])),
    meanCostUsd: costs.length === 0 ? null : costs.reduce((sum, cost) => sum + cost, 0) / costs.length,
  };
}

export function baselineOf(results: readonly ScenarioResult[]): Baseline {
  return {
    ...figuresOf(results),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() },
    setups: figuresBySetup(results),
    scenarios: Object.fromEntries(results.map((result) => [result.scenario.name, figuresOf([result])])),
  };
}

/** Why `now` is worse than `before`, one line each; empty when it is not. */
export function regressions(now: Figures, before: Figures): string[] {
  const problems: string[] = [];
  if (now.completionRate < before.completionRate) problems.push(`completion rate ${percent(now.completionRate)} < baseline ${percent(before.completionRate)}`);
  if (now.p95TurnLatencyMs !== null && before.p95TurnLatencyMs !== null) {
    const limit = Math.max(before.p95TurnLatencyMs * (1 + RELATIVE_TOLERANCE), before.p95TurnLatencyMs + LATENCY_SLACK_MS);
    if (now.p95TurnLatencyMs > limit) problems.push(`p95 turn latency ${ms(now.p95TurnLatencyMs)} > ${ms(limit)} (baseline ${ms(before.p95TurnLatencyMs)} +10%, at least +${LATENCY_SLACK_MS} ms)`);
  }
  if (now.meanCostUsd !== null && before.meanCostUsd !== null) {
    const limit = before.meanCostUsd * (1 + RELATIVE_TOLERANCE);
    if (now.meanCostUsd > limit + 1e-9) problems.push(`mean cost ${usd(now.meanCostUsd)} > ${usd(limit)} (baseline ${usd(before.meanCostUsd)} +10%)`);
  }
  return problems;
}

export function table(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'channel', 'model', 'expected', 'got', 'turns', 'p95 turn', 'cost', 'result'];
  const rows = results.map((result) => {
    const analytics = result.analytics;
    const expected = `${result.scenario.expected.outcome}/${result.scenario.expected.intent}`;
    return [
      result.scenario.name,
      result.scenario.channel,
      result.model,
      expected,
      analytics ? `${analytics.outcome}/${analytics.intent}` : '-',
      analytics ? String(analytics.turns) : '-',
      ms(p95(analytics?.turnLatenciesMs ?? [])),
      analytics ? usd(analytics.costUsd) : '-',
      result.problem === null ? 'ok' : 'FAIL',
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const failures = results.filter((result) => result.problem !== null).map((result) => `  ${result.scenario.name}: ${result.problem}`);
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), ...(failures.length > 0 ? ['', 'failures:', ...failures] : [])].join('\n');
}

export function summary(figures: Figures): string {
  return [
    `completion rate         ${percent(figures.completionRate)}`,
    `p95 turn latency        ${ms(figures.p95TurnLatencyMs)}`,
    `mean cost/conversation  ${usd(figures.meanCostUsd)}`,
  ].join('\n');
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
const ms = (value: number | null): string => (value === null ? '-' : `${Math.round(value)} ms`);
const usd = (value: number | null): string => (value === null ? '-' : `$${value.toFixed(4)}`);
