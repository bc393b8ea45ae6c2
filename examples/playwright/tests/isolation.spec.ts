// Each worker has its own freshmock: a ticket sent to one is not in the other's list. The two
// tests run at once on the two workers and meet in a folder of the run's output, so each can
// look at the other's server while both are up.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Freshmock } from 'freshmock';
import type { TestInfo } from '@playwright/test';
import { test, expect } from '../fixtures.js';

test.describe.configure({ mode: 'parallel' });

/** The meeting folder of this repetition and retry, in the output folder Playwright empties
 * at the start of every run. */
function meetingFor(info: TestInfo): string {
  return join(info.project.outputDir, `isolation-${info.repeatEachIndex}-${info.retry}`);
}

async function arrival(meeting: string, name: string): Promise<string> {
  const file = join(meeting, name);
  await expect.poll(() => existsSync(file), {
    message: `the other worker's test did not reach "${name}" (are there two workers?)`,
    timeout: 20_000,
  }).toBe(true);
  return readFileSync(file, 'utf8');
}

for (const [me, other] of [['a', 'b'], ['b', 'a']]) {
  test(`worker ${me}'s server does not see worker ${other}'s ticket`, async ({ freshmock }, info) => {
    const meeting = meetingFor(info);
    mkdirSync(meeting, { recursive: true });
    const email = `worker-${me}@example.com`;
    const res = await fetch(freshmock.at('/api/widget/tickets'), {
      method: 'POST',
      headers: { 'X-Widget-Id': '12000000025', 'X-Client-Id': `isolation-${me}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, description: `from worker ${me}`, 'g-recaptcha-response': 'ok' }),
    });
    expect(res.status).toBe(201);
    writeFileSync(join(meeting, `${me}.url`), `${freshmock.url} ${info.workerIndex}`);

    const [otherUrl, otherWorker] = (await arrival(meeting, `${other}.url`)).split(' ');
    expect(otherUrl).not.toBe(freshmock.url);
    expect(Number(otherWorker)).not.toBe(info.workerIndex);
    const mine = await freshmock.tickets();
    expect(mine.map((t) => t.requester.email)).toEqual([email]);
    const theirs = await new Freshmock(otherUrl).tickets();
    expect(theirs.map((t) => t.requester.email)).toEqual([`worker-${other}@example.com`]);

    // Both servers stay up until both tests have looked.
    writeFileSync(join(meeting, `${me}.done`), 'done');
    await arrival(meeting, `${other}.done`);
  });
}
