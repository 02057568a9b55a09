// `npm run evals`: plays every scripted conversation in evals/scenarios/ through real gateways on 127.0.0.1 (one per
// provider setup, scenarios one after another), prints what each achieved, and compares the run with
// evals/baseline.json. Exit 1 when a figure regressed, overall or within one provider setup: a lower completion
// rate, or a p95 turn latency or mean cost more than 10% above the baseline (latency with 50 ms of absolute slack for
// noise). Exit 1 also when the run hangs. Exit 2 on a usage error.
//   --only <name>        runs one scenario (compared with that scenario's own baseline figures)
//   --update-baseline    writes evals/baseline.json from this run (with the machine it ran on), and exits 0
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Scenario, SetupName } from './scenario.ts';
import { runScenario, type ScenarioResult } from './run-scenario.ts';
import { REPLY_DELAY_MS, startSetup } from './setups.ts';
import { allRegressions, baselineOf, figuresBySetup, figuresOf, LATENCY_SLACK_MS, regressions, summary, table, type Baseline, type Figures } from './report.ts';

/** Evals stop by themselves: past this the run is reported as failed, whatever hangs. */
const RUN_TIMEOUT_MS = 180_000;
const BASELINE = fileURLToPath(new URL('./baseline.json', import.meta.url));
const SCENARIOS = new URL('./scenarios/', import.meta.url);
const SETUP_ORDER: readonly SetupName[] = ['local', 'openai'];

const print = (text = ''): void => void process.stdout.write(`${text}\n`);

async function loadScenarios(): Promise<Scenario[]> {
  const files = readdirSync(SCENARIOS).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).sort();
  const scenarios = await Promise.all(files.map(async (file) => ((await import(new URL(file, SCENARIOS).href)) as { default: Scenario }).default));
  const names = new Set<string>();
  for (const [index, scenario] of scenarios.entries()) {
    if (!scenario?.name) throw new Error(`evals/scenarios/${files[index]} has no default export of a scenario`);
    if (names.has(scenario.name)) throw new Error(`two scenarios are named ${scenario.name}`);
    names.add(scenario.name);
  }
  // Grouped by setup, so each gateway starts once.
  return scenarios.sort((a, b) => SETUP_ORDER.indexOf(a.setup) - SETUP_ORDER.indexOf(b.setup));
}

async function runAll(scenarios: readonly Scenario[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const name of SETUP_ORDER) {
    const mine = scenarios.filter((scenario) => scenario.setup === name);
    if (mine.length === 0) continue;
    const setup = await startSetup(name);
    try {
      for (const scenario of mine) {
        const result = await runScenario(scenario, setup);
        print(`${result.problem === null ? 'ok  ' : 'FAIL'} ${scenario.name} (${(result.durationMs / 1000).toFixed(1)} s)`);
        results.push(result);
      }
    } finally {
      await setup.stop();
    }
  }
  return results;
}

function readBaseline(): Baseline | null {
  return existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline) : null;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, 'update-baseline': { type: 'boolean', default: false } } });
  const all = await loadScenarios();
  const chosen = values.only === undefined ? all : all.filter((scenario) => scenario.name === values.only);
  if (chosen.length === 0) {
    print(`no scenario named ${values.only}; there are: ${all.map((scenario) => scenario.name).join(', ')}`);
    return 2;
  }
  if (values['update-baseline'] && values.only !== undefined) {
    print('--update-baseline runs every scenario: leave out --only');
    return 2;
  }
  print(`${chosen.length} scenario(s); cloud fakes answer after ${REPLY_DELAY_MS} ms\n`);
  const results = await runAll(chosen);
  const figures = figuresOf(results);
  print(`\n${table(results)}\n\n${summary(figures)}`);
  for (const [setup, own] of Object.entries(figuresBySetup(results))) print(`  ${setup.padEnd(8)} p95 turn latency ${own.p95TurnLatencyMs ?? '-'} ms, mean cost $${(own.meanCostUsd ?? 0).toFixed(4)}`);
  print('');

  if (values['update-baseline']) {
    const baseline = baselineOf(results);
    writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
    print(`baseline written to evals/baseline.json (${baseline.machine.cores} x ${baseline.machine.cpu}, Node ${baseline.machine.node})`);
    return 0;
  }
  const baseline = readBaseline();
  if (!baseline) {
    print('no evals/baseline.json yet: run with --update-baseline to create it');
    return figures.completionRate === 1 ? 0 : 1;
  }
  const before: Figures | undefined = values.only === undefined ? baseline : baseline.scenarios[values.only];
  if (!before) {
    print(`the baseline has no figures for ${values.only}: nothing to compare`);
    return 0;
  }
  print(`baseline: ${summary(before).replace(/\s+/gu, ' ')} (${baseline.machine.cores} x ${baseline.machine.cpu}, ${baseline.machine.date.slice(0, 10)})`);
  print(`rule: completion rate not lower; p95 latency and mean cost at most 10% higher, overall and per setup (latency: at least ${LATENCY_SLACK_MS} ms of slack)`);
  const problems = values.only === undefined ? allRegressions(results, baseline) : regressions(figures, before);
  if (problems.length === 0) {
    print('no regression against the baseline');
    return 0;
  }
  for (const problem of problems) print(`REGRESSION: ${problem}`);
  return 1;
}

// Not unref'd: a run that hangs with nothing left to do would otherwise end quietly with exit code 0.
setTimeout(() => {
  print(`evals did not finish within ${RUN_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, RUN_TIMEOUT_MS);

main().then(
  // WebRTC and worker threads may keep handles open: the run is over, so the process ends here.
  (code) => process.exit(code),
  (error: unknown) => {
    print(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
