/* freshmock's FreshworksWidget: the loader, the dispatcher and the widget's state in one file.
 * Served as /widgets/<id>.js (the same file for every active id, as Freshdesk's CDN does) and
 * /widgetBase/bootstrap.js. Plain JavaScript, no build step. It talks to the same origin's
 * /api/widget/ and, when the server is freshmock, to its control plane (/_freshmock/) for the
 * clock and live updates. The UI is drawn in two frames served from freshmock's origin
 * (launcher.html, frame.html with frame.js; see "rendering"). */
(function () {
  'use strict';
  var SCRIPT = document.currentScript;
  if (SCRIPT && !SCRIPT.isConnected) {
    // Removed before it ran (StrictMode's mount, cleanup, mount): the page's next tag takes over.
    console.info('[freshmock] this copy of the widget script was removed from the page before it ran; it does nothing.');
    return;
  }
  // Like the real loader: no fwSettings at all is a TypeError; no widget_id does nothing.
  var WIDGET_ID = window.fwSettings.widget_id;
  if (!WIDGET_ID) return;
  var FW = window.fwSettings;
  // A second copy on the same page load (same fwSettings, and the stub or this dispatcher still
  // in place) is ignored. A page that removed everything (destroy, script tag, FreshworksWidget
  // and fwSettings deleted: React StrictMode, route changes) and embeds again gets a fresh
  // widget, as the real loader runs again: the old copy is retired first, so nothing doubles.
  var prev = window.__freshmock;
  if (prev && prev.loaded) {
    if (!prev.replaced()) {
      console.warn('[freshmock] the widget script ran twice (a second script tag?); the copy is ignored. The real widget would render a duplicate.');
      return;
    }
    prev.retire();
  }

  var RENEW_BEFORE_MS = 60000; // the callback runs this long before exp, by the server's clock
  var RENEW_WAIT_MS = 5000; // after a token error, how long the page has to send a new token
  var CAPTCHA_PASS = 'freshmock-captcha-pass'; // what the fake captcha box sends when ticked
  var ORIGIN = scriptOrigin();
  var LOCALE = FW.locale ? String(FW.locale) : '';
  var CLIENT_ID = clientId();
  var COMPONENTS = ['contact_form', 'solution_articles', 'predictive_support', 'frustration_tracking'];

  var config = null;
  var CALLS = [];
  var DOM = { sent: 0, drawn: 0 };
  var S = {
    status: 'loading', mounted: false, open: false, view: 'home', hidden: false, launcherHidden: false,
    term: '', results: null, suggested: null, article: null, busy: 0, gen: { q: 0, s: 0, a: 0 },
    form: { formId: null, values: {}, hidden: [], disabled: [], fields: null, errors: [], notice: '', sending: false, ticket: null, captcha: false, seq: 0 },
    labels: {}, settings: {}, formGen: 0
  };
  var A = {
    status: 'anonymous', token: null, claims: null, user: null, expireAt: null, callback: null,
    renewals: 0, renewedFor: null, recovering: false, waitTimer: 0, gen: 0, lastRejection: null, rejections: 0
  };
  // `known` once freshmock's clock was read (or could not be): until then expiry is not judged,
  // since the server's clock may be far from the browser's.
  var CLOCK = { base: Date.now(), at: perfNow(), frozen: false, source: 'browser', known: false };
  var SYNC = { connected: false, secretRotations: 0, resets: 0 };

  var TEXT = {
    en: { search: 'Search for answers', popular: 'Popular articles', results: 'Search results', none: 'No articles found.', contact: 'Contact us', back: 'Back', helpful: 'Was this article helpful?', yes: 'Yes', no: 'No', thanks: 'Thanks for your feedback!', missing: 'This article is not available.', name: 'Name', email: 'Email', subject: 'Subject', description: 'Description', attach: 'Attach files', captcha: "I'm not a robot", loginNeeded: 'Please sign in on this site to contact us.', signedIn: 'Signed in as', close: 'Close', loading: 'Loading…', captchaNeeded: 'Please confirm that you are not a robot.', failed: 'Something went wrong. Please try again.', required: 'This field is required.', portal: 'Open in the help center', select: '—' },
    fr: { search: 'Rechercher des réponses', popular: 'Articles populaires', results: 'Résultats', none: 'Aucun article trouvé.', contact: 'Nous contacter', back: 'Retour', helpful: 'Cet article vous a-t-il été utile ?', yes: 'Oui', no: 'Non', thanks: 'Merci pour votre avis !', missing: "Cet article n'est pas disponible.", name: 'Nom', email: 'E-mail', subject: 'Objet', description: 'Description', attach: 'Joindre des fichiers', captcha: 'Je ne suis pas un robot', loginNeeded: 'Connectez-vous sur ce site pour nous contacter.', signedIn: 'Connecté en tant que', close: 'Fermer', loading: 'Chargement…', captchaNeeded: "Confirmez que vous n'êtes pas un robot.", failed: 'Une erreur est survenue. Réessayez.', required: 'Ce champ est obligatoire.', portal: "Ouvrir dans le centre d'aide" },
    de: { search: 'Antworten suchen', popular: 'Beliebte Artikel', results: 'Suchergebnisse', none: 'Keine Artikel gefunden.', contact: 'Kontakt', back: 'Zurück', helpful: 'War dieser Artikel hilfreich?', yes: 'Ja', no: 'Nein', thanks: 'Danke für Ihr Feedback!', missing: 'Dieser Artikel ist nicht verfügbar.', name: 'Name', email: 'E-Mail', subject: 'Betreff', description: 'Beschreibung', attach: 'Dateien anhängen', captcha: 'Ich bin kein Roboter', loginNeeded: 'Bitte melden Sie sich an, um uns zu kontaktieren.', signedIn: 'Angemeldet als', close: 'Schließen', loading: 'Wird geladen…', captchaNeeded: 'Bitte bestätigen Sie, dass Sie kein Roboter sind.', failed: 'Etwas ist schiefgegangen. Bitte erneut versuchen.', required: 'Dieses Feld ist erforderlich.', portal: 'Im Hilfe-Center öffnen' }
  };

  // ---- small helpers -------------------------------------------------------------------
  function scriptOrigin() {
    var s = document.currentScript;
    if (!s) {
      var all = document.querySelectorAll('script[src*="/widgets/"],script[src*="/widgetBase/"]');
      s = all[all.length - 1];
    }
    try { return new URL(s.src, location.href).origin; } catch (e) { return location.origin; }
  }
  function clientId() {
    var key = 'freshmock-client-id', id;
    try { id = sessionStorage.getItem(key); } catch (e) { id = null; }
    if (!id) {
      id = 'fm-' + Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
      try { sessionStorage.setItem(key, id); } catch (e) { /* private mode: id lives with the page */ }
    }
    return id;
  }
  function perfNow() { return window.performance && performance.now ? performance.now() : Date.now(); }
  function plain(v) {
    try { return JSON.parse(JSON.stringify(v, function (k, x) { return typeof x === 'function' ? '[function]' : x; })); } catch (e) { return String(v); }
  }
  function isObj(v) { return v && typeof v === 'object' && !Array.isArray(v); }
  function merge(into, from) {
    Object.keys(from || {}).forEach(function (k) {
      if (isObj(from[k]) && isObj(into[k])) merge(into[k], from[k]);
      else into[k] = isObj(from[k]) ? merge({}, from[k]) : from[k];
    });
    return into;
  }
  function lang() { return (LOCALE || (config && config.languages && config.languages.primary) || 'en'); }
  function t(key) {
    var table = TEXT[lang().split('-')[0]] || TEXT.en;
    return table[key] || TEXT.en[key];
  }
  // A label set with setLabels for the active locale, else the widget's settings.
  function label(path, fallback) {
    var v = S.labels[lang()];
    path.split('.').forEach(function (k) { v = v && v[k]; });
    return typeof v === 'string' && v ? v : fallback;
  }
  function cf() { return S.settings.contact_form || {}; }
  function on(name) { return !!(S.settings.components && S.settings.components[name]); }
  function decodeClaims(token) {
    try {
      var p = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      var bin = atob(p + '==='.slice((p.length + 3) % 4));
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) { return null; }
  }

  // ---- the server's clock --------------------------------------------------------------
  function serverNow() { return CLOCK.frozen ? CLOCK.base : CLOCK.base + (perfNow() - CLOCK.at); }
  function setClock(c) {
    if (!c || typeof c.now_ms !== 'number') return;
    CLOCK.base = c.now_ms; CLOCK.at = perfNow(); CLOCK.frozen = !!c.frozen; CLOCK.source = 'server'; CLOCK.known = true;
    tick();
  }
  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }
  // freshmock tells the widget its clock and pushes changes; against anything else (no
  // /_freshmock/) the browser's clock is used and nothing is pushed.
  function connectControlPlane() {
    fetch(ORIGIN + '/_freshmock/clock').then(function (r) { return r.ok ? r.json() : null; })
      .then(setClock, function () {}).then(function () { CLOCK.known = true; tick(); });
    if (!window.EventSource) return;
    var es = new EventSource(ORIGIN + '/_freshmock/widget/sync');
    es.onopen = function () { SYNC.connected = true; };
    es.onerror = function () { SYNC.connected = false; };
    es.addEventListener('clock', function (e) { setClock(parse(e.data)); });
    es.addEventListener('secret', function () { SYNC.secretRotations++; recheck(); });
    es.addEventListener('reset', function () { SYNC.resets++; recheck(); });
    es.addEventListener('fixtures', function () { recheck(); });
    DOM.sync = es;
  }
  // After a secret rotation or reset, the current token is checked again at once.
  function recheck() {
    if (A.token) api('GET', '/api/widget/bootstrap');
    else refresh();
  }
  function tick() {
    if (!CLOCK.known || !A.token || !A.claims || typeof A.claims.exp !== 'number') return;
    var now = serverNow(), exp = A.claims.exp;
    if (Math.floor(now / 1000) > exp) {
      expired('the widget token expired at ' + new Date(exp * 1000).toISOString() + ' by the server clock');
    } else if (A.status === 'logged_in' && A.callback && A.renewedFor !== A.token && now >= exp * 1000 - RENEW_BEFORE_MS) {
      runCallback();
    }
  }

  // ---- the widget API ------------------------------------------------------------------
  function api(method, path, o) {
    o = o || {};
    var q = o.query || {};
    if (o.lang !== false && LOCALE) q.language = LOCALE;
    var qs = Object.keys(q).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(q[k]); }).join('&');
    var token = A.token;
    var h = { 'X-Widget-Id': String(WIDGET_ID), 'X-Client-Id': CLIENT_ID, 'X-Widget-Referrer': location.href };
    if (token) h['X-Widget-Auth'] = token;
    var body = o.form;
    if (o.json !== undefined) { body = JSON.stringify(o.json); h['Content-Type'] = 'application/json'; }
    S.busy++;
    return fetch(ORIGIN + path + (qs ? '?' + qs : ''), { method: method, headers: h, body: body }).then(function (r) {
      return r.text().then(function (text) {
        var reason = r.headers.get('X-Freshmock-Reason');
        if (reason) { try { reason = decodeURIComponent(reason); } catch (e) { /* keep it raw */ } }
        return { ok: r.ok, status: r.status, data: text ? parse(text) : null, reason: reason, method: method, path: path, token: token };
      });
    }, function (err) {
      return { ok: false, status: 0, data: null, reason: String(err), method: method, path: path, token: token };
    }).then(function (res) {
      S.busy--;
      if (token && tokenError(res)) rejected(res);
      return res;
    });
  }
  function tokenError(res) {
    var d = res.data || {}, errs = d.errors || [];
    if (res.status === 401) return true;
    if (res.status === 400 && errs.some(function (e) { return e.field === 'payload' || e.field === 'exp' || e.field === 'token'; })) return true;
    return d.code === 'absent_in_db' || d.code === 'invalid_user';
  }
  function message(d) {
    if (!d) return '';
    if (d.errors && d.errors.length) return d.errors.map(function (e) { return (e.nested_field || e.field) + ': ' + e.message; }).join('; ');
    return d.message || d.code || '';
  }

  // ---- authentication ------------------------------------------------------------------
  // The token has expired (by the server's clock, or the API said "Signature has expired"): as
  // Freshdesk's widget does, the page is asked for a new one through the stored callback, once
  // per failure; the customer is logged out only if none comes within RENEW_WAIT_MS.
  function expired(what) {
    var why = !A.callback ? 'there is no callback to renew it (pass {token, callback} to authenticate)'
      : A.recovering ? 'the token sent after the callback was called has expired too' : '';
    if (why) {
      console.warn('[freshmock] ' + what + '; ' + why + '. Back to anonymous.');
      return endSession('expired');
    }
    console.info('[freshmock] ' + what + '; asking the page for a new one through the callback.');
    renew('expired', 'the callback was called at expiry and sent no new token within ' + RENEW_WAIT_MS / 1000 + ' s');
  }
  // Drops the refused token and calls the callback; `status` ends the session if no new token comes.
  function renew(status, late) {
    var tok = A.token;
    A.gen++;
    A.recovering = true;
    dropAuthFill(A.claims);
    A.token = null; A.claims = null; A.user = null;
    A.status = 'renewing';
    clearTimeout(A.waitTimer);
    A.waitTimer = setTimeout(function () {
      if (A.status !== 'renewing') return;
      console.warn('[freshmock] ' + late + '. Back to anonymous.');
      endSession(status);
    }, RENEW_WAIT_MS);
    runCallback(tok);
    refresh();
  }
  function rejected(res) {
    A.rejections++;
    A.lastRejection = { status: res.status, message: message(res.data), reason: res.reason, path: res.path };
    console.warn('[freshmock] widget token rejected: ' + res.method + ' ' + res.path + ' answered ' + res.status +
      ' "' + message(res.data) + '"' + (res.reason ? '. freshmock: ' + res.reason : ''));
    if (res.token !== A.token) return; // an older token; the current one is not in question
    if (/expired/i.test(message(res.data))) return expired('the widget token was refused as expired');
    if (A.callback && !A.recovering) renew('rejected', 'the callback sent no new token within ' + RENEW_WAIT_MS / 1000 + ' s');
    else endSession('rejected');
  }
  // The name and email the token put in the form leave with it.
  function dropAuthFill(claims) {
    if (!claims) return;
    ['name', 'email'].forEach(function (k) { if (S.form.values[k] === claims[k]) delete S.form.values[k]; });
  }
  function runCallback(tok) {
    A.renewals++;
    A.renewedFor = tok || A.token;
    try { A.callback(); } catch (e) { console.error('[freshmock] the authenticate callback threw', e); }
  }
  function endSession(status) {
    A.gen++;
    dropAuthFill(A.claims);
    A.token = null; A.claims = null; A.user = null; A.expireAt = null; A.status = status;
    clearTimeout(A.waitTimer);
    authFill();
    refresh();
  }
  function authenticate(o) {
    o = o || {};
    if (typeof o.callback === 'function') A.callback = o.callback;
    if (!o.token) {
      console.warn('[freshmock] authenticate was called without a token; nothing changes.');
      return;
    }
    var gen = ++A.gen;
    A.token = String(o.token);
    A.claims = decodeClaims(A.token);
    A.user = null;
    A.status = 'authenticating';
    clearTimeout(A.waitTimer);
    api('GET', '/api/widget/bootstrap').then(function (res) {
      if (gen !== A.gen || !res.ok) return; // token errors were handled by rejected()
      A.status = 'logged_in';
      A.user = res.data.user;
      A.expireAt = res.data.meta && res.data.meta.expire_at;
      A.recovering = false;
      authFill();
      refresh();
      tick();
    });
    render();
  }
  function logout() {
    A.recovering = false;
    endSession('anonymous');
  }
  // Logged in: the form shows the token's name and email, read-only.
  function authFill() {
    if (A.claims && A.token) {
      if (A.claims.name) S.form.values.name = A.claims.name;
      if (A.claims.email) S.form.values.email = A.claims.email;
    }
    render();
  }
  function loggedIn() { return !!(A.token && A.claims && A.status !== 'renewing'); }

  // ---- content -------------------------------------------------------------------------
  function refresh() {
    if (!S.mounted) return;
    loadSuggested();
    if (S.term) search(S.term);
    if (S.view === 'article' && S.article) openArticle(S.article.id, true);
    render();
  }
  function loadSuggested() {
    if (!on('solution_articles')) return;
    var gen = ++S.gen.s;
    api('GET', '/api/widget/solutions/suggested_articles').then(function (res) {
      if (gen !== S.gen.s) return;
      S.suggested = res.ok && Array.isArray(res.data) ? res.data : [];
      render();
    });
  }
  function search(term) {
    S.term = term;
    var gen = ++S.gen.q;
    if (!term.trim()) { S.results = null; render(); return; }
    api('GET', '/api/widget/search/solutions', { query: { term: term } }).then(function (res) {
      if (gen !== S.gen.q) return;
      S.results = res.ok && Array.isArray(res.data) ? res.data : [];
      render();
    });
  }
  function openArticle(id, again) {
    S.open = true; S.view = 'article';
    if (!again) S.article = { id: id, status: 'loading' };
    render();
    var gen = ++S.gen.a;
    api('GET', '/api/widget/solutions/article/' + encodeURIComponent(id)).then(function (res) {
      if (gen !== S.gen.a) return;
      var a = S.article = { id: id, status: res.status, data: res.ok ? res.data : null, vote: again && S.article ? S.article.vote : null };
      render();
      if (res.ok && !again) {
        api('PUT', '/api/widget/solutions/article/' + encodeURIComponent(id) + '/hit', { lang: false })
          .then(function (h) { a.hit = h.status; });
      }
    });
  }
  function vote(up) {
    var a = S.article;
    if (!a || !a.data) return;
    a.vote = up ? 'up' : 'down';
    a.voteStatus = 'sending';
    render();
    api('PUT', '/api/widget/solutions/article/' + encodeURIComponent(a.id) + (up ? '/thumbs_up' : '/thumbs_down'), { lang: false })
      .then(function (res) { a.voteStatus = res.status; render(); });
  }

  // ---- the contact form ----------------------------------------------------------------
  function fieldKey(name) {
    name = String(name);
    if (name === 'attachment-container') return 'attachments'; // the real upload box's id, which sites hide
    return /^cf_/.test(name) ? 'custom_fields.' + name : name;
  }
  function addFields(list, fields) {
    if (fields == null) return; // "with no fields it does nothing"
    [].concat(fields).forEach(function (f) { var k = fieldKey(f); if (list.indexOf(k) < 0) list.push(k); });
  }
  function setValues(o) {
    Object.keys(o || {}).forEach(function (k) {
      if (k === 'custom_fields' && isObj(o[k])) {
        Object.keys(o[k]).forEach(function (c) { S.form.values['custom_fields.' + c] = o[k][c]; });
      } else {
        S.form.values[k] = o[k]; // unknown keys are kept (and sent only if the form has them)
      }
    });
    authFill();
  }
  // The fields of the simple form, or those of the ticket-fields form from the server.
  function loadFields() {
    if (cf().form_type !== 2) {
      S.form.fields = [
        { key: 'name', kind: 'text' }, { key: 'email', kind: 'email', required: true },
        { key: 'subject', kind: 'text' }, { key: 'description', kind: 'textarea', required: true }
      ];
      return Promise.resolve();
    }
    return api('GET', '/api/widget/ticket_fields').then(function (res) {
      var list = res.ok && Array.isArray(res.data) ? res.data.slice() : [];
      list.sort(function (a, b) { return a.position - b.position; });
      S.form.fields = [{ key: 'name', kind: 'text' }].concat(list.map(function (f) {
        var kind = {
          default_requester: 'email', default_description: 'textarea', custom_paragraph: 'textarea',
          custom_checkbox: 'checkbox', custom_number: 'number', custom_decimal: 'number', custom_date: 'date'
        }[f.type] || (f.choices ? 'select' : 'text');
        return {
          key: f.default ? f.name : 'custom_fields.' + f.name, kind: kind, required: !!f.required_for_customers,
          label: f.label_for_customers || f.label, choices: choices(f.choices), numeric: /^(priority|status|group_id|product_id)$/.test(f.name) || f.type === 'custom_number'
        };
      }));
    });
  }
  // Choices come as an array (type, dropdowns) or an object (priority: label → code;
  // status: code → [agent label, customer label]).
  function choices(c) {
    if (!c) return null;
    if (Array.isArray(c)) return c.map(function (x) { return isObj(x) ? [x.value, x.label || x.value] : [x, x]; });
    return Object.keys(c).map(function (k) { return Array.isArray(c[k]) ? [k, c[k][1] || c[k][0]] : [c[k], k]; });
  }
  function openForm(formId) {
    if (formId) S.form.formId = formId;
    S.open = true; S.view = 'form';
    var ready = S.form.fields ? Promise.resolve() : loadFields();
    render();
    ready.then(function () { S.formGen++; render(); });
  }
  function readOnly() {
    var list = S.form.disabled.slice();
    if (loggedIn()) ['name', 'email'].forEach(function (k) { if (list.indexOf(k) < 0) list.push(k); });
    return list;
  }
  function submit(files) {
    var f = S.form;
    f.errors = missing(); f.notice = '';
    if (f.errors.length) { render(); return; }
    if (cf().captcha !== false && !f.captcha) { f.notice = t('captchaNeeded'); render(); return; }
    f.sending = true; render();
    Promise.all(files.map(function (file) {
      var fd = new FormData();
      fd.append('content', file, file.name);
      return api('POST', '/api/widget/attachments', { form: fd, lang: false });
    })).then(function (ups) {
      var bad = ups.filter(function (r) { return !r.ok; })[0];
      if (bad) return failed(bad);
      return api('POST', '/api/widget/tickets', { json: ticketBody(ups.map(function (r) { return r.data.id; })), lang: false }).then(function (res) {
        if (res.status !== 201) return failed(res);
        f.sending = false;
        f.ticket = { id: res.data && res.data.id, status: res.status };
        f.values = {}; f.captcha = false;
        authFill();
        S.formGen++;
        S.view = 'thanks';
        render();
      });
    });
  }
  // Required fields left empty, checked here first as the real form does (before the captcha);
  // what only the server knows (formats, choices, the token) keeps the API's messages.
  function missing() {
    var ro = readOnly();
    return (S.form.fields || []).filter(function (fd) {
      var v = S.form.values[fd.key];
      return fd.required && S.form.hidden.indexOf(fd.key) < 0 && ro.indexOf(fd.key) < 0 &&
        (fd.kind === 'checkbox' ? !v : v == null || !String(v).trim());
    }).map(function (fd) {
      return { field: fd.key.replace(/^custom_fields\./, ''), message: t('required'), code: 'missing_field', source: 'browser' };
    });
  }
  function ticketBody(attachmentIds) {
    var body = {}, custom = {};
    S.form.fields.forEach(function (fd) {
      var v = S.form.values[fd.key];
      if (v === undefined || v === null || v === '') return;
      if (fd.kind === 'checkbox') v = !!v;
      else if (fd.numeric && !isNaN(Number(v))) v = Number(v);
      if (fd.key.indexOf('custom_fields.') === 0) custom[fd.key.slice(14)] = v; else body[fd.key] = v;
    });
    if (Object.keys(custom).length) body.custom_fields = custom;
    if (attachmentIds.length) body.attachment_ids = attachmentIds;
    if (cf().captcha !== false) body['g-recaptcha-response'] = CAPTCHA_PASS;
    body.meta = { user_agent: navigator.userAgent, referrer: location.href };
    return body;
  }
  function failed(res) {
    var f = S.form;
    f.sending = false;
    f.errors = (res.data && res.data.errors) || [];
    f.notice = (res.data && (res.data.message || res.data.description)) || t('failed');
    if (res.reason) console.warn('[freshmock] ' + res.method + ' ' + res.path + ' answered ' + res.status + ' "' + message(res.data) + '". freshmock: ' + res.reason);
    render();
  }

  // ---- rendering -----------------------------------------------------------------------
  // The frames are documents from freshmock's origin (launcher.html, frame.html) with their
  // own policy, as Freshdesk's are from its origin: a site's Content-Security-Policy only has
  // to name that origin, and nothing in them can reach the site. Their frame.js only draws:
  // this file keeps the state and posts a view after each change (batched per task); clicks
  // and typing come back as messages. `busy` in the state holds until the frames have drawn.
  // The sandbox keeps article links from navigating the site: popups and forms only.
  var FRAME_SANDBOX = 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox';
  function loaded(node) {
    return new Promise(function (resolve) { node.addEventListener('load', resolve); node.addEventListener('error', resolve); });
  }
  // The loader's part of the page (container, stylesheet, bootstrap frame): made once and kept
  // by destroy, as the real loader keeps them; remade only if the page removed them.
  function base() {
    var d = document;
    if (DOM.container && DOM.container.isConnected) return Promise.resolve();
    var container = d.createElement('div');
    container.id = 'freshworks-container';
    var link = d.createElement('link');
    link.id = 'freshworks-frame'; link.rel = 'stylesheet'; link.href = ORIGIN + '/widgetBase/host.css';
    var hidden = d.createElement('iframe');
    hidden.id = 'freshworks-frame'; hidden.title = 'Freshworks'; hidden.setAttribute('aria-hidden', 'true'); hidden.tabIndex = -1;
    hidden.style.display = 'none';
    d.head.appendChild(link);
    container.appendChild(hidden);
    d.body.appendChild(container);
    DOM.container = container; DOM.link = link;
    return loaded(link);
  }
  function frame(id, title, file) {
    var f = document.createElement('iframe');
    f.id = id; f.title = title;
    f.setAttribute('sandbox', FRAME_SANDBOX);
    f.src = ORIGIN + '/widgetBase/' + file + '#' + encodeURIComponent(location.origin);
    return f;
  }
  function mount() {
    if (S.mounted) return Promise.resolve();
    S.mounted = true; S.open = false; S.view = 'home';
    var css = base(), container = DOM.container;
    var launcher = frame('launcher-frame', 'Help launcher', 'launcher.html');
    var panel = frame('widget-frame', 'Help widget', 'frame.html');
    var ready = Promise.all([css, loaded(launcher), loaded(panel)]);
    container.appendChild(launcher); container.appendChild(panel);
    DOM.launcher = launcher; DOM.panel = panel;
    return ready.then(function () {
      if (DOM.panel !== panel) return;
      DOM.ready = true;
      render();
      loadSuggested();
    });
  }
  function drop(n) { if (n && n.parentNode) n.parentNode.removeChild(n); }
  // destroy: only the UI goes; the container and the bootstrap frame stay for boot.
  function unmount() {
    if (!S.mounted) return;
    S.mounted = false; S.open = false;
    drop(DOM.launcher); drop(DOM.panel);
    DOM.launcher = DOM.panel = null;
    DOM.ready = false; DOM.sent = DOM.drawn = 0;
  }
  // A new copy of the script takes over (see the guard at the top): this one leaves no trace.
  function retire() {
    unmount();
    drop(DOM.container); drop(DOM.link);
    DOM.container = DOM.link = null;
    clearInterval(DOM.ticker); clearTimeout(A.waitTimer);
    if (DOM.sync) DOM.sync.close();
    window.removeEventListener('message', onMessage);
    S.status = 'retired';
  }
  // What the frames say: only this copy's frames, from freshmock's origin, are heard.
  function onMessage(e) {
    var m = e.data, p = DOM.panel, l = DOM.launcher;
    if (!p || !l || e.origin !== ORIGIN || !m || typeof m.fm !== 'string') return;
    if (e.source !== p.contentWindow && e.source !== l.contentWindow) return;
    var act = {
      drawn: function () { DOM.drawn++; },
      toggle: function () { if (S.open) { S.open = false; render(); } else home(); },
      close: function () { S.open = false; render(); },
      back: function () { S.view = 'home'; render(); },
      search: function () {
        var term = String(m.term);
        S.term = term; S.results = null; clearTimeout(DOM.typing);
        DOM.typing = setTimeout(function () { search(term); }, 200);
      },
      article: function () { openArticle(Number(m.id)); },
      contact: function () { openForm(); },
      vote: function () { vote(!!m.up); },
      input: function () { collect(m); },
      submit: function () { collect(m); submit(m.files || []); }
    }[m.fm];
    if (act) act();
  }
  window.addEventListener('message', onMessage);
  function home() {
    S.open = true;
    if (on('solution_articles') || !on('contact_form')) { S.view = 'home'; render(); } else openForm();
  }
  function render() {
    if (!S.mounted || !DOM.ready) return;
    var ap = S.settings.appearance || {};
    var side = ap.position === 2 ? 'left' : 'right';
    var offset = (side === 'left' ? ap.offset_from_left : ap.offset_from_right);
    offset = (offset == null ? 30 : offset) + 'px';
    var bottom = ap.offset_from_bottom == null ? 30 : ap.offset_from_bottom;
    DOM.container.style.display = S.hidden ? 'none' : '';
    [DOM.launcher, DOM.panel].forEach(function (f) { f.style.left = f.style.right = ''; f.style[side] = offset; });
    DOM.launcher.style.bottom = (bottom - 8) + 'px';
    DOM.launcher.style[side] = (parseInt(offset, 10) - 6) + 'px';
    DOM.panel.style.bottom = (bottom + 60) + 'px';
    DOM.launcher.style.display = S.launcherHidden ? 'none' : '';
    DOM.panel.style.display = S.open ? '' : 'none';
    if (DOM.queued) return;
    DOM.queued = true;
    Promise.resolve().then(function () {
      DOM.queued = false;
      if (!DOM.ready) return;
      var theme = {
        '--theme': ap.theme_color || '#00a886', '--theme-text': ap.theme_text_color || '#fff',
        '--button': ap.button_color || ap.theme_color || '#00a886', '--button-text': ap.button_text_color || '#fff'
      };
      var text = label('launcher', S.settings.button_text || 'Help');
      post(DOM.launcher, { lang: lang(), theme: theme, open: S.open, text: text, close: t('close'), side: side });
      post(DOM.panel, panelView(theme));
    });
  }
  function post(f, v) {
    if (!f.contentWindow) return;
    DOM.sent++;
    f.contentWindow.postMessage({ fm: 'view', v: v }, ORIGIN);
  }
  function panelView(theme) {
    var a = S.article, f = S.form, searching = !!S.term.trim(), list = searching ? S.results : S.suggested, arts = on('solution_articles');
    var keys = (f.fields || []).map(function (x) { return x.key; }).concat(cf().attach_file !== false ? ['attachments'] : [], cf().captcha !== false ? ['captcha'] : []);
    var has = function (k) { return keys.indexOf(k) >= 0; };
    var matched = f.errors.filter(function (e) { return has(e.field) || has('custom_fields.' + e.field); }).length;
    var errors = {};
    (f.fields || []).forEach(function (fd) {
      var e = f.errors.filter(function (x) { return x.field === fd.key.replace(/^custom_fields\./, '') || x.field === fd.key; })[0];
      if (e) errors[fd.key] = e.message;
    });
    return {
      lang: lang(), theme: theme, view: S.view, close: t('close'), wid: String(WIDGET_ID),
      title: S.view === 'form' || S.view === 'thanks' ? label('contact_form.title', cf().form_title || t('contact')) : label('banner', S.settings.message || 'Welcome'),
      who: loggedIn() ? t('signedIn') + ' ' + (A.claims.name || A.claims.email) : '',
      back: !(S.view === 'home' || (S.view === 'form' && !arts)),
      search: t('search'), searchOn: arts, contact: t('contact'), contactOn: on('contact_form'),
      confirmation: label('contact_form.confirmation', cf().form_submit_message || t('thanks')),
      listTitle: !arts ? '' : searching ? t('results') : t('popular'),
      note: !arts ? '' : list === null ? t('loading') : !list.length ? t('none') : '',
      list: arts && list ? ids(list) : [],
      article: a && {
        id: a.id, state: a.status === 'loading' ? 'loading' : a.data ? 'shown' : 'missing',
        text: a.status === 'loading' ? t('loading') : t('missing'),
        title: a.data && a.data.title, body: a.data ? String(a.data.description || '') : null,
        attachments: a.data ? (a.data.attachments || []).map(function (x) { return String(x.name); }) : [],
        portal: a.data && a.data.meta && a.data.meta.portal_link || null, portalText: t('portal'),
        ask: t('helpful'), yes: t('yes'), no: t('no'), vote: a.vote || null, voted: a.vote ? t('thanks') : ''
      },
      form: {
        gen: S.formGen, seq: f.seq,
        fields: (f.fields || []).map(function (fd) {
          return { key: fd.key, kind: fd.kind, required: !!fd.required, choices: fd.choices || null, label: fd.label || t(fd.key) || fd.key.replace(/^custom_fields\./, '') };
        }),
        attach: cf().attach_file !== false ? t('attach') : null, captcha: cf().captcha !== false ? t('captcha') : null, select: t('select'),
        values: f.values, hidden: f.hidden, readOnly: readOnly(), errors: errors, captchaChecked: f.captcha,
        loginNeeded: cf().require_login && !loggedIn() ? t('loginNeeded') : '',
        notice: f.notice && (matched < f.errors.length || !f.errors.length) ? f.notice + (f.errors.length > matched ? ' (' + message({ errors: f.errors }) + ')' : '') : '',
        submit: f.sending ? t('loading') : label('contact_form.submit', cf().form_button_text || 'Send'), sending: f.sending
      }
    };
  }
  // What the form in the frame holds (its own read-only fields are the host's to fill).
  function collect(m) {
    var ro = readOnly(), v = m.values || {};
    (S.form.fields || []).forEach(function (fd) {
      if (!(fd.key in v) || ro.indexOf(fd.key) >= 0) return;
      var cur = S.form.values[fd.key], x = v[fd.key];
      if (fd.kind === 'checkbox') { if (!!cur !== !!x) S.form.values[fd.key] = !!x; }
      else if ((cur == null ? '' : String(cur)) !== String(x)) S.form.values[fd.key] = String(x);
    });
    if (m.captcha != null) S.form.captcha = !!m.captcha;
    if (m.seq > (S.form.seq || 0)) S.form.seq = m.seq;
  }

  // ---- the dispatcher ------------------------------------------------------------------
  var CALLS_KNOWN = {
    open: function (what, o) {
      if (!S.mounted) return;
      if (what === 'ticketForm') openForm(o && o.formId);
      else if (what === 'article') { if (o && o.id != null) openArticle(o.id); }
      else home();
    },
    close: function () { S.open = false; render(); },
    hide: function (what, fields) {
      if (what === 'launcher') S.launcherHidden = true;
      else if (what === 'ticketForm') addFields(S.form.hidden, fields);
      else if (what == null) S.hidden = true;
      render();
    },
    show: function (what) {
      if (what === 'launcher') S.launcherHidden = false;
      else if (what == null) S.hidden = false;
      render();
    },
    disable: function (what, fields) { if (what === 'ticketForm') { addFields(S.form.disabled, fields); render(); } },
    identify: function (what, o) {
      if (what !== 'ticketForm' || !o) return;
      setValues({ name: o.name, email: o.email });
      render();
    },
    prefill: function (what, o, opts) {
      if (what !== 'ticketForm' || !o) return;
      setValues(o);
      if (opts && opts.formId) S.form.formId = opts.formId;
      render();
    },
    clear: function (what) {
      if (what !== 'ticketForm') return;
      S.form.values = {}; S.form.errors = []; S.form.notice = '';
      authFill();
    },
    setLabels: function (o) { if (isObj(o)) { merge(S.labels, o); render(); } },
    updateSettings: function (o) { if (isObj(o)) { merge(S.settings, o); FW.options = S.settings; render(); } },
    authenticate: authenticate,
    logout: logout,
    destroy: function () { unmount(); },
    boot: function () { mount(); }
  };
  function FreshworksWidget(name) {
    var args = [].slice.call(arguments, 1);
    var fn = Object.prototype.hasOwnProperty.call(CALLS_KNOWN, name) ? CALLS_KNOWN[name] : null;
    CALLS.push({ name: String(name), args: plain(args), known: !!fn, at: Date.now() });
    if (!fn || S.status === 'retired') return; // unknown names are ignored, as by the real widget
    try { fn.apply(null, args); } catch (e) { console.error('[freshmock] FreshworksWidget(' + JSON.stringify(String(name)) + ') failed', e); }
  }

  // ---- the test hooks ------------------------------------------------------------------
  function ids(list) { return list && list.map(function (a) { return { id: a.id, title: a.title }; }); }
  function snapshot() {
    var a = S.article;
    return plain({
      status: S.status, widgetId: WIDGET_ID, origin: ORIGIN, locale: LOCALE || null, clientId: CLIENT_ID,
      mounted: S.mounted, open: S.mounted && S.open, view: S.view, hidden: S.hidden, launcher: !S.launcherHidden,
      busy: S.busy > 0 || !!DOM.queued || DOM.sent !== DOM.drawn,
      search: { term: S.term, results: ids(S.results) }, suggested: ids(S.suggested),
      article: a && { id: a.id, status: a.status, title: a.data && a.data.title, hit: a.hit || null, vote: a.vote || null, voteStatus: a.voteStatus || null },
      form: {
        formId: S.form.formId, type: cf().form_type || 1, values: S.form.values, hidden: S.form.hidden, disabled: S.form.disabled,
        readOnly: readOnly(), fields: (S.form.fields || []).map(function (f) { return f.key; }), errors: S.form.errors,
        notice: S.form.notice, sending: S.form.sending, ticket: S.form.ticket
      },
      labels: S.labels, settings: S.settings,
      auth: {
        status: A.status, loggedIn: loggedIn(), claims: A.claims, user: A.user, expireAt: A.expireAt, callback: !!A.callback,
        renewals: A.renewals, rejections: A.rejections, lastRejection: A.lastRejection
      },
      clock: { now_ms: Math.round(serverNow()), frozen: CLOCK.frozen, source: CLOCK.source }, sync: SYNC,
      calls: CALLS
    });
  }
  window.__freshmock = {
    loaded: true,
    // Whether the page has removed this copy's embedding (a new fwSettings, its script tag, or
    // a new stub once this dispatcher had replaced the old one): a new script tag is a new widget.
    replaced: function () {
      return window.fwSettings !== FW || (SCRIPT && !SCRIPT.isConnected) || (S.status !== 'loading' && window.FreshworksWidget !== FreshworksWidget);
    },
    retire: retire,
    state: snapshot,
    get calls() { return plain(CALLS); },
    serverNow: function () { return Math.round(serverNow()); },
    // Runs the stored callback now, as before exp.
    forceRenewal: function () { if (A.callback) runCallback(); return !!A.callback; },
    // Ends the session now, as when exp passes without a new token.
    forceExpiry: function () { if (A.token) endSession('expired'); }
  };

  // ---- start ---------------------------------------------------------------------------
  function get(path) {
    return fetch(ORIGIN + path).then(function (r) {
      if (r.status !== 200) return null;
      return r.json();
    }).catch(function () { return null; });
  }
  get('/widgets/' + encodeURIComponent(WIDGET_ID) + '.json').then(function (got) {
    config = got;
    if (S.status === 'retired') return;
    var settings = config && config.settings;
    if (!settings || !COMPONENTS.some(function (c) { return settings.components && settings.components[c]; })) {
      S.status = 'not-rendered';
      console.info('[freshmock] widget ' + WIDGET_ID + (settings ? ' has no component enabled' : ' has no published configuration (unknown or inactive)') +
        ': nothing renders and queued calls never run, as with Freshdesk.');
      return;
    }
    FW.originUrl = location.origin;
    FW.options = settings;
    S.settings = merge({}, settings);
    connectControlPlane();
    DOM.ticker = setInterval(tick, 250);
    var body = document.body ? Promise.resolve() : new Promise(function (r) { document.addEventListener('DOMContentLoaded', r); });
    body.then(mount).then(function () {
      if (S.status === 'retired') return;
      S.status = 'ready';
      var stub = window.FreshworksWidget;
      var queue = (stub && stub.q) || [];
      window.FreshworksWidget = FreshworksWidget;
      queue.forEach(function (args) { FreshworksWidget.apply(null, [].slice.call(args)); });
    });
  });
})();
