// freshmock dashboard: everything the mock holds and sees, read from the control API
// (/_freshmock/...) and kept current by its event stream. Plain JavaScript, no build step.
'use strict';

const API = '/_freshmock';
/** Requests kept in the page (the server's log has its own bound). */
const MAX_REQUESTS = 1000;
/** Rows the request table shows at once. */
const MAX_REQUEST_ROWS = 300;
const TOKEN_KEY = 'freshmock.controlToken';

const state = {
  kb: null,
  users: [],
  clock: null,
  clockAt: 0,
  requests: [],
  paused: false,
  unseenWhilePaused: 0,
  tickets: null, // null: not loaded; 'unavailable': no such endpoint on this server
  knownTickets: new Set(),
  freshTickets: new Set(),
  ticketId: null,
  feedbackArticle: null,
  view: null,
  viewAs: null,
  live: false,
};

// ---------------------------------------------------------------- small helpers

/** Builds an element: h('a', {href: '#x', class: 'y'}, 'text', child...). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function $(sel) { return document.querySelector(sel); }

function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** "2026-01-01 01:00:00 UTC" from epoch milliseconds. */
function formatInstant(ms) {
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** Unix seconds, epoch milliseconds or an ISO string, as a readable UTC time. */
function formatTime(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') return formatInstant(value < 1e12 ? value * 1000 : value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? formatInstant(ms) : String(value);
}

function toast(text) {
  const el = $('#toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 3500);
}

function showError(text) {
  const el = $('#error-banner');
  if (!text) { el.hidden = true; return; }
  replace(el, text, ' ', h('button', { type: 'button', class: 'link', onclick: () => showError(null) }, 'Dismiss'));
  el.hidden = false;
}

// ---------------------------------------------------------------- control API

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * Calls the control API. Resolves to {ok, status, data, missing}; `missing` is true when
 * this server has no such control call (an older or partial build).
 */
async function api(path, { method = 'GET', body } = {}) {
  const headers = { ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { ok: false, status: 0, data: { code: 'network', message: `freshmock is not answering (${e.message})` }, missing: false };
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = { message: text }; }
  }
  if (res.status === 401 && data && data.code === 'control_token_required') {
    $('#auth-banner').hidden = false;
  }
  const missing = (res.status === 404 || res.status === 405) && data && (data.code === 'not_found' || data.code === 'method_not_allowed');
  return { ok: res.ok, status: res.status, data, missing };
}

/** A control call whose failure is shown in the error banner; returns the data or null. */
async function call(path, options) {
  const r = await api(path, options);
  if (!r.ok) {
    const what = r.data && (r.data.message || r.data.code) ? `${r.data.code || r.status}: ${r.data.message || ''}` : `status ${r.status}`;
    showError(`${options && options.method ? options.method : 'GET'} ${API}${path} failed (${what})`);
    return null;
  }
  return r.data;
}

// ---------------------------------------------------------------- event stream

/**
 * Reads GET /_freshmock/events with fetch (so the control token can be sent as a header,
 * which EventSource cannot do) and reconnects when it ends.
 */
async function streamEvents() {
  for (;;) {
    try {
      const res = await fetch(`${API}/events`, { headers: { ...authHeaders(), Accept: 'text/event-stream' } });
      if (res.status === 401) { $('#auth-banner').hidden = false; setLive(false); await sleep(2000); continue; }
      if (!res.ok || !res.body) throw new Error(`status ${res.status}`);
      setLive(true);
      resync();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          dispatch(block);
        }
      }
    } catch (e) {
      // fall through to reconnect
    }
    setLive(false);
    await sleep(1000);
  }
}

function dispatch(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return;
  let payload;
  try { payload = JSON.parse(data.join('\n')); } catch { return; }
  onEvent(name, payload);
}

function setLive(live) {
  state.live = live;
  const el = $('#live');
  el.textContent = live ? 'live' : 'reconnecting…';
  el.className = `pill ${live ? 'pill-on' : 'pill-off'}`;
  el.title = live ? 'Receiving the event stream' : 'The event stream is not connected';
}

function onEvent(name, event) {
  switch (name) {
    case 'clock':
      setClock(event);
      break;
    case 'request':
      onRequest(event);
      break;
    case 'secret':
      loadSecret();
      toast('The widget secret was rotated: older tokens are now refused.');
      break;
    case 'reset':
      toast('Reset: back to the loaded fixtures.');
      reloadAll();
      break;
    case 'fixtures':
      showError(null);
      toast('New fixtures loaded.');
      reloadAll();
      break;
    case 'fixtures_refused':
      showError(`The changed fixtures were not loaded; the old set stays. ${event.reason}`);
      break;
    case 'knowledge':
      onKnowledge(event);
      break;
    case 'ticket':
      // A change to the open ticket (an agent's edit, reply or note): its view follows. The
      // list follows new tickets through the request log, and is not redrawn here.
      if (state.view === 'tickets' && String(event.id) === String(state.ticketId)) reshowTicketSoon();
      break;
    default:
      break;
  }
}

/** The agent API changed the knowledge base: say so, and show it (a publishing job may
 * send hundreds of changes: the knowledge base is reloaded once they pause). */
let knowledgeTimer = null;
function onKnowledge(event) {
  const what = `${event.kind} ${event.id}`;
  toast(event.deleted ? `Agent API: ${event.by} deleted ${what}.` : `Agent API: ${event.by} saved ${what}.`);
  clearTimeout(knowledgeTimer);
  knowledgeTimer = setTimeout(() => {
    loadKb().then(() => { if (state.view === 'view-as') runViewAs(); });
  }, 250);
}

