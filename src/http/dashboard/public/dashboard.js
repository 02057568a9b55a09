// The operator dashboard's page logic: asks for the admin token once (kept for the browser tab in sessionStorage,
// never put in a URL), then loads the analytics for the chosen grouping, range and filters, draws the per-day charts,
// lists recent conversations, opens one on demand, and polls the live count every 5 seconds. A 401 or 403 from any
// request forgets the token and asks again; any other failure is shown as it is and the last figures stay.
/* global document, sessionStorage, FormData */
import { ApiError, createApi } from './api.js';
import { channelName, count, duration, usd, utcDay } from './format.js';
import { h, show, empty } from './dom.js';
import { lineChart, stackedBarChart } from './charts.js';
import { aggregateTable, dayTable, GROUP_LABELS, NO_DATA } from './tables.js';
import { conversationDetail, conversationList } from './conversation-view.js';

const TOKEN_KEY = 'gateway-admin-token';
const LIVE_POLL_MS = 5000;
const RECENT_LIMIT = 50;
/**
 * The series colours (Okabe-Ito: told apart with the common colour-vision deficiencies, and by brightness); the
 * legend and the end-to-end test use the same ones.
 */
const OUTCOME_SERIES = [
  ['completed', 'Completed', '#0072b2'],
  ['escalated', 'Escalated', '#e69f00'],
  ['abandoned', 'Abandoned', '#9aa1ab'],
  ['failed', 'Failed', '#d55e00'],
];
const P50_COLOUR = '#0072b2';
const P95_COLOUR = '#d55e00';
const COST_COLOUR = '#0f766e';

const $ = (id) => document.getElementById(id);
const ui = {
  login: $('login'), loginForm: $('login-form'), token: $('token'), loginError: $('login-error'), signOut: $('sign-out'),
  main: $('main'), live: $('live'), controls: $('controls'), error: $('error'), groupsTitle: $('groups-title'),
  groups: $('groups'), charts: $('charts'), days: $('days'), recent: $('recent'), conversation: $('conversation'),
};

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
const api = createApi(() => token);
let liveTimer;
/** Bumped by each load, so an older response that arrives late never overwrites a newer one. */
let generation = 0;

function setState(state) {
  document.body.dataset.state = state;
}

function askForToken(message) {
  token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(liveTimer);
  ui.main.hidden = true;
  ui.signOut.hidden = true;
  ui.login.hidden = false;
  ui.loginError.textContent = message ?? '';
  ui.loginError.hidden = !message;
  ui.token.value = '';
  ui.token.focus();
  setState('login');
}

function open() {
  ui.login.hidden = true;
  ui.main.hidden = false;
  ui.signOut.hidden = false;
  void load();
  void pollLive();
  clearInterval(liveTimer);
  liveTimer = setInterval(() => {
    if (!document.hidden) void pollLive();
  }, LIVE_POLL_MS);
}

/** What the controls ask for, as API query parameters. */
function selection() {
  const form = new FormData(ui.controls);
  const days = Number(form.get('range')) || 7;
  const filters = {};
  for (const name of ['intent', 'outcome', 'channel', 'language']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) filters[name] = value;
  }
  return { groupBy: String(form.get('groupBy') || 'intent'), from: utcDay(days - 1), to: utcDay(0), filters };
}

async function load() {
  const mine = ++generation;
  const { groupBy, from, to, filters } = selection();
  setState('loading');
  ui.main.setAttribute('aria-busy', 'true');
  try {
    const [grouped, perDay, recent] = await Promise.all([
      api.analytics({ groupBy, from, to, ...filters }),
      api.analytics({ groupBy: 'day', from, to, ...filters }),
      api.conversations({ limit: RECENT_LIMIT, ...filters }),
    ]);
    if (mine !== generation) return;
    ui.error.hidden = true;
    ui.groupsTitle.textContent = `By ${(GROUP_LABELS[groupBy] ?? groupBy).toLowerCase()}`;
    show(ui.groups, aggregateTable(grouped));
    drawDays(perDay);
    show(ui.recent, conversationList(recent.conversations, (id) => void openConversation(id)));
    setState('ready');
  } catch (error) {
    if (mine === generation) failed(error);
  } finally {
    if (mine === generation) ui.main.removeAttribute('aria-busy');
  }
}

/** The three per-day charts and their table, one entry per day of the range even when a day had nothing. */
function drawDays(response) {
  const byKey = new Map(response.groups.map((row) => [row.key, row]));
  const rows = response.days.map((key) => byKey.get(key) ?? blankDay(key));
  if (rows.every((row) => row.conversations === 0)) {
    show(ui.charts, empty(NO_DATA));
    show(ui.days, empty(NO_DATA));
    return;
  }
  const days = rows.map((row) => row.key);
  show(ui.charts,
    stackedBarChart({
      id: 'conversations', title: 'Conversations per day (UTC), by outcome', days, format: count, integer: true,
      series: OUTCOME_SERIES.map(([field, name, colour]) => ({ name, colour, values: rows.map((row) => row[field]) })),
    }),
    lineChart({
      id: 'latency', title: 'Turn latency per day', days, format: duration,
      series: [
        { name: 'p50', colour: P50_COLOUR, values: rows.map((row) => row.turnLatencyP50Ms) },
        { name: 'p95', colour: P95_COLOUR, dash: '6 4', values: rows.map((row) => row.turnLatencyP95Ms) },
      ],
    }),
    stackedBarChart({
      id: 'cost', title: 'Cost per day', days, format: usd,
      series: [{ name: 'Cost', colour: COST_COLOUR, values: rows.map((row) => row.totalCostUsd) }],
    }));
  show(ui.days, dayTable(rows));
}

function blankDay(key) {
  return {
    key, conversations: 0, completed: 0, escalated: 0, abandoned: 0, failed: 0, turnLatencyP50Ms: null, turnLatencyP95Ms: null,
    totalCostUsd: 0,
  };
}

async function openConversation(id) {
  try {
    const detail = await api.conversation(id);
    ui.error.hidden = true;
    show(ui.conversation, conversationDetail(detail));
    ui.conversation.hidden = false;
    const heading = ui.conversation.querySelector('h2');
    heading.scrollIntoView({ block: 'start' });
    heading.focus();
  } catch (error) {
    failed(error);
  }
}

async function pollLive() {
  try {
    const { live, total } = await api.live();
    const entries = [...Object.entries(live), ['total', total]];
    show(ui.live, entries.map(([name, value]) => h('div', { 'data-channel': name }, h('dt', {}, channelName(name)), h('dd', {}, count(value)))));
    // The gateway answers again after a failed load: load what the controls show now, and clear the error.
    if (!ui.error.hidden) void load();
  } catch (error) {
    if (error instanceof ApiError && error.unauthorised) failed(error);
    else show(ui.live, empty(`Live figures unavailable: ${error.message}`));
  }
}

function failed(error) {
  if (error instanceof ApiError && error.unauthorised) {
    askForToken(error.message);
    return;
  }
  ui.error.textContent = `Could not load the dashboard: ${error instanceof Error ? error.message : String(error)}`;
  ui.error.hidden = false;
  setState('error');
}

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  token = ui.token.value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  open();
});
ui.signOut.addEventListener('click', () => askForToken());
ui.controls.addEventListener('change', () => void load());

if (token) open();
else askForToken();
