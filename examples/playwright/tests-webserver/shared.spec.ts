// One freshmock started by `webServer`: reset in beforeEach, then the bundled demo site
// (served by freshmock itself at /) with the widget.
import { test, expect } from '@playwright/test';
import { Freshmock } from 'freshmock';

const freshmock = new Freshmock(`http://127.0.0.1:${process.env.FRESHMOCK_PORT ?? 8787}`);

test.beforeEach(async () => {
  await freshmock.reset();
});

test('a ticket sent from the widget on the demo page is awaited on the server', async ({ page }) => {
  await page.goto('/');
  await page.waitForFunction(() => (window as any).__freshmock?.state().status === 'ready');
  await page.evaluate(() => (window as any).FreshworksWidget('open', 'ticketForm'));
  const form = page.frameLocator('#widget-frame');
  await form.locator('#email').fill('nora@example.com');
  await form.locator('#description').fill('Sent through the shared server.');
  await form.locator('#captcha').check();
  await form.locator('.submit').click();
  const ticket = await freshmock.waitForTicket({ email: 'nora@example.com' });
  expect(JSON.stringify(ticket)).toContain('Sent through the shared server.');
});