/** After (re)connecting: what may have happened while we were not listening. */
function resync() {
  loadClock();
  loadRequests();
  if (state.tickets !== null) loadTickets();
}

function reloadAll() {
  state.knownTickets.clear();
  loadKb().then(() => { if (state.view === 'view-as') runViewAs(); });
  loadUsers();
  loadRequests();
  loadSecret();
  loadTickets();
  if (state.view === 'feedback') showFeedback(state.feedbackArticle);
}

const reloadUsersSoon = debounce(() => loadUsers(), 300);
const reshowTicketSoon = debounce(() => { if (state.ticketId) showTicket(state.ticketId, false); }, 200);
/** Hits and votes change the tree's counters (once the server counts them). */
const reloadKbSoon = debounce(() => loadKb(), 500);
const refreshViewAsSoon = debounce(() => { if (state.view === 'view-as') runViewAs(); }, 300);

function onRequest(entry) {
  state.requests.push(entry);
  if (state.requests.length > MAX_REQUESTS) state.requests.splice(0, state.requests.length - MAX_REQUESTS);
  renderRequestsSoon();
  const ok = entry.status >= 200 && entry.status < 300;
  const path = entry.path || '';
  // Refetch on every attempt, not only on success: one cheap read, and never a stale list.
  if (entry.method === 'POST' && /\/api\/widget\/tickets\/?$/.test(path)) loadTickets();
  const vote = path.match(/\/solutions\/(?:article\/)?(\d+)\/(thumbs_up|thumbs_down|hit)$/);
  if (vote) {
    if (state.view === 'feedback' && String(state.feedbackArticle) === vote[1]) showFeedback(state.feedbackArticle);
    if (ok) refreshViewAsSoon();
    if (ok && state.view === 'kb') reloadKbSoon();
  }
  if (path === '/api/widget/bootstrap' && ok) reloadUsersSoon();
}

// ---------------------------------------------------------------- clock

function setClock(info) {
  if (!info || typeof info.now_ms !== 'number') return;
  state.clock = info;
  state.clockAt = performance.now();
  renderClock();
}

function clockNow() {
  if (!state.clock) return NaN;
  return state.clock.frozen ? state.clock.now_ms : state.clock.now_ms + (performance.now() - state.clockAt);
}

function renderClock() {
  const text = formatInstant(clockNow());
  const frozen = state.clock && state.clock.frozen;
  for (const id of ['#clock-now', '#ct-clock-now']) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
    if (state.clock) el.setAttribute('datetime', new Date(clockNow()).toISOString());
  }
  for (const id of ['#clock-state', '#ct-clock-state']) {
    const el = $(id);
    el.textContent = state.clock ? (frozen ? 'frozen' : 'running') : '…';
    el.classList.toggle('pill-frozen', Boolean(frozen));
  }
  const button = $('#ct-freeze');
  button.textContent = frozen ? 'Unfreeze' : 'Freeze';
  button.setAttribute('aria-pressed', frozen ? 'true' : 'false');
}

async function loadClock() {
  const r = await api('/clock');
  if (r.ok) setClock(r.data);
}

async function advance(by) {
  const data = await call('/clock/advance', { method: 'POST', body: { by } });
  if (data) { setClock(data); toast(`Clock advanced by ${by}.`); }
}

// ---------------------------------------------------------------- knowledge base

async function loadKb() {
  const data = await call('/kb');
  if (!data) return;
  state.kb = data;
  $('#account-name').textContent = `dashboard · ${data.account.name}`;
  renderKb();
  if (state.users.length) fillPersonaSelects();
  fillLanguageSelect();
  fillWidgetSelect();
  fillFeedbackSelect();
}

function badge(folder) {
  return h('span', { class: 'badge', dataset: { visibility: folder.visibility }, title: `visibility ${folder.visibility}` }, folder.badge);
}

function widgetName(id) {
  const w = state.kb && state.kb.widgets.find((x) => x.id === id);
  return w ? `${w.id} (${w.name}${w.active ? '' : ', inactive'})` : String(id);
}

function renderKb() {
  const kb = state.kb;
  const legend = $('#kb-legend');
  const seen = new Map();
  for (const c of kb.categories) for (const f of c.folders) if (!seen.has(f.visibility)) seen.set(f.visibility, f.visibility_label);
  replace(legend, h('span', { class: 'muted' }, 'Visibility:'),
    [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([v, label]) => h('span', { class: 'badge', dataset: { visibility: v } }, `${v} ${label}`)),
    h('span', { class: 'muted' }, 'Segment folders (6, 7) open for their members but are never found by search.'));

  const tree = $('#kb-tree');
  tree.setAttribute('aria-busy', 'false');
  // A re-render (new counters) keeps what the user folded.
  const closed = new Set([...tree.querySelectorAll('details:not([open])')].map((d) => d.id));
  replace(tree, kb.categories.map((category) => {
    const linked = category.widgets.length
      ? h('span', { class: 'meta', title: category.widgets.map(widgetName).join(', ') }, `category ${category.id} · widget${category.widgets.length > 1 ? 's' : ''} ${category.widgets.join(', ')}`)
      : h('span', { class: 'meta unlinked' }, `category ${category.id} · linked to no widget: never served`);
    return h('details', { class: 'kb-category', id: `category-${category.id}`, open: true },
      h('summary', {}, category.name, linked),
      h('div', { class: 'kb-folders' }, category.folders.map(renderFolder)));
  }));
  for (const id of closed) {
    const d = document.getElementById(id);
    if (d) d.open = false;
  }
  applyKbFilter();
}

