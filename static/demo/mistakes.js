// The common-mistakes page: each button makes the mistake and shows freshmock's explanation.
'use strict';
var ALICE = { email: 'alice@globex.test', name: 'Alice Anders' };

function post(path, body) {
  return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) })
    .then(function (r) {
      if (!r.ok) throw new Error('POST ' + path + ' answered ' + r.status);
      return r.json();
    });
}
function explainToken(token) { return post('/_freshmock/tokens/explain', { token: token }); }
function show(section, html) {
  var box = section.querySelector('.explain');
  box.hidden = false;
  box.innerHTML = html;
}
function esc(s) {
  return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
}
function verdict(v) {
  return (v.accepted ? '<p><b>Freshdesk would accept this token (for now).</b></p>'
    : '<p><b>Freshdesk would answer ' + v.status + '</b> <code>' + esc(JSON.stringify(v.body)) + '</code></p>') +
    '<p><b>freshmock:</b> ' + esc(v.reason) + '</p>';
}

var MISTAKES = {
  milliseconds: function (section) {
    return fetch('/_freshmock/clock').then(function (r) { return r.json(); }).then(function (clock) {
      // The mistake: the page's server used JavaScript's milliseconds for exp.
      return post('/_freshmock/tokens', { email: ALICE.email, name: ALICE.name, exp: clock.now_ms + 7200 });
    }).then(function (minted) {
      FreshworksWidget('authenticate', { token: minted.token });
      return explainToken(minted.token).then(function (v) {
        show(section, verdict(v) + '<p>The widget stays anonymous. Use seconds: <code>Math.floor(Date.now() / 1000) + 3600</code>.</p>');
      });
    });
  },
  'no-callback': function (section) {
    return post('/_freshmock/tokens', { email: ALICE.email, name: ALICE.name, ttl_seconds: 120 }).then(function (minted) {
      FreshworksWidget('authenticate', { token: minted.token });
      return explainToken(minted.token).then(function (v) {
        show(section, verdict(v) + '<p>Without a callback the widget cannot ask for a new token: the session ends at <code>exp</code> ' +
          '(' + new Date(minted.claims.exp * 1000).toISOString() + ' by the server clock) and the customer is silently anonymous again. ' +
          'Advance the clock to see it; pass <code>{ token, callback }</code> and call <code>authenticate</code> again from the callback.</p>');
      });
    });
  },
  identify: function (section) {
    FreshworksWidget('logout'); // start from a visitor the page knows but has not authenticated
    FreshworksWidget('identify', 'ticketForm', ALICE);
    FreshworksWidget('open', 'ticketForm');
    var auth = window.__freshmock ? window.__freshmock.state().auth.status : 'not loaded';
    show(section, '<p><b>The widget is ' + esc(auth) + '.</b> <code>identify</code> only fills the contact form\'s name and email; ' +
      'it proves nothing, so Alice\'s Globex articles (1401 "Globex single sign-on and password policy") stay hidden ' +
      'and a ticket would not be tied to a logged-in customer. Use <code>authenticate</code> with a token your server signs.</p>');
    return Promise.resolve();
  }
};

document.querySelectorAll('.mistake').forEach(function (section) {
  var run = MISTAKES[section.getAttribute('data-mistake')];
  section.querySelector('button').addEventListener('click', function () {
    run(section).catch(function (e) { show(section, '<p class="bad">' + esc(e) + '</p>'); });
  });
  var advance = section.querySelector('.advance');
  if (advance) {
    advance.addEventListener('click', function () { post('/_freshmock/clock/advance', { seconds: 180 }); });
  }
});

setInterval(function () {
  var fm = window.__freshmock;
  if (!fm || !fm.state) return;
  var a = fm.state().auth;
  document.getElementById('auth').textContent = JSON.stringify({
    status: a.status, claims: a.claims, callback: a.callback, lastRejection: a.lastRejection
  }, null, 2);
}, 500);
