"""A local stand-in for Maskinporten, the Folkeregister API and KRR's lookup
API, for the registers' tests: an http.server on 127.0.0.1 (a random port)
in a thread of the test.

- ``POST /token``: Maskinporten's JWT grant. The grant must be an RS256 JWT
  whose signature the configured public key verifies, with header ``kid``,
  claims ``aud`` (this server's issuer), ``iss`` (the client id), ``scope``
  (known scopes only), ``iat``, ``exp`` (at most 120 s after ``iat``, not
  past) and a ``jti`` never seen before. Anything else: HTTP 400
  ``invalid_grant``, as Maskinporten answers.
- ``GET /freg/api/v1/personer/{number}`` and ``POST
  /freg/api/v1/personer/bulkoppslag``: person documents, for a token with
  the Folkeregister scope.
- ``POST /krr/rest/v1/personer``: KRR's ``personer``, for a token with the
  KRR scope, 1 to 1,000 identifiers a call.

A missing, unknown, expired or wrongly scoped token gets HTTP 401.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..models.maskinporten import JWT_BEARER, verify_jwt

FREG_SCOPE = "folkeregister:deling/offentligmedhjemmel"
KRR_SCOPE = "krr:global/kontaktinformasjon.read"
CLIENT_ID = "citizen-crm-test-client"
KEY_ID = "citizen-crm-test-key"


def new_key_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key, pem


class RegisterServer:
    def __init__(self, public_key):
        self.public_key = public_key
        self.persons = {}  # {number: person document}
        self.krr = {}  # {number: KRR person}
        self.tokens = {}  # {token: (scopes, expiry)}
        self.seen_jti = set()
        self.grants = []  # the claims of every accepted grant
        self.calls = []  # (method, path, body) of every API call
        self.token_lifetime = 120
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=None):
                data = json.dumps(body if body is not None else {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_POST(self):
                body = self._body()
                if self.path == "/token":
                    return self._send(*server.grant(body))
                return self._send(*server.api("POST", self.path, body, self.headers))

            def do_GET(self):
                return self._send(*server.api("GET", self.path, b"", self.headers))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # Maskinporten

    def grant(self, body):
        form = parse_qs(body.decode())
        if form.get("grant_type") != [JWT_BEARER] or "assertion" not in form:
            return 400, {"error": "invalid_request"}
        try:
            header, claims = verify_jwt(form["assertion"][0], self.public_key)
        except ValueError as error:
            return 400, {"error": "invalid_grant", "error_description": str(error)}
        now = time.time()
        scopes = str(claims.get("scope", "")).split()
        problems = [
            header.get("kid") != KEY_ID and "kid",
            claims.get("aud") != self.issuer and "aud",
            claims.get("iss") != CLIENT_ID and "iss",
            (not scopes or set(scopes) - {FREG_SCOPE, KRR_SCOPE}) and "scope",
            not isinstance(claims.get("iat"), int) and "iat",
            not isinstance(claims.get("exp"), int) and "exp",
            isinstance(claims.get("exp"), int) and claims["exp"] < now and "expired",
            isinstance(claims.get("iat"), int)
            and isinstance(claims.get("exp"), int)
            and claims["exp"] - claims["iat"] > 120
            and "lifetime",
            (not claims.get("jti") or claims["jti"] in self.seen_jti) and "jti",
        ]
        problems = [problem for problem in problems if problem]
        if problems:
            return 400, {"error": "invalid_grant", "error_description": problems}
        self.seen_jti.add(claims["jti"])
        self.grants.append(claims)
        token = f"token-{uuid.uuid4()}"
        self.tokens[token] = (set(scopes), now + self.token_lifetime)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "scope": " ".join(scopes),
        }

    def expire_tokens(self):
        self.tokens = {
            token: (scopes, 0) for token, (scopes, _exp) in self.tokens.items()
        }

    def authorized(self, headers, scope):
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            return False
        scopes, expiry = self.tokens.get(auth[7:], (set(), 0))
        return scope in scopes and expiry > time.time()

    # The registers

    def api(self, method, path, body, headers):
        self.calls.append((method, path, body))
        if path.startswith("/freg/"):
            if not self.authorized(headers, FREG_SCOPE):
                return 401, {"message": "Unauthorized"}
            return self.freg(method, path, body)
        if path.startswith("/krr/"):
            if not self.authorized(headers, KRR_SCOPE):
                return 401, {"message": "Unauthorized"}
            return self.krr_lookup(method, path, body)
        return 404, {}

    def freg(self, method, path, body):
        prefix = "/freg/api/v1/personer/"
        if method == "POST" and path.rstrip("/") == prefix + "bulkoppslag":
            numbers = json.loads(body).get("foedselsEllerDNummer") or []
            if not 1 <= len(numbers) <= 1000:
                return 400, {"message": "1-1000 identifiers"}
            return 200, {
                "oppslag": [
                    {"foedselsEllerDNummer": n, "folkeregisterperson": self.persons[n]}
                    for n in numbers
                    if n in self.persons
                ]
            }
        if method == "GET" and path.startswith(prefix):
            number = path[len(prefix) :].split("?")[0]
            if number not in self.persons:
                return 404, {"message": "Not found"}
            return 200, self.persons[number]
        return 404, {}

    def krr_lookup(self, method, path, body):
        if method != "POST" or path != "/krr/rest/v1/personer":
            return 404, {}
        numbers = json.loads(body).get("personidentifikatorer") or []
        if not 1 <= len(numbers) <= 1000:
            return 400, {"message": "1-1000 personidentifikatorer"}
        return 200, {"personer": [self.krr[n] for n in numbers if n in self.krr]}


def person_document(
    number,
    first="Kari",
    last="Nordmann",
    middle=None,
    street="Storgata",
    house="1",
    letter=None,
    postcode="0155",
    city="OSLO",
    grading=None,
    status="bosatt",
    old_numbers=(),
    date_of_death=None,
):
    """A person document as the Folkeregister API gives it."""
    identifiers = [
        {
            "erGjeldende": False,
            "foedselsEllerDNummer": old,
            "identifikatortype": "dNummer",
            "status": "opphoert",
        }
        for old in old_numbers
    ]
    identifiers.append(
        {
            "erGjeldende": True,
            "foedselsEllerDNummer": number,
            "identifikatortype": "foedselsnummer" if int(number[0]) < 4 else "dNummer",
            "status": "iBruk",
        }
    )
    document = {
        "identifikasjonsnummer": identifiers,
        "navn": [
            {
                "erGjeldende": False,
                "fornavn": "Gammel",
                "etternavn": "Navn",
                "opphoerstidspunkt": "2020-01-01T00:00:00Z",
            },
            {
                "erGjeldende": True,
                "fornavn": first,
                "mellomnavn": middle,
                "etternavn": last,
                "gyldighetstidspunkt": "2020-01-01T00:00:00Z",
            },
        ],
        "status": [{"erGjeldende": True, "status": status}],
    }
    if street:
        document["bostedsadresse"] = [
            {
                "erGjeldende": True,
                "adressegradering": "ugradert",
                "vegadresse": {
                    "kommunenummer": "0301",
                    "adressenavn": street,
                    "adressenummer": {"husnummer": house, "husbokstav": letter},
                    "poststed": {"postnummer": postcode, "poststedsnavn": city},
                },
            }
        ]
    if grading:
        document["adressebeskyttelse"] = [
            {"erGjeldende": True, "graderingsnivaa": grading}
        ]
    if date_of_death:
        document["doedsfall"] = [{"erGjeldende": True, "doedsdato": date_of_death}]
    return document