function renderFolder(folder) {
  const rows = folder.articles.map((a) => h('tr', { id: `kb-article-${a.id}`, dataset: { search: `${a.id} ${a.title} ${a.tags.join(' ')} ${a.translations.map((t) => t.title).join(' ')}`.toLowerCase() } },
    h('td', { class: 'num cell-id' }, a.id),
    h('td', { class: 'cell-title' }, a.title),
    h('td', {}, h('span', { class: `status status-${a.status}` }, a.status)),
    h('td', {}, a.languages.map((l) => h('span', { class: 'lang' }, l))),
    h('td', { class: 'num', 'data-label': 'Hits' }, a.hits.toLocaleString('en')),
    h('td', { class: 'num', 'data-label': 'Helpful' }, a.thumbs_up),
    h('td', { class: 'num', 'data-label': 'Not helpful' }, a.thumbs_down),
    h('td', {}, h('a', { href: `#feedback/${a.id}`, 'aria-label': `Who voted on article ${a.id}` }, 'Who voted'))));
  return h('details', { class: 'kb-folder', id: `folder-${folder.id}`, open: true },
    h('summary', {}, h('span', { class: 'folder-name' }, folder.name), h('span', { class: 'meta' }, `folder ${folder.id}`), badge(folder),
      h('span', { class: 'meta' }, `${folder.articles.length} article${folder.articles.length === 1 ? '' : 's'}`)),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'data responsive', 'aria-label': `Articles of folder ${folder.name}` },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'num' }, 'ID'), h('th', { scope: 'col' }, 'Title'), h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Languages'), h('th', { scope: 'col', class: 'num' }, 'Hits'),
          h('th', { scope: 'col', class: 'num', title: 'Helpful votes (all languages)' }, 'Helpful'),
          h('th', { scope: 'col', class: 'num', title: 'Not helpful votes (all languages)' }, 'Not helpful'),
          h('th', { scope: 'col' }, h('span', { class: 'hide-narrow' }, 'Feedback')))),
        h('tbody', {}, rows))));
}

function applyKbFilter() {
  const q = $('#kb-filter').value.trim().toLowerCase();
  for (const folder of document.querySelectorAll('.kb-folder')) {
    let any = false;
    for (const row of folder.querySelectorAll('tbody tr')) {
      const match = !q || row.dataset.search.includes(q);
      row.hidden = !match;
      any = any || match;
    }
    folder.hidden = !any;
    if (q && any) folder.open = true;
  }
  for (const category of document.querySelectorAll('.kb-category')) {
    category.hidden = ![...category.querySelectorAll('.kb-folder')].some((f) => !f.hidden);
  }
}

function setAllOpen(open) {
  for (const d of document.querySelectorAll('#kb-tree details')) d.open = open;
}

// ---------------------------------------------------------------- users and personas

async function loadUsers() {
  const data = await call('/contacts');
  if (!Array.isArray(data)) return;
  state.users = data;
  fillPersonaSelects();
}

function companyNames(ids) {
  if (!state.kb) return ids.map(String);
  return ids.map((id) => (state.kb.companies.find((c) => c.id === id) || { name: String(id) }).name);
}

function personaLabel(u) {
  const role = u.role || {};
  let what;
  if (role.kind === 'agent') {
    what = role.manage_tickets === false ? 'agent without ticket rights' : role.admin ? 'agent, admin' : 'agent';
  } else {
    const companies = companyNames(role.companies || []);
    what = companies.length ? `contact, ${companies.join(' + ')}` : 'contact, no company';
    if ((role.segments || []).length) what += ', segment member';
  }
  const stateText = u.state && u.state !== 'active' ? ` [${u.state}]` : '';
  const created = u.created_by_widget ? ' (created by bootstrap)' : '';
  return `${u.name} — ${u.email} (${what})${stateText}${created}`;
}

function fillPersonaSelects() {
  const contacts = state.users.filter((u) => !u.role || u.role.kind !== 'agent');
  const agents = state.users.filter((u) => u.role && u.role.kind === 'agent');
  const options = (list) => list.map((u) => h('option', { value: u.email }, personaLabel(u)));
  for (const [sel, anonymous] of [['#va-persona', true], ['#ct-token-persona', false]]) {
    const el = $(sel);
    const previous = el.value;
    replace(el,
      anonymous ? h('option', { value: '' }, 'Anonymous (no token)') : null,
      h('optgroup', { label: 'Contacts' }, options(contacts)),
      h('optgroup', { label: 'Agents' }, options(agents)));
    if ([...el.options].some((o) => o.value === previous)) el.value = previous;
  }
}

function fillLanguageSelect() {
  const el = $('#va-language');
  const previous = el.value;
  replace(el, h('option', { value: '' }, 'Automatic'),
    state.kb.account.languages.map((l) => h('option', { value: l }, l)));
  el.value = previous;
}

function fillWidgetSelect() {
  const el = $('#va-widget');
  const previous = el.value;
  replace(el, state.kb.widgets.map((w) => h('option', { value: w.id }, `${w.id} ${w.name}${w.active ? '' : ' (inactive)'}`)));
  const firstActive = state.kb.widgets.find((w) => w.active);
  el.value = previous && [...el.options].some((o) => o.value === previous) ? previous : firstActive ? String(firstActive.id) : '';
}

// ---------------------------------------------------------------- view as

let viewAsSeq = 0;

