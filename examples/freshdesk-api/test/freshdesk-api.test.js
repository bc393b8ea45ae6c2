// The npm `freshdesk-api` client (Freshdesk REST API v2), unchanged, pointed at freshmock:
// an agent-side job's calls, and the widget seeing what they wrote, in one offline run.
// Run by scripts/kits.sh (FRESHMOCK_BIN names the binary under test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { startFreshmock } from 'freshmock';

const require = createRequire(import.meta.url);
const Freshdesk = require('freshdesk-api');

/** The bundled account's keys (fixtures/agents.json). */
const ADMIN_KEY = 'adminkey0000000000000000000000001';
const AGENT_KEY = 'agentkey0000000000000000000000002';
/** The main widget, and its public folder. */
const WIDGET = '12000000025';
const PUBLIC_FOLDER = 11;

let server;
let admin;
let agent;

/** The client's callback methods as promises: [data, extra]. */
function client(key) {
  const fd = new Freshdesk(server.url, key);
  return new Proxy(fd, {
    get(target, name) {
      const method = target[name];
      if (typeof method !== 'function') return method;
      return (...args) =>
        new Promise((resolve, reject) =>
          method.call(target, ...args, (err, data, extra) => (err ? reject(err) : resolve([data, extra]))),
        );
    },
  });
}

/** Article ids the widget's search finds, anonymously. */
async function widgetFinds(term, extra = '') {
  const res = await fetch(`${server.url}/api/widget/search/solutions?term=${encodeURIComponent(term)}${extra}`, {
    headers: { 'X-Widget-Id': WIDGET, 'X-Client-Id': 'freshdesk-api-example' },
  });
  assert.equal(res.status, 200);
  return (await res.json()).map((a) => a.id);
}

before(async () => {
  server = await startFreshmock();
  admin = client(ADMIN_KEY);
  agent = client(AGENT_KEY);
});

after(async () => {
  await server?.stop();
});

test('an article published through the client is found by the widget, and unpublished is gone', async () => {
  const [article] = await admin.createSolutionArticle(PUBLIC_FOLDER, {
    title: 'Pairing the kettle',
    description: '<p>Hold the kettleflux button for five seconds.</p>',
    status: 2,
  });
  assert.equal(article.folder_id, PUBLIC_FOLDER);
  assert.deepEqual(await widgetFinds('kettleflux'), [article.id]);

  const [drafted] = await admin.updateSolutionArticle(article.id, { status: 1 });
  assert.equal(drafted.status, 1);
  assert.deepEqual(await widgetFinds('kettleflux'), []);

  const [found] = await admin.searchSolutionArticles('kettleflux');
  assert.deepEqual(found.map((a) => a.id), [article.id]);
});

test('categories, folders and translations made through the client read back', async () => {
  const [category] = await admin.createSolutionCategory({ name: 'Kettles', description: 'Everything kettle' });
  const [folder] = await admin.createSolutionFolder(category.id, { name: 'Setup', visibility: 1 });
  const [folders] = await admin.listAllSolutionCategoryFolders(category.id);
  assert.deepEqual(folders.map((f) => f.id), [folder.id]);
  const [article] = await admin.createSolutionArticle(folder.id, {
    title: 'Descaling',
    description: '<p>Vinegar.</p>',
    status: 2,
    tags: ['kettle'],
  });
  const [translated] = await admin.createTranslatedSolutionArticle(article.id, 'fr', {
    title: 'Détartrage',
    description: '<p>Du vinaigre.</p>',
    status: 2,
  });
  assert.equal(translated.title, 'Détartrage');
  const [back] = await admin.getTranslatedSolutionArticle(article.id, 'fr');
  assert.equal(back.title, 'Détartrage');
  const [articles] = await admin.listAllSolutionFolderArticles(folder.id);
  assert.deepEqual(articles.map((a) => a.title), ['Descaling']);

  const [, extra] = await admin.deleteSolutionCategory(category.id);
  assert.equal(typeof extra.requestId, 'string');
  // Freshdesk answers a missing record with an empty 404 that the client tries to read as
  // JSON: it rejects with a SyntaxError, against Freshdesk and freshmock alike.
  await assert.rejects(admin.getSolutionFolder(folder.id), SyntaxError);
  const res = await fetch(`${server.url}/api/v2/solutions/folders/${folder.id}`, {
    headers: { Authorization: 'Basic ' + Buffer.from(`${ADMIN_KEY}:X`).toString('base64') },
  });
  assert.equal(res.status, 404);
});

test("an agent whose role does not allow knowledge-base writes is refused with Freshdesk's error", async () => {
  await assert.rejects(
    agent.createSolutionCategory({ name: 'Not allowed' }),
    (err) => err.name === 'FreshdeskError' && err.status === 403 && err.data.code === 'access_denied',
  );
  const [categories, extra] = await agent.listAllSolutionCategories();
  assert.ok(categories.length >= 3);
  assert.equal(extra.pageIsLast, true);
});

test('validation errors reach the client as Freshdesk words them', async () => {
  await assert.rejects(admin.createSolutionArticle(PUBLIC_FOLDER, { title: 'No body' }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.data.description, 'Validation failed');
    assert.deepEqual(err.data.errors.map((e) => [e.field, e.code]).sort(), [
      ['description', 'missing_field'],
      ['status', 'missing_field'],
    ]);
    return true;
  });
});

test("a ticket sent through the widget's contact form is read back through the client", async () => {
  const res = await fetch(`${server.url}/api/widget/tickets`, {
    method: 'POST',
    headers: { 'X-Widget-Id': WIDGET, 'X-Client-Id': 'freshdesk-api-example', 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'nora@example.com', description: 'The kettle will not pair.', 'g-recaptcha-response': 'ok' }),
  });
  assert.equal(res.status, 201);
  const { id } = await res.json();
  const [tickets] = await admin.listAllTickets({ email: 'nora@example.com' });
  assert.deepEqual(tickets.map((t) => t.id), [id]);
  assert.equal(tickets[0].source, 9);
  const [ticket] = await admin.getTicket(id);
  assert.match(ticket.description_text, /will not pair/);

  const [made] = await agent.createTicket({
    email: 'nora@example.com',
    subject: 'Follow-up',
    description: 'Called the customer back.',
    status: 2,
    priority: 1,
  });
  const [updated] = await agent.updateTicket(made.id, { status: 4 });
  assert.equal(updated.status, 4);
});

test('a contact made through the client is the widget user its email names', async () => {
  const [contact] = await admin.createContact({ name: 'Kettle Owner', email: 'owner@kettles.test' });
  const [listed] = await admin.listAllContacts({ email: 'owner@kettles.test' });
  assert.deepEqual(listed.map((c) => c.id), [contact.id]);
  const [read] = await agent.getContact(contact.id);
  assert.equal(read.name, 'Kettle Owner');
  await admin.deleteContact(contact.id);
  const [after] = await admin.getContact(contact.id);
  assert.equal(after.deleted, true);
});
