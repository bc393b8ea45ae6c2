// The demo site's "customer server" and the persona comparison. Plain JavaScript.
'use strict';
var WIDGET = '12000000025';
var PERSONAS = [
  { key: 'anonymous', label: 'Anonymous', who: 'no token' },
  { key: 'nora', label: 'Nora (no company)', email: 'nora@example.com', name: 'Nora Nocompany', who: 'contact without company' },
  { key: 'alice', label: 'Alice (company A, Globex)', email: 'alice@globex.test', name: 'Alice Anders', who: 'company A: Globex' },
  { key: 'bob', label: 'Bob (company B, Initech)', email: 'bob@initech.test', name: 'Bob Brown', who: 'company B: Initech' },
  { key: 'sam', label: 'Sam (segment member)', email: 'sam@example.com', name: 'Sam Segment', who: 'contact segment Beta testers' },
  { key: 'stan', label: 'Stan (agent)', email: 'stan@acme.test', name: 'Stan Support', who: 'agent' },
  { key: 'blake', label: 'Blake (blocked)', email: 'blake@example.com', name: 'Blake Blocked', who: 'blocked contact' }
];

// What a customer's backend does: sign {name, email, exp} with the widget secret.
function serverSign(persona, extra) {
  var body = Object.assign({ email: persona.email, name: persona.name, ttl_seconds: 3600 }, extra || {});
  return fetch('/_freshmock/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    .then(function (r) {
      if (!r.ok) throw new Error('POST /_freshmock/tokens answered ' + r.status);
      return r.json();
    })
    .then(function (j) { return j.token; });
}

function call(path, token) {
  var h = { 'X-Widget-Id': WIDGET, 'X-Client-Id': 'demo-site' };
  if (token) h['X-Widget-Auth'] = token;
  return fetch(path, { headers: h }).then(function (r) {
    return r.text().then(function (text) {
      var reason = r.headers.get('X-Freshmock-Reason');
      var data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
      return { status: r.status, data: data, reason: reason ? decodeURIComponent(reason) : '' };
    });
  });
}

function esc(s) {
  return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
}
function list(res) {
  if (res.status !== 200 || !Array.isArray(res.data)) return '<p class="bad">' + res.status + ' ' + esc(res.reason) + '</p>';
  if (!res.data.length) return '<p class="muted">nothing</p>';
  return '<ul>' + res.data.map(function (a) {
    var restricted = [1401, 1402, 1501, 1502, 1701, 1702, 1801, 1802, 1301, 1302, 1303, 1201, 2201].indexOf(a.id) >= 0;
    return '<li' + (restricted ? ' class="restricted"' : '') + '><b>' + a.id + '</b> ' + esc(a.title) + '</li>';
  }).join('') + '</ul>';
}

// The current persona in the widget, and the callback that renews its token.
var current = null;
function choose(persona) {
  current = persona;
  var signed = document.getElementById('signed');
  if (!persona.email) {
    FreshworksWidget('logout');
    signed.textContent = 'No token: the widget is anonymous.';
    return;
  }
  serverSign(persona).then(function (token) {
    signed.textContent = 'FreshworksWidget("authenticate", {token: "' + token.slice(0, 24) + '…", callback})';
    FreshworksWidget('authenticate', {
      token: token,
      callback: function () {
        if (current !== persona) return;
        serverSign(persona).then(function (fresh) { FreshworksWidget('authenticate', { token: fresh }); });
      }
    });
    FreshworksWidget('open');
  }, function (e) { signed.textContent = String(e); });
}

function column(persona) {
  var tokenP = persona.email ? serverSign(persona) : Promise.resolve(null);
  return tokenP.then(function (token) {
    var calls = [
      token ? call('/api/widget/bootstrap', token) : Promise.resolve(null),
      call('/api/widget/search/solutions?term=password', token),
      call('/api/widget/solutions/suggested_articles', token),
      call('/api/widget/solutions/article/1401', token)
    ];
    return Promise.all(calls).then(function (r) {
      var claims = token ? JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) : null;
      var boot = r[0];
      var show = r[3];
      return '<div class="col" data-persona="' + persona.key + '"><h3>' + esc(persona.label) + '</h3><p class="who">' + esc(persona.who) + '</p>' +
        '<h4>Token sent</h4>' + (token ? '<p class="mono token" title="' + esc(token) + '">' + esc(token.slice(0, 36)) + '…</p><pre>' + esc(JSON.stringify(claims, null, 1)) + '</pre>' : '<p class="muted">none</p>') +
        '<h4>Answer to bootstrap</h4>' + (boot ? '<p class="' + (boot.status === 200 ? 'good' : 'bad') + '">' + boot.status + (boot.status === 200 ? ' logged in as ' + esc(boot.data.user.name) : ' ' + esc(JSON.stringify(boot.data)) + '<br><i>' + esc(boot.reason) + '</i>') + '</p>' : '<p class="muted">not called</p>') +
        '<h4>Search “password”</h4>' + list(r[1]) +
        '<h4>Suggested</h4>' + list(r[2]) +
        '<h4>Open article 1401</h4><p class="' + (show.status === 200 ? 'good' : 'bad') + ' show">' + show.status + ' ' + (show.status === 200 ? esc(show.data.title) : '<i>' + esc(show.reason || (show.data && JSON.stringify(show.data))) + '</i>') + '</p></div>';
    });
  }, function (e) {
    return '<div class="col"><h3>' + esc(persona.label) + '</h3><p class="bad">' + esc(e) + '</p></div>';
  });
}

function start() {
  var box = document.getElementById('personas');
  PERSONAS.forEach(function (p, i) {
    var l = document.createElement('label');
    l.innerHTML = '<input type="radio" name="persona" value="' + p.key + '"' + (i ? '' : ' checked') + '> ' + esc(p.label);
    l.querySelector('input').addEventListener('change', function () { choose(p); });
    box.appendChild(l);
  });
  document.getElementById('signed').textContent = 'No token: the widget is anonymous.';
  Promise.all(PERSONAS.map(column)).then(function (cols) {
    var grid = document.getElementById('grid');
    grid.innerHTML = cols.join('');
    grid.setAttribute('data-ready', 'true');
  });
}
start();