async function runViewAs() {
  const params = new URLSearchParams();
  const fields = { email: '#va-persona', language: '#va-language', widget: '#va-widget', referrer: '#va-referrer', term: '#va-term' };
  for (const [key, sel] of Object.entries(fields)) {
    const v = $(sel).value.trim();
    if (v) params.set(key, v);
  }
  const seq = ++viewAsSeq;
  const data = await call(`/view-as?${params}`);
  if (!data || seq !== viewAsSeq) return;
  state.viewAs = data;
  renderViewAs(data);
}

function describePersona(p) {
  if (p.kind === 'anonymous') return ['Anonymous visitor', ' (no token)'];
  if (p.kind === 'unknown') return [p.email, ' (no such user)'];
  const parts = [];
  if (p.kind === 'agent') {
    parts.push(p.manage_tickets ? (p.admin ? 'agent, admin' : 'agent') : 'agent without the manage-tickets privilege');
  } else {
    const companies = (p.companies || []).map((c) => c.name);
    parts.push(companies.length ? `contact of ${companies.join(' and ')}` : 'contact without a company');
    const segments = [...(p.contact_segments || []), ...(p.company_segments || [])].map((s) => s.name);
    if (segments.length) parts.push(`in ${segments.join(', ')}`);
  }
  if (p.state && p.state !== 'active') parts.push(p.state);
  return [h('strong', {}, p.name), ` <${p.email}> · ${parts.join(' · ')}`];
}

function articleItems(list, empty) {
  if (!list.length) return [h('li', { class: 'empty' }, empty)];
  return list.map((a) => h('li', { dataset: { id: a.id } }, h('span', { class: 'id' }, a.id), a.title));
}

function renderViewAs(data) {
  const summary = $('#va-summary');
  summary.classList.toggle('refused', Boolean(data.refused));
  if (data.refused) {
    const r = data.refused;
    replace(summary,
      h('p', {}, describePersona(data.persona)),
      h('p', {}, h('strong', {}, `Refused: ${r.status} ${r.code || ''}`), ' on every widget call. ', r.reason || ''));
  } else {
    const sees = { anonymous: 'an anonymous visitor', contact: 'a contact', agent: 'an agent' }[data.sees_as] || data.sees_as;
    replace(summary,
      h('p', {}, describePersona(data.persona)),
      h('p', {}, `Sees what ${sees} sees through widget ${widgetName(data.widget)}. Language `, h('strong', { id: 'va-lang' }, data.language), `: ${data.language_reason}.`));
  }
  const term = data.term || '';
  replace($('#va-search'), data.refused ? [h('li', { class: 'empty' }, 'Refused.')] : term.trim()
    ? articleItems(data.search, `No article found for “${term}”.`)
    : [h('li', { class: 'empty' }, 'Type a search above.')]);
  replace($('#va-suggested'), articleItems(data.suggested, data.refused ? 'Refused.' : 'No suggestion.'));
  $('#va-rule').textContent = data.refused ? '' : data.suggestion_rule
    ? `The widget's rule for pages containing “${data.suggestion_rule}”.`
    : 'No rule matches the page: the most viewed articles this persona may open.';
  renderAccess(data.articles || []);
}

