#!/usr/bin/env python3
"""Generate X-Widget-Auth JWT test vectors with PyJWT.

Library: PyJWT 2.15.1 (pip install pyjwt==2.15.1); the script refuses to run with any
other version so the output stays reproducible.

Run:    cd tests/vectors && pip install pyjwt==2.15.1 && python3 make_pyjwt.py
Writes: pyjwt.json (next to this script)

Each vector's `expect` is what Freshdesk answers, per the token rules in docs/src/tokens.md,
to GET /api/widget/search/solutions?term=x with a valid X-Widget-Id and the token in
X-Widget-Auth, with the clock pinned at NOW. The cases and expectations mirror
make_npm.js exactly (same names, same payloads); only the signing library differs.

The output is deterministic: HMAC signatures are deterministic, no `iat` is added
(PyJWT adds none unless asked), and the claims are all fixed integers.
"""

import json
import os
import sys
import warnings

import jwt
from jwt.warnings import InsecureKeyLengthWarning

PINNED_VERSION = "2.15.1"

SECRET = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5"  # raw text is the HMAC key (not hex-decoded)
WRONG_SECRET = "0123456789abcdef0123456789abcdef"  # another valid-looking widget secret
NOW = 1767225600  # 2026-01-01T00:00:00Z

KNOWN_NAME = "Alice Anders"
KNOWN_EMAIL = "alice@globex.test"
UNKNOWN_EMAIL = "stranger@example.com"


def token_error(message):
    """401 for failures of verification steps 1-4 (spec section 3, step 5)."""
    return {
        "status": 401,
        "body": {
            "description": "Validation failed",
            "errors": [{"field": "token", "message": message, "code": "unauthorized"}],
        },
    }


def payload_missing(field):
    """400 for a payload key that is absent (spec section 3, step 6)."""
    return {
        "status": 400,
        "body": {
            "description": "Validation failed",
            "errors": [
                {
                    "field": "payload",
                    "nested_field": "payload." + field,
                    "message": "Field is missing/blank",
                    "code": "missing_field",
                }
            ],
        },
    }


OK = {"status": 200}

EXP_TOO_FAR = {
    "status": 400,
    "body": {
        "description": "Validation failed",
        "errors": [
            {"field": "exp", "message": "Expiry should be within 2 hours", "code": "invalid_value"}
        ],
    },
}

ABSENT_IN_DB = {
    "status": 404,
    "body": {"code": "absent_in_db", "message": "There is no user matching the given email"},
}


def claims(**overrides):
    """Alice's payload with exp = now + 1h; an override of None removes the key."""
    base = {"name": KNOWN_NAME, "email": KNOWN_EMAIL, "exp": NOW + 3600}
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


# (name, algorithm, key, payload, expect) -- same list, same order as make_npm.js.
CASES = [
    ("hs256_valid", "HS256", SECRET, claims(), OK),
    ("hs384_valid", "HS384", SECRET, claims(), OK),
    ("hs512_valid", "HS512", SECRET, claims(), OK),
    ("exp_equals_now_accepted", "HS256", SECRET, claims(exp=NOW), OK),
    ("exp_one_second_ago_expired", "HS256", SECRET, claims(exp=NOW - 1),
     token_error("Signature has expired")),
    ("exp_exactly_two_hours_accepted", "HS256", SECRET, claims(exp=NOW + 7200), OK),
    ("exp_two_hours_plus_one_second_too_far", "HS256", SECRET, claims(exp=NOW + 7201),
     EXP_TOO_FAR),
    ("exp_in_milliseconds_too_far", "HS256", SECRET, claims(exp=NOW * 1000 + 3600000),
     EXP_TOO_FAR),
    ("wrong_secret", "HS256", WRONG_SECRET, claims(),
     token_error("Signature verification raised")),
    # Claims are checked before the signature, so the expiry wins.
    ("wrong_secret_and_expired", "HS256", WRONG_SECRET, claims(exp=NOW - 1),
     token_error("Signature has expired")),
    ("nbf_in_future", "HS256", SECRET, claims(nbf=NOW + 60),
     token_error("Signature nbf has not been reached")),
    ("missing_name", "HS256", SECRET, claims(name=None), payload_missing("name")),
    # No exp passes the claims step; the payload check then reports it.
    ("missing_exp", "HS256", SECRET, claims(exp=None), payload_missing("exp")),
    ("unknown_email", "HS256", SECRET, claims(email=UNKNOWN_EMAIL), ABSENT_IN_DB),
    # PyJWT emits "h.p." (empty signature). Ruby's "h.p.".split('.') drops the trailing
    # empty string: 2 segments, so step 1 rejects it before the algorithm is looked at.
    ("alg_none", "none", None, claims(),
     token_error("Not enough or too many segments")),
]


def main():
    if jwt.__version__ != PINNED_VERSION:
        sys.exit(
            f"make_pyjwt.py: PyJWT {jwt.__version__} is installed, expected {PINNED_VERSION}: "
            f"pip install pyjwt=={PINNED_VERSION}"
        )

    # Freshdesk's widget secret is 32 characters whatever the algorithm; PyJWT warns that
    # this is short for HS384/HS512 (RFC 7518 3.2). That is the format under test: silence it.
    warnings.simplefilter("ignore", InsecureKeyLengthWarning)

    vectors = []
    for name, alg, key, payload, expect in CASES:
        token = jwt.encode(payload, key, algorithm=alg)
        vectors.append({"name": name, "token": token, "expect": expect})

    out = {
        "library": "PyJWT",
        "version": jwt.__version__,
        "secret": SECRET,
        "now": NOW,
        "vectors": vectors,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyjwt.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {path}: {len(vectors)} vectors (PyJWT {jwt.__version__})")


if __name__ == "__main__":
    main()
