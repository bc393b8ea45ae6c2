// Compiled by `npm run typecheck` only: the README's uses of the client type-check.
import { Freshmock, FreshmockWaitTimeout, startFreshmock, type Ticket } from '../index.js';

async function readme(): Promise<void> {
  const fm = await startFreshmock({ now: '2026-01-01T00:00:00Z' });
  const token: string = await fm.token('alice@globex.test', { ttl: '90m' });
  const ticket: Ticket = await fm.waitForTicket({ email: 'nora@example.com' }, { timeout: 5000 });
  const n: number = await fm.countRequests({ route: 'widget.search' });
  await fm.addFault({ path: '/api/widget/search/*', status: 503 });
  await fm.advanceClock({ by: '90m' });
  try {
    await fm.waitForTickets({}, { count: 2, timeout: 100 });
  } catch (e) {
    if (e instanceof FreshmockWaitTimeout) console.log(e.seen, e.code);
  }
  const other = new Freshmock(fm.url, { controlToken: 'x' });
  await other.health();
  console.log(token, ticket.requester.email, n);
  await fm.stop();
}
void readme;

import { appClock, AppClock } from '../clock.js';

async function clockAndVerify(fm: Freshmock): Promise<void> {
  const now: number = await appClock.seconds();
  const ms: number = new AppClock({ url: fm.url, controlToken: 'sesame' }).cached();
  const refused = await fm.refusedRequests({ since: 3 });
  await fm.verify({ path: '/api/widget/bootstrap', token: 'refused', count: 0 });
  await fm.expectNoRefusedTokens();
  const t: Ticket = await fm.waitForTicket({ subject: 'Refund', text: 'kettle', since: 2 });
  console.log(now, ms, refused.length, t.id);
}
void clockAndVerify;