function renderAccess(articles) {
  const onlyHidden = $('#va-only-hidden').checked;
  const folders = new Map();
  if (state.kb) for (const c of state.kb.categories) for (const f of c.folders) folders.set(f.id, f);
  const rows = articles.filter((a) => !onlyHidden || !a.visible || !a.searchable).map((a) => {
    const folder = folders.get(a.folder);
    const why = !a.visible ? a.reason : !a.searchable ? a.search_reason : '';
    return h('tr', { id: `va-article-${a.id}`, class: a.visible ? 'article-visible' : 'article-hidden', dataset: { visible: a.visible, searchable: a.searchable } },
      h('td', { class: 'cell-title' }, h('span', { class: 'id' }, `${a.id} `), a.title),
      h('td', { 'data-label': 'Folder' }, `${a.folder} ${a.folder_name}`, folder ? badge(folder) : null),
      h('td', { 'data-label': 'Open' }, a.visible ? h('span', { class: 'yes' }, '✓ yes') : h('span', { class: 'no' }, '✗ no')),
      h('td', { 'data-label': 'Search' }, a.searchable ? h('span', { class: 'yes' }, '✓ yes') : h('span', { class: 'no' }, '✗ no')),
      h('td', { class: 'reason' }, why || ''));
  });
  replace($('#va-articles tbody'), rows.length ? rows : h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No article.')));
}

// ---------------------------------------------------------------- feedback

function allArticles() {
  const out = [];
  if (!state.kb) return out;
  for (const c of state.kb.categories) for (const f of c.folders) for (const a of f.articles) out.push({ article: a, folder: f, category: c });
  return out;
}

function fillFeedbackSelect() {
  const el = $('#fb-article');
  const previous = el.value;
  const groups = [];
  for (const c of state.kb.categories) {
    for (const f of c.folders) {
      groups.push(h('optgroup', { label: `${f.name} (folder ${f.id})` }, f.articles.map((a) => h('option', { value: a.id }, `${a.id} ${a.title}`))));
    }
  }
  replace(el, h('option', { value: '' }, 'Choose an article…'), groups);
  el.value = state.feedbackArticle ? String(state.feedbackArticle) : previous;
}

function userEmail(user) {
  if (user.email) return user.email;
  const known = state.users.find((u) => u.id === user.id);
  return known ? known.email : '';
}

function voteCard(title, side, cls) {
  const users = (side && side.users) || [];
  const anonymous = (side && side.anonymous) || 0;
  return h('div', { class: `card ${cls}` },
    h('h3', {}, title, ' ', h('span', { class: 'n muted' }, `(${users.length + anonymous})`)),
    h('p', { class: 'anonymous' }, `${anonymous} anonymous vote${anonymous === 1 ? '' : 's'}`),
    users.length
      ? h('ul', { class: 'voter-list' }, users.map((u) => h('li', { dataset: { id: u.id } }, h('strong', {}, u.name || `user ${u.id}`), ' ', h('span', { class: 'muted' }, `<${userEmail(u)}>`), u.language ? h('span', { class: 'lang' }, u.language) : null)))
      : h('p', { class: 'muted' }, 'No customer with an account.'));
}

/** The votes endpoint's answer as [{language|null, helpful, not_helpful}]. */
function voteSets(data) {
  if (!data) return [];
  if (Array.isArray(data)) return data;
  if (data.helpful || data.not_helpful) return [{ language: data.language || null, ...data }];
  if (data.languages && typeof data.languages === 'object') {
    return Object.entries(data.languages).map(([language, v]) => ({ language, ...v }));
  }
  return [];
}

async function showFeedback(id) {
  const body = $('#fb-body');
  state.feedbackArticle = id ? Number(id) : null;
  $('#fb-article').value = id ? String(id) : '';
  if (!id) { replace(body, h('p', { class: 'muted' }, 'Choose an article to see who voted.')); return; }
  const found = allArticles().find((x) => x.article.id === Number(id));
  if (!found) { replace(body, h('p', { class: 'muted' }, `There is no article ${id}.`)); return; }
  const { article, folder } = found;
  const counters = h('div', { class: 'card' },
    h('h3', {}, `${article.id} ${article.title}`),
    h('p', { class: 'small' }, `Folder ${folder.id} ${folder.name}`, badge(folder), ` · ${article.status} · ${article.hits.toLocaleString('en')} hits in the fixtures`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Language'), h('th', { scope: 'col' }, 'Title'), h('th', { scope: 'col', class: 'num' }, 'Helpful'), h('th', { scope: 'col', class: 'num' }, 'Not helpful'))),
      h('tbody', {}, article.translations.map((t) => h('tr', {}, h('td', {}, h('span', { class: 'lang' }, t.language)), h('td', {}, t.title), h('td', { class: 'num' }, t.thumbs_up), h('td', { class: 'num' }, t.thumbs_down)))))),
    h('p', { class: 'small muted' }, 'Counters as the fixtures start them.'));
  const r = await api(`/votes?article=${encodeURIComponent(id)}`);
  if (state.feedbackArticle !== Number(id)) return;
  let votes;
  if (r.missing) {
    votes = h('div', { class: 'card unavailable', id: 'fb-unavailable' },
      h('h3', {}, 'Who voted: not available on this server'),
      h('p', {}, 'This freshmock build does not record votes yet: it has no ', h('code', {}, 'GET /_freshmock/votes'), '. The counters above are the fixtures\' starting values.'));
  } else if (!r.ok) {
    votes = h('div', { class: 'card refused' }, `Could not read the votes: ${(r.data && r.data.message) || r.status}`);
  } else {
    const sets = voteSets(r.data);
    votes = h('div', { id: 'fb-votes' }, sets.length ? sets.map((s) => h('div', {},
      s.language ? h('h3', {}, `In ${s.language}`) : null,
      h('div', { class: 'votes' }, voteCard('Helpful', s.helpful, 'helpful'), voteCard('Not helpful', s.not_helpful, 'not-helpful'))))
      : h('p', { class: 'muted' }, 'No vote yet.'));
  }
  replace(body, counters, votes);
}

// ---------------------------------------------------------------- tickets

function ticketList(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.tickets)) return data.tickets;
  return [];
}

function requester(t) {
  const r = t.requester || {};
  const name = r.name || t.name || '';
  const email = r.email || t.email || '';
  return { name, email, id: r.id || t.requester_id };
}

async function loadTickets() {
  const r = await api('/tickets');
  const unavailable = $('#tk-unavailable');
  if (r.missing) {
    state.tickets = 'unavailable';
    replace(unavailable, h('div', { class: 'card unavailable', id: 'tk-missing' },
      h('h3', {}, 'Tickets: not available on this server'),
      h('p', {}, 'This freshmock build does not keep tickets yet: it has no ', h('code', {}, 'GET /_freshmock/tickets'), '.')));
    $('#tk-split').hidden = true;
    renderTickets();
    return;
  }
  replace(unavailable);
  $('#tk-split').hidden = false;
  if (!r.ok) { showError(`GET ${API}/tickets failed (${(r.data && r.data.message) || r.status})`); return; }
  const list = ticketList(r.data);
  const first = state.tickets === null || state.tickets === 'unavailable';
  for (const t of list) {
    if (!first && !state.knownTickets.has(t.id)) state.freshTickets.add(t.id);
    state.knownTickets.add(t.id);
  }
  state.tickets = list;
  renderTickets();
  if (state.view === 'tickets' && state.ticketId) await showTicket(state.ticketId, false);
}

