// Kettle & Co, a small shop with its own login and its own widget-token endpoint: the app a
// team tests with freshmock. node:http only. In production it would sign with the real
// clock; in test mode (FRESHMOCK_URL set) it signs with freshmock's clock through
// `appClock` from 'freshmock/clock', so its tokens agree with freshmock after a clock jump.
//
//   FRESHMOCK_URL=http://127.0.0.1:8787 WIDGET_SECRET=... PORT=0 node server.js
//
// Environment: PORT (0 picks one; the line "shop listening on URL" says which),
// FRESHMOCK_URL (where the widget script and, in test mode, the clock come from),
// WIDGET_SECRET (the widget secret it shares with the help desk), TOKEN_TTL (seconds,
// default 3600), APP_CLOCK=real (sign by real time even in test mode: the mistake the docs
// warn about, kept for a test that shows its refusal).
import { createServer } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';

const FRESHMOCK = (process.env.FRESHMOCK_URL ?? 'https://widget.freshworks.com').replace(/\/+$/, '');
const SECRET = process.env.WIDGET_SECRET ?? '';
const TTL = Number(process.env.TOKEN_TTL ?? 3600);
const WIDGET_ID = 12000000025;

// --- the clock tokens are signed by ------------------------------------------------------------
// ANCHOR: app_clock
// Test mode reads freshmock's clock; production (no FRESHMOCK_URL) reads the real one.
const clock = process.env.FRESHMOCK_URL && process.env.APP_CLOCK !== 'real'
  ? (await import('freshmock/clock')).appClock
  : { seconds: async () => Math.floor(Date.now() / 1000) };
// ANCHOR_END: app_clock

// --- HS256, as any JWT library signs it ---------------------------------------------------------
const b64url = (data) => Buffer.from(data).toString('base64url');
function signHs256(payload, secret) {
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

// ANCHOR: widget_token
/** The widget token for a logged-in customer: name, email, iat and exp by the app's clock. */
async function widgetToken(user) {
  const now = await clock.seconds();
  return signHs256({ name: user.name, email: user.email, iat: now, exp: now + TTL }, SECRET);
}
// ANCHOR_END: widget_token

// --- the shop's own customers and sessions ------------------------------------------------------
const USERS = {
  'alice@globex.test': { name: 'Alice Anders', email: 'alice@globex.test', password: 'kettle' },
  'bob@initech.test': { name: 'Bob Brown', email: 'bob@initech.test', password: 'kettle' },
};
const sessions = new Map();
function userOf(req) {
  const sid = /(?:^|;\s*)sid=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
  return sid ? sessions.get(sid) : undefined;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// --- the page: a strict Content-Security-Policy that names only freshmock's origin ---------------
function page(user, nonce) {
  const who = user
    ? `<p class="who">Signed in as <b>${esc(user.name)}</b></p>
       <form method="post" action="/logout" id="logout"><button>Log out</button></form>`
    : `<form method="post" action="/login" id="login">
         <label>Email <input name="email" type="email" required></label>
         <label>Password <input name="password" type="password" required></label>
         <button>Log in</button></form>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kettle &amp; Co</title>
<link rel="stylesheet" href="/shop.css">
<script nonce="${nonce}">
  window.fwSettings = { widget_id: ${WIDGET_ID} };
  !function(){if("function"!=typeof window.FreshworksWidget){var n=function(){n.q.push(arguments)};n.q=[],window.FreshworksWidget=n}}();
</script>
<script nonce="${nonce}" src="/shop.js" data-signed-in="${user ? 'yes' : 'no'}"></script>
<script nonce="${nonce}" src="${FRESHMOCK}/widgets/${WIDGET_ID}.js" async defer></script>
</head><body><header>Kettle &amp; Co</header><main><h1>Kettles that never leak</h1>${who}</main></body></html>`;
}

// The site's own widget code: once signed in, log the widget in with a token from
// /widget-token, renewing through the same endpoint; prefill the form; log out with the site.
const SHOP_JS = `(function () {
  var me = document.currentScript;
  function token() {
    return fetch('/widget-token', { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('/widget-token answered ' + r.status);
      return r.json();
    }).then(function (j) { return j.token; });
  }
  if (me.getAttribute('data-signed-in') === 'yes') {
    var renew = function () {
      token().then(function (t) { FreshworksWidget('authenticate', { token: t, callback: renew }); });
    };
    token().then(function (t) { FreshworksWidget('authenticate', { token: t, callback: renew }); });
  }
  document.addEventListener('DOMContentLoaded', function () {
    var out = document.getElementById('logout');
    if (out) out.addEventListener('submit', function () { FreshworksWidget('logout'); });
  });
})();`;
const SHOP_CSS = 'body{font:16px system-ui,sans-serif;margin:0;background:#f4f1ea;color:#2d2a26}' +
  'header{background:#2d2a26;color:#fff;padding:18px 32px;font-size:20px}main{padding:24px 32px;max-width:640px}' +
  'label{display:block;margin:8px 0}';

// ANCHOR: csp
function csp(nonce) {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' ${FRESHMOCK}`,
    `style-src 'self' ${FRESHMOCK}`,
    `frame-src ${FRESHMOCK}`,
    `connect-src 'self' ${FRESHMOCK}`,
    `img-src 'self' data: ${FRESHMOCK}`,
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
  ].join('; ');
}
// ANCHOR_END: csp

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://shop');
  const user = userOf(req);
  try {
    if (req.method === 'GET' && url.pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp(nonce) });
      return res.end(page(user, nonce));
    }
    if (req.method === 'GET' && url.pathname === '/shop.js') {
      return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(SHOP_JS);
    }
    if (req.method === 'GET' && url.pathname === '/shop.css') {
      return res.writeHead(200, { 'Content-Type': 'text/css' }).end(SHOP_CSS);
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      const form = await body(req);
      const found = USERS[form.get('email') ?? ''];
      if (!found || found.password !== form.get('password')) return res.writeHead(403).end('wrong email or password');
      const sid = randomBytes(16).toString('hex');
      sessions.set(sid, found);
      return res.writeHead(303, { Location: '/', 'Set-Cookie': `sid=${sid}; HttpOnly; SameSite=Lax; Path=/` }).end();
    }
    if (req.method === 'POST' && url.pathname === '/logout') {
      const sid = /(?:^|;\s*)sid=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (sid) sessions.delete(sid);
      return res.writeHead(303, { Location: '/', 'Set-Cookie': 'sid=; Max-Age=0; Path=/' }).end();
    }
    if (req.method === 'GET' && url.pathname === '/widget-token') {
      if (!user) return res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"not signed in"}');
      return res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify({ token: await widgetToken(user) }));
    }
    res.writeHead(404).end();
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`shop listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
