/* freshmock's widget frames (launcher.html, frame.html): documents from freshmock's own origin,
 * with their own Content-Security-Policy, as Freshdesk's frames come from its origin; a host
 * page's policy only has to name that origin. This script only draws: the host page's
 * widget.js keeps the state and posts a view after each change; clicks and typing go back
 * to it as messages. Article HTML is put in as markup, and the frame's policy runs no inline
 * script or handler. */
(function () {
  'use strict';
  var d = document, V = null, built = '', shown = {}, seq = 0;
  var HOST = '*';
  try { HOST = new URL(decodeURIComponent(location.hash.slice(1))).origin; } catch (e) { /* keep '*' */ }
  if (HOST === 'null') HOST = '*';
  function send(type, m) { m = m || {}; m.fm = type; parent.postMessage(m, HOST); }
  function q(s) { return d.querySelector(s); }
  function el(tag, attrs) {
    var node = d.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] != null) node.setAttribute(k, String(attrs[k])); });
    [].slice.call(arguments, 2).forEach(function (c) {
      if (c != null) node.appendChild(typeof c === 'object' ? c : d.createTextNode(String(c)));
    });
    return node;
  }
  // Rebuilds a part only when what it shows changed (clicks and images survive other views).
  function changed(part, value) {
    var k = JSON.stringify(value);
    if (shown[part] === k) return false;
    shown[part] = k;
    return true;
  }
  function byKey(key) {
    var boxes = q('#ticket-form').querySelectorAll('[data-key]');
    for (var i = 0; i < boxes.length; i++) if (boxes[i].getAttribute('data-key') === key) return boxes[i];
    return null;
  }

  function draw(v) {
    var root = d.documentElement;
    root.lang = v.lang;
    Object.keys(v.theme).forEach(function (k) { root.style.setProperty(k, v.theme[k]); });
    var lb = q('.launcher-button');
    if (lb) {
      lb.classList.toggle('is-open', v.open);
      lb.querySelector('.icon').textContent = v.open ? '\u00d7' : '?';
      lb.querySelector('.text').textContent = v.text;
      lb.setAttribute('aria-label', v.open ? v.close : v.text);
      lb.title = v.open ? v.close : '';
      lb.style.left = v.side === 'left' ? '6px' : 'auto';
      lb.style.right = v.side === 'left' ? 'auto' : '6px';
      return;
    }
    d.body.setAttribute('data-view', v.view);
    q('.title').textContent = v.title;
    q('.who').textContent = v.who;
    q('.back').hidden = !v.back;
    q('.close').title = v.close;
    q('.wid').textContent = v.wid;
    ['home', 'article', 'form', 'thanks'].forEach(function (n) { q('.view-' + n).hidden = v.view !== n; });
    q('#search').placeholder = v.search;
    q('#search').hidden = !v.searchOn;
    var cb = q('.contact-button');
    cb.textContent = v.contact;
    cb.hidden = !v.contactOn;
    q('.confirmation').textContent = v.confirmation;
    q('.list-title').textContent = v.listTitle;
    if (changed('list', [v.note, v.list])) {
      var box = q('.articles');
      box.textContent = '';
      if (v.note) box.appendChild(el('li', { class: 'muted' }, v.note));
      (v.list || []).forEach(function (a) {
        box.appendChild(el('li', {}, el('a', { href: '#', class: 'article-link', 'data-id': a.id }, a.title)));
      });
    }
    drawArticle(v.article);
    drawForm(v.form);
  }
  function drawArticle(a) {
    var box = q('.article');
    q('.feedback').hidden = !(a && a.body != null);
    if (changed('article', a && [a.id, a.state, a.title, a.body, a.attachments, a.portal])) {
      box.textContent = '';
      if (a && a.state !== 'shown') box.appendChild(el('p', { class: a.state === 'loading' ? 'muted' : 'missing' }, a.text));
      else if (a) {
        var body = el('div', { class: 'article-body' });
        body.innerHTML = a.body;
        box.appendChild(el('h2', { class: 'article-title' }, a.title));
        box.appendChild(body);
        if (a.attachments.length) box.appendChild(el.apply(null, ['ul', { class: 'attachments' }].concat(a.attachments.map(function (n) { return el('li', {}, n); }))));
        if (a.portal) box.appendChild(el('p', {}, el('a', { class: 'portal', target: '_blank', rel: 'noopener', href: a.portal }, a.portalText)));
      }
    }
    if (!a) return;
    q('.ask').textContent = a.ask;
    q('.vote-up').textContent = a.yes;
    q('.vote-down').textContent = a.no;
    q('.vote-up').classList.toggle('chosen', a.vote === 'up');
    q('.vote-down').classList.toggle('chosen', a.vote === 'down');
    q('.voted').textContent = a.voted;
  }
  function build(f) {
    var nodes = f.fields.map(function (fd) {
      var id = fd.key.replace(/^custom_fields\./, ''), error = el('p', { class: 'field-error' });
      if (fd.kind === 'checkbox') {
        return el('div', { class: 'field check-field', 'data-key': fd.key },
          el('label', {}, el('input', { type: 'checkbox', id: id, name: fd.key }), ' ' + fd.label), error);
      }
      var input;
      if (fd.kind === 'textarea') input = el('textarea', { id: id, name: fd.key, rows: 4 });
      else if (fd.kind === 'select') {
        input = el('select', { id: id, name: fd.key }, el('option', { value: '' }, f.select));
        (fd.choices || []).forEach(function (c) { input.appendChild(el('option', { value: c[0] == null ? '' : c[0] }, c[1])); });
      } else input = el('input', { id: id, name: fd.key, type: fd.kind });
      return el('div', { class: 'field', 'data-key': fd.key },
        el('label', { for: id }, fd.label, fd.required ? ' ' : null, fd.required ? el('span', { class: 'req' }, '*') : null), input, error);
    });
    if (f.attach) {
      nodes.push(el('div', { class: 'field', id: 'attachment-container', 'data-key': 'attachments' },
        el('label', { for: 'attachments' }, f.attach), el('input', { id: 'attachments', type: 'file', multiple: '' })));
    }
    if (f.captcha) {
      nodes.push(el('div', { class: 'field captcha', 'data-key': 'captcha' },
        el('label', {}, el('input', { type: 'checkbox', id: 'captcha' }), ' ' + f.captcha), el('small', {}, 'reCAPTCHA (freshmock)')));
    }
    nodes.push(el('p', { class: 'form-error' }), el('button', { type: 'submit', class: 'submit primary' }));
    var form = q('#ticket-form');
    form.textContent = '';
    nodes.forEach(function (n) { form.appendChild(n); });
  }
  function drawForm(f) {
    var key = f.gen + JSON.stringify([f.fields, f.attach, f.captcha, f.select]);
    if (key !== built) { build(f); built = key; }
    // Values typed here that the host has not seen yet stay as they are.
    var fresh = f.seq >= seq;
    q('.form-title').textContent = '';
    q('.login-needed').textContent = f.loginNeeded;
    q('#ticket-form').hidden = !!f.loginNeeded;
    f.fields.forEach(function (fd) {
      var box = byKey(fd.key), input = box.querySelector('input,textarea,select'), v = f.values[fd.key];
      if (fresh) {
        if (fd.kind === 'checkbox') input.checked = !!v;
        else if (d.activeElement !== input) input.value = v == null ? '' : v;
      }
      box.hidden = f.hidden.indexOf(fd.key) >= 0;
      var locked = f.readOnly.indexOf(fd.key) >= 0;
      input.readOnly = locked;
      if (input.tagName === 'SELECT' || fd.kind === 'checkbox') input.disabled = locked;
      box.classList.toggle('locked', locked);
      box.querySelector('.field-error').textContent = f.errors[fd.key] || '';
    });
    ['attachments', 'captcha'].forEach(function (k) {
      var box = byKey(k);
      if (box) box.hidden = f.hidden.indexOf(k) >= 0;
    });
    var cap = q('#captcha');
    if (cap && fresh) cap.checked = f.captchaChecked;
    q('.form-error').textContent = f.notice;
    var btn = q('.submit');
    btn.textContent = f.submit;
    btn.disabled = f.sending;
  }
  // What the form holds now, for the host (read-only fields are the host's to fill).
  function collect() {
    var values = {};
    (V ? V.form.fields : []).forEach(function (fd) {
      var box = byKey(fd.key), input = box && box.querySelector('input,textarea,select');
      if (input && !input.readOnly) values[fd.key] = fd.kind === 'checkbox' ? input.checked : input.value;
    });
    var cap = q('#captcha');
    return { values: values, captcha: cap ? cap.checked : null, seq: ++seq };
  }

  function wire() {
    var lb = q('.launcher-button');
    if (lb) { lb.addEventListener('click', function () { send('toggle'); }); return; }
    q('.close').addEventListener('click', function () { send('close'); });
    q('.back').addEventListener('click', function () { send('back'); });
    q('#search').addEventListener('input', function (e) { send('search', { term: e.target.value }); });
    q('.articles').addEventListener('click', function (e) {
      var a = e.target.closest('[data-id]');
      if (a) { e.preventDefault(); send('article', { id: Number(a.getAttribute('data-id')) }); }
    });
    q('.contact-button').addEventListener('click', function () { send('contact'); });
    q('.vote-up').addEventListener('click', function () { send('vote', { up: true }); });
    q('.vote-down').addEventListener('click', function () { send('vote', { up: false }); });
    var form = q('#ticket-form');
    form.addEventListener('input', function () { send('input', collect()); });
    form.addEventListener('change', function () { send('input', collect()); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var m = collect(), files = d.getElementById('attachments');
      m.files = files ? [].slice.call(files.files) : [];
      send('submit', m);
    });
  }
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.source !== parent || !m || m.fm !== 'view') return;
    V = m.v;
    draw(V);
    send('drawn');
  });
  wire();
})();