function renderTickets() {
  const tbody = $('#tk-list tbody');
  const count = $('#tickets-count');
  if (!Array.isArray(state.tickets)) {
    replace(tbody);
    $('#tk-empty').hidden = true;
    count.hidden = true;
    return;
  }
  const list = [...state.tickets].sort((a, b) => (b.id || 0) - (a.id || 0));
  count.textContent = String(list.length);
  count.hidden = list.length === 0;
  $('#tk-empty').hidden = list.length > 0;
  replace(tbody, list.map((t) => {
    const who = requester(t);
    const fresh = state.freshTickets.has(t.id);
    state.freshTickets.delete(t.id);
    return h('tr', { id: `ticket-${t.id}`, class: [String(t.id) === String(state.ticketId) ? 'selected' : '', fresh ? 'fresh' : ''].join(' ').trim() || null },
      h('td', { class: 'cell-id' }, h('a', { href: `#tickets/${t.id}` }, `#${t.id}`)),
      h('td', { class: 'cell-title' }, h('a', { href: `#tickets/${t.id}` }, t.subject || '(no subject)')),
      h('td', {}, who.name ? `${who.name} ` : '', h('span', { class: 'muted' }, who.email)),
      h('td', {}, formatTime(t.created_at)));
  }));
}

/** Freshdesk's numbers for ticket status, priority and source, in words. */
const TICKET_STATUS = { 2: 'Open', 3: 'Pending', 4: 'Resolved', 5: 'Closed' };
const TICKET_PRIORITY = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };
const TICKET_SOURCE = { 1: 'Email', 2: 'Portal', 3: 'Phone', 7: 'Chat', 9: 'Feedback widget', 10: 'Outbound email' };

function named(value, names) {
  return names[value] ? `${value} (${names[value]})` : value;
}

function articleTitle(id) {
  const found = allArticles().find((x) => x.article.id === Number(id));
  return found ? `${id} ${found.article.title}` : String(id);
}

/** A value for a key-value list: scalars as text, lists of scalars inline, the rest as JSON. */
function kvValue(key, v) {
  if (v instanceof Node || typeof v !== 'object') return v;
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) {
    if (/article/i.test(key)) return h('ul', { class: 'plain' }, v.map((id) => h('li', {}, h('a', { href: `#feedback/${id}` }, articleTitle(id)))));
    return v.join(', ');
  }
  return h('pre', { class: 'json' }, JSON.stringify(v, null, 2));
}

function kvList(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length)).map(([k, v]) => [
    h('dt', {}, k),
    h('dd', {}, kvValue(k, v)),
  ]));
}

/** The ticket's description as text: it is HTML the customer typed, never rendered. */
function descriptionText(t) {
  if (t.description_text) return t.description_text;
  if (!t.description) return '';
  return new DOMParser().parseFromString(t.description, 'text/html').body.textContent || '';
}

function formatSize(bytes) {
  if (typeof bytes !== 'number') return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A conversation's kind in words: a reply, or a note (private or public, incoming when
 * the customer wrote it). */
function conversationKind(c) {
  if (c.source !== 2) return 'Reply';
  return `${c.private ? 'Private' : 'Public'} note${c.incoming ? ' (incoming)' : ''}`;
}

/** The ticket's replies and notes, oldest first: bodies as text, never rendered. */
function conversationList(conversations) {
  if (!Array.isArray(conversations)) return h('p', { class: 'muted' }, 'Not kept by this server.');
  if (!conversations.length) return h('p', { class: 'muted', id: 'tk-no-conversations' }, 'None: no replies or notes yet.');
  return h('ol', { class: 'conversations', id: 'tk-conversations' }, conversations.map((c) => {
    const text = c.body_text || (c.body ? new DOMParser().parseFromString(c.body, 'text/html').body.textContent : '');
    return h('li', { class: 'conversation', 'data-kind': c.source === 2 ? 'note' : 'reply', 'data-private': c.private ? 'true' : 'false' },
      h('div', { class: 'conversation-head' },
        h('strong', {}, conversationKind(c)),
        ` #${c.id} by user ${c.user_id}`,
        c.to_emails && c.to_emails.length ? ` to ${c.to_emails.join(', ')}` : '',
        ` · ${formatTime(c.created_at)}`),
      h('div', { class: 'description' }, text || h('span', { class: 'muted' }, '(empty)')));
  }));
}

async function showTicket(id, focus) {
  state.ticketId = id;
  for (const row of document.querySelectorAll('#tk-list tbody tr')) row.classList.toggle('selected', row.id === `ticket-${id}`);
  const detail = $('#tk-detail');
  if (!id) { replace(detail, h('p', { class: 'muted' }, 'Choose a ticket to see it here.')); return; }
  if (!Array.isArray(state.tickets)) return;
  const r = await api(`/tickets/${encodeURIComponent(id)}`);
  let t = r.ok ? (r.data && r.data.ticket) || r.data : null;
  if (!t) t = state.tickets.find((x) => String(x.id) === String(id));
  if (!t) { replace(detail, h('p', { class: 'muted' }, `There is no ticket ${id}.`)); return; }
  const who = requester(t);
  const custom = t.custom_fields && Object.keys(t.custom_fields).length ? t.custom_fields : null;
  const attachments = t.attachments || [];
  const meta = t.meta && typeof t.meta === 'object' ? t.meta : null;
  replace(detail,
    h('h3', { id: 'tk-detail-title', tabindex: '-1' }, `#${t.id} ${t.subject || '(no subject)'}`),
    kvList([
      ['Requester', `${who.name || ''} <${who.email || ''}>${who.id ? ` (id ${who.id})` : ''}`],
      ['Created', formatTime(t.created_at)],
      ['Status', named(t.status, TICKET_STATUS)], ['Priority', named(t.priority, TICKET_PRIORITY)], ['Type', t.type || t.ticket_type],
      ['Source', named(t.source, TICKET_SOURCE)], ['Widget', t.widget_id], ['Client id', t.client_id],
      ['Phone', t.phone], ['CC', t.cc_emails], ['Tags', t.tags],
    ]),
    custom ? [h('h4', {}, 'Fields'), kvList(Object.entries(custom))] : null,
    h('h4', {}, 'Description'),
    h('div', { class: 'description' }, descriptionText(t) || h('span', { class: 'muted' }, '(empty)')),
    h('h4', {}, 'Conversations'),
    conversationList(t.conversations),
    h('h4', {}, 'Attachments'),
    attachments.length
      ? h('ul', {}, attachments.map((a) => h('li', {}, h('strong', {}, a.name || `attachment ${a.id}`), ` ${a.content_type || ''} ${formatSize(a.size)}`)))
      : (t.attachment_ids && t.attachment_ids.length ? h('p', {}, `ids ${t.attachment_ids.join(', ')}`) : h('p', { class: 'muted' }, 'None.')),
    h('h4', {}, 'Meta'),
    meta && Object.keys(meta).length ? kvList(Object.entries(meta)) : h('p', { class: 'muted' }, 'None.'));
  if (focus) $('#tk-detail-title').focus();
}

