#!/usr/bin/env node
// Generate X-Widget-Auth JWT test vectors with the npm `jsonwebtoken` package.
//
// Library: jsonwebtoken, pinned exactly in package.json / package-lock.json; the script
// refuses to run with any other version so the output stays reproducible.
//
// Run:    cd tests/vectors && npm ci && node make_npm.js
// Writes: jsonwebtoken-npm.json (next to this script)
//
// Each vector's `expect` is what Freshdesk answers, per the token rules in
// docs/src/tokens.md, to GET /api/widget/search/solutions?term=x with a valid X-Widget-Id and the
// token in X-Widget-Auth, with the clock pinned at NOW. The cases and expectations mirror
// make_pyjwt.py exactly (same names, same payloads); only the signing library differs.
//
// Deterministic: `noTimestamp: true` (no `iat`), `exp`/`nbf` passed in the payload as
// fixed integers (never `expiresIn`/`notBefore`, which are relative to the real clock).

'use strict';

const fs = require('fs');
const path = require('path');
const jwt = require('jsonwebtoken');
const pkg = require('./package.json');
const libVersion = require('jsonwebtoken/package.json').version;

const SECRET = '5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5'; // raw text is the HMAC key (not hex-decoded)
const WRONG_SECRET = '0123456789abcdef0123456789abcdef'; // another valid-looking widget secret
const NOW = 1767225600; // 2026-01-01T00:00:00Z

const KNOWN_NAME = 'Alice Anders';
const KNOWN_EMAIL = 'alice@globex.test';
const UNKNOWN_EMAIL = 'stranger@example.com';

// 401 for failures of verification steps 1-4 (spec section 3, step 5).
function tokenError(message) {
  return {
    status: 401,
    body: {
      description: 'Validation failed',
      errors: [{ field: 'token', message, code: 'unauthorized' }],
    },
  };
}

// 400 for a payload key that is absent (spec section 3, step 6).
function payloadMissing(field) {
  return {
    status: 400,
    body: {
      description: 'Validation failed',
      errors: [
        {
          field: 'payload',
          nested_field: `payload.${field}`,
          message: 'Field is missing/blank',
          code: 'missing_field',
        },
      ],
    },
  };
}

const OK = { status: 200 };

const EXP_TOO_FAR = {
  status: 400,
  body: {
    description: 'Validation failed',
    errors: [{ field: 'exp', message: 'Expiry should be within 2 hours', code: 'invalid_value' }],
  },
};

const ABSENT_IN_DB = {
  status: 404,
  body: { code: 'absent_in_db', message: 'There is no user matching the given email' },
};

// Alice's payload with exp = now + 1h; an override of null removes the key.
function claims(overrides = {}) {
  const base = { name: KNOWN_NAME, email: KNOWN_EMAIL, exp: NOW + 3600 };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete base[key];
    else base[key] = value;
  }
  return base;
}

// [name, algorithm, key, payload, expect] -- same list, same order as make_pyjwt.py.
const CASES = [
  ['hs256_valid', 'HS256', SECRET, claims(), OK],
  ['hs384_valid', 'HS384', SECRET, claims(), OK],
  ['hs512_valid', 'HS512', SECRET, claims(), OK],
  ['exp_equals_now_accepted', 'HS256', SECRET, claims({ exp: NOW }), OK],
  ['exp_one_second_ago_expired', 'HS256', SECRET, claims({ exp: NOW - 1 }),
    tokenError('Signature has expired')],
  ['exp_exactly_two_hours_accepted', 'HS256', SECRET, claims({ exp: NOW + 7200 }), OK],
  ['exp_two_hours_plus_one_second_too_far', 'HS256', SECRET, claims({ exp: NOW + 7201 }),
    EXP_TOO_FAR],
  ['exp_in_milliseconds_too_far', 'HS256', SECRET, claims({ exp: NOW * 1000 + 3600000 }),
    EXP_TOO_FAR],
  ['wrong_secret', 'HS256', WRONG_SECRET, claims(),
    tokenError('Signature verification raised')],
  // Claims are checked before the signature, so the expiry wins.
  ['wrong_secret_and_expired', 'HS256', WRONG_SECRET, claims({ exp: NOW - 1 }),
    tokenError('Signature has expired')],
  ['nbf_in_future', 'HS256', SECRET, claims({ nbf: NOW + 60 }),
    tokenError('Signature nbf has not been reached')],
  ['missing_name', 'HS256', SECRET, claims({ name: null }), payloadMissing('name')],
  // No exp passes the claims step; the payload check then reports it.
  ['missing_exp', 'HS256', SECRET, claims({ exp: null }), payloadMissing('exp')],
  ['unknown_email', 'HS256', SECRET, claims({ email: UNKNOWN_EMAIL }), ABSENT_IN_DB],
  // jsonwebtoken emits "h.p." (empty signature). Ruby's "h.p.".split('.') drops the
  // trailing empty string: 2 segments, so step 1 rejects it before the algorithm is seen.
  ['alg_none', 'none', null, claims(), tokenError('Not enough or too many segments')],
];

function main() {
  const pinned = pkg.dependencies.jsonwebtoken;
  if (libVersion !== pinned) {
    console.error(
      `make_npm.js: jsonwebtoken ${libVersion} is installed, package.json pins ${pinned}: run npm ci`,
    );
    process.exit(1);
  }

  const vectors = CASES.map(([name, algorithm, key, payload, expect]) => ({
    name,
    token: jwt.sign(payload, key, { algorithm, noTimestamp: true }),
    expect,
  }));

  const out = {
    library: 'jsonwebtoken',
    version: libVersion,
    secret: SECRET,
    now: NOW,
    vectors,
  };
  const file = path.join(__dirname, 'jsonwebtoken-npm.json');
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file}: ${vectors.length} vectors (jsonwebtoken ${libVersion})`);
}

main();