// ---------------------------------------------------------------- requests

async function loadRequests() {
  const r = await api(`/requests?limit=${MAX_REQUESTS}`);
  if (!r.ok) return;
  state.requests = (r.data && r.data.entries) || [];
  renderRequests();
}

const renderRequestsSoon = (() => {
  let pending = false;
  return () => {
    if (state.paused) { state.unseenWhilePaused += 1; updatePauseNote(); return; }
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; renderRequests(); }, 80);
  };
})();

function statusMatches(filter, status) {
  if (!filter) return true;
  const f = filter.toLowerCase().replace(/x/g, '.');
  if (/^[0-9.]{1,3}$/.test(f)) return new RegExp(`^${f}`).test(String(status));
  return String(status).includes(filter);
}

function requestFilters() {
  return {
    email: $('#rq-email').value.trim().toLowerCase(),
    path: $('#rq-path').value.trim(),
    status: $('#rq-status').value.trim(),
  };
}

function renderRequests() {
  const f = requestFilters();
  const matching = state.requests.filter((e) =>
    (!f.email || (e.email || '').toLowerCase().includes(f.email))
    && (!f.path || `${e.path}${e.query ? `?${e.query}` : ''}`.includes(f.path))
    && statusMatches(f.status, e.status));
  const shown = matching.slice(-MAX_REQUEST_ROWS).reverse();
  replace($('#rq-table tbody'), shown.length ? shown.map((e) => h('tr', { id: `request-${e.id}`, dataset: { status: e.status } },
    h('td', { class: 'num cell-id' }, e.id),
    h('td', { title: e.at, class: 'nowrap' }, (e.at || '').replace('T', ' ').replace('Z', '')),
    h('td', { class: 'path cell-title' }, h('strong', {}, e.method), ' ', e.path, e.query ? h('span', { class: 'muted' }, `?${e.query}`) : null),
    h('td', { class: 'nowrap' }, h('span', { class: `code code-${String(e.status)[0]}` }, e.status === 0 ? 'dropped' : e.status), h('span', { class: 'muted small' }, ` ${(e.duration_us / 1000).toFixed(1)} ms`)),
    h('td', {}, e.email || h('span', { class: 'muted' }, 'anonymous')),
    h('td', { class: `verdict-${e.token}`, 'data-label': 'Token' }, e.token),
    h('td', { class: 'reason' }, e.reason || '')))
    : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, state.requests.length ? 'No request matches the filters.' : 'No request yet: calls to the widget API appear here as they happen.')));
  const count = $('#requests-count');
  count.textContent = String(state.requests.length);
  count.hidden = state.requests.length === 0;
  $('#rq-shown').textContent = `${matching.length} of ${state.requests.length} requests${matching.length > MAX_REQUEST_ROWS ? ` (newest ${MAX_REQUEST_ROWS} shown)` : ''}.`;
}

function updatePauseNote() {
  $('#rq-pause').textContent = state.paused ? `Resume${state.unseenWhilePaused ? ` (${state.unseenWhilePaused} new)` : ''}` : 'Pause';
}

// ---------------------------------------------------------------- controls: secret, tokens, reset

async function loadSecret() {
  const data = await call('/secret');
  if (!data) return;
  $('#ct-secret').textContent = data.secret;
  replace($('#ct-former'), (data.former || []).map((f) => h('li', {}, 'replaced ', h('code', {}, f.secret), ` at ${formatTime(f.replaced_at)}`)));
}

async function mintToken(event) {
  event.preventDefault();
  const email = $('#ct-token-persona').value;
  const ttl = $('#ct-token-ttl').value.trim();
  const data = await call('/tokens', { method: 'POST', body: ttl ? { email, ttl } : { email } });
  if (!data) return;
  $('#ct-token-out').hidden = false;
  $('#ct-token').value = data.token;
  $('#ct-token-note').textContent = `For ${data.claims.name} <${data.claims.email}>, expires ${formatTime(data.claims.exp)} (mock time).`;
}

async function copyToken() {
  const area = $('#ct-token');
  let copied = false;
  try {
    await navigator.clipboard.writeText(area.value);
    copied = true;
  } catch {
    area.focus();
    area.select();
    try { copied = document.execCommand('copy'); } catch { copied = false; }
  }
  $('#ct-token-note').textContent = copied ? 'Copied to the clipboard.' : 'Could not copy: the token is selected, press Ctrl+C.';
}

async function explainToken() {
  const data = await call('/tokens/explain', { method: 'POST', body: { token: $('#ct-token').value } });
  if (!data) return;
  $('#ct-token-note').textContent = `${data.accepted ? 'Accepted' : 'Refused'} (${data.status}): ${data.reason}`;
}

async function doReset() {
  $('#ct-reset-confirm').hidden = true;
  $('#ct-reset').hidden = false;
  const data = await call('/reset', { method: 'POST' });
  if (data) $('#ct-reset-note').textContent = `Reset at ${formatInstant(Date.now())} (wall time).`;
  $('#ct-reset').focus();
}

// ---------------------------------------------------------------- routing

const VIEWS = ['kb', 'view-as', 'feedback', 'tickets', 'requests', 'controls'];

function route(moveFocus) {
  const [raw, arg] = decodeURIComponent(location.hash.replace(/^#/, '')).split('/');
  const view = VIEWS.includes(raw) ? raw : 'kb';
  const changed = state.view !== view;
  state.view = view;
  for (const section of document.querySelectorAll('.view')) section.hidden = section.dataset.view !== view;
  for (const link of document.querySelectorAll('.tabs a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view === 'view-as' && changed) runViewAs();
  if (view === 'feedback') showFeedback(arg || state.feedbackArticle);
  if (view === 'tickets') {
    state.ticketId = arg || null;
    if (!arg) showTicket(null, false);
    // loadTickets shows the chosen ticket once the list is in.
    loadTickets().then(() => { if (moveFocus && arg && $('#tk-detail-title')) $('#tk-detail-title').focus(); });
  }
  if (view === 'requests') renderRequests();
  if (moveFocus && changed) {
    const heading = document.querySelector(`#view-${view} h2`);
    if (heading) heading.focus();
  }
}

// ---------------------------------------------------------------- start

function wire() {
  $('#kb-filter').addEventListener('input', applyKbFilter);
  $('#kb-expand').addEventListener('click', () => setAllOpen(true));
  $('#kb-collapse').addEventListener('click', () => setAllOpen(false));

  const viewAsSoon = debounce(runViewAs, 200);
  $('#va-form').addEventListener('submit', (e) => { e.preventDefault(); runViewAs(); });
  for (const sel of ['#va-persona', '#va-language', '#va-widget']) $(sel).addEventListener('change', runViewAs);
  for (const sel of ['#va-term', '#va-referrer']) $(sel).addEventListener('input', viewAsSoon);
  $('#va-only-hidden').addEventListener('change', () => { if (state.viewAs) renderAccess(state.viewAs.articles || []); });

  $('#fb-article').addEventListener('change', (e) => { location.hash = e.target.value ? `#feedback/${e.target.value}` : '#feedback'; });

  const rerender = debounce(renderRequests, 100);
  for (const sel of ['#rq-email', '#rq-path', '#rq-status']) $(sel).addEventListener('input', rerender);
  $('#rq-filters').addEventListener('submit', (e) => e.preventDefault());
  $('#rq-pause').addEventListener('click', () => {
    state.paused = !state.paused;
    $('#rq-pause').setAttribute('aria-pressed', String(state.paused));
    if (!state.paused) { state.unseenWhilePaused = 0; renderRequests(); }
    updatePauseNote();
  });
  $('#rq-clear').addEventListener('click', async () => {
    if (await call('/requests', { method: 'DELETE' })) { state.requests = []; renderRequests(); }
  });

  for (const b of document.querySelectorAll('[data-advance]')) b.addEventListener('click', () => advance(b.dataset.advance));
  $('#ct-advance-form').addEventListener('submit', (e) => { e.preventDefault(); advance($('#ct-advance-by').value.trim()); });
  $('#ct-set-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = await call('/clock', { method: 'PUT', body: { now: $('#ct-set-to').value.trim() } });
    if (data) setClock(data);
  });
  $('#ct-freeze').addEventListener('click', async () => {
    const frozen = state.clock && state.clock.frozen;
    const data = await call(frozen ? '/clock/unfreeze' : '/clock/freeze', { method: 'POST' });
    if (data) setClock(data);
  });
  $('#ct-token-form').addEventListener('submit', mintToken);
  $('#ct-token-copy').addEventListener('click', copyToken);
  $('#ct-token-explain').addEventListener('click', explainToken);
  $('#ct-rotate').addEventListener('click', async () => {
    const data = await call('/secret/rotate', { method: 'POST' });
    if (data) loadSecret();
  });
  $('#ct-reset').addEventListener('click', () => {
    $('#ct-reset').hidden = true;
    $('#ct-reset-confirm').hidden = false;
    $('#ct-reset-yes').focus();
  });
  $('#ct-reset-no').addEventListener('click', () => { $('#ct-reset-confirm').hidden = true; $('#ct-reset').hidden = false; $('#ct-reset').focus(); });
  $('#ct-reset-yes').addEventListener('click', doReset);

  $('#auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('#auth-token').value);
    $('#auth-banner').hidden = true;
    showError(null);
    reloadAll();
  });

  window.addEventListener('hashchange', () => route(true));
  setInterval(() => { if (state.clock && !state.clock.frozen) renderClock(); }, 250);
}

async function start() {
  wire();
  setLive(false);
  await Promise.all([loadKb(), loadUsers(), loadClock(), loadSecret()]);
  route(false);
  loadTickets();
  streamEvents();
  document.body.dataset.ready = 'true';
}

start();
