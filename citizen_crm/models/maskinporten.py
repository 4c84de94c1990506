"""Maskinporten's JWT grant (RFC 7523) and the HTTP calls of the national
registers' clients (Folkeregisteret, KRR), without Odoo.

The client signs a JWT with the organisation's private key (RS256), posts it
to Maskinporten's token endpoint as ``grant_type=urn:ietf:params:oauth:
grant-type:jwt-bearer`` and gets an access token for the scopes it asked for;
the token is kept (per process, per token endpoint, client and scopes) until
shortly before it expires. The JWT is built with ``cryptography`` (a
dependency of Odoo): header ``{"alg": "RS256", "kid": ...}`` (or ``x5c`` with
the business certificate), claims ``aud`` (the Maskinporten issuer), ``iss``
(the client id), ``scope``, ``iat``, ``exp`` (at most 120 s later) and a
unique ``jti``.

Nothing here logs an identity number, a token or a key: errors name the URL
and the HTTP status only.
"""

import base64
import json
import threading
import time
import uuid

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Maskinporten accepts a grant valid for at most 120 seconds.
GRANT_LIFETIME = 120
# A token is renewed this many seconds before it expires, so that a request
# never leaves with one that expires on the way.
EXPIRY_MARGIN = 10
# Seconds to wait for a register to connect, and then between two bytes of
# its answer (one number: Odoo's test harness only compares numbers).
TIMEOUT = 30

# {(token url, client id, key id, scopes): (access token, expiry as time.time())}
_TOKENS = {}
_TOKENS_LOCK = threading.Lock()


def clear_token_cache():
    """Forget every cached access token (a key or client changed)."""
    with _TOKENS_LOCK:
        _TOKENS.clear()


class RegisterError(Exception):
    """A register or Maskinporten could not be reached or refused the call.
    The message names the service, the URL and the HTTP status, never the
    persons asked about."""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_jwt(header, claims, private_key_pem):
    """A compact JWS (RS256) of ``claims``."""
    try:
        key = serialization.load_pem_private_key(
            private_key_pem.encode()
            if isinstance(private_key_pem, str)
            else private_key_pem,
            password=None,
        )
    except (ValueError, TypeError) as error:
        raise RegisterError(
            f"Maskinporten: the private key cannot be read ({error})"
        ) from None
    header = dict(header, alg="RS256", typ="JWT")
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, claims)
    )
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def verify_jwt(token, public_key):
    """(header, claims) of an RS256 JWT whose signature ``public_key`` (a
    cryptography public key) verifies; ValueError otherwise. For tests and
    for checking a configured key pair."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(claims_b64))
    except (ValueError, AttributeError) as error:
        raise ValueError("malformed JWT") from error
    if header.get("alg") != "RS256":
        raise ValueError("unexpected JWT algorithm")
    try:
        public_key.verify(
            b64url_decode(signature_b64),
            f"{header_b64}.{claims_b64}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except Exception as error:  # cryptography's InvalidSignature and kin
        raise ValueError("bad JWT signature") from error
    return header, claims


class MaskinportenClient:
    """Access tokens from Maskinporten for one client and key."""

    def __init__(
        self,
        token_url,
        client_id,
        private_key,
        key_id=None,
        certificate=None,
        audience=None,
    ):
        if not (token_url and client_id and private_key):
            raise RegisterError(
                "Maskinporten is not configured: token URL, client id and private "
                "key are needed."
            )
        self.token_url = token_url
        self.client_id = client_id
        self.private_key = private_key
        self.key_id = key_id
        self.certificate = certificate
        # The audience is Maskinporten's issuer: the token URL without its path.
        self.audience = audience or token_url.split("/token")[0].rstrip("/") + "/"

    def grant(self, scopes, now=None):
        """The signed JWT grant for ``scopes``."""
        now = int(now if now is not None else time.time())
        header = {}
        if self.certificate:
            header["x5c"] = [self.certificate]
        elif self.key_id:
            header["kid"] = self.key_id
        claims = {
            "aud": self.audience,
            "iss": self.client_id,
            "scope": " ".join(scopes),
            "iat": now,
            "exp": now + GRANT_LIFETIME,
            "jti": str(uuid.uuid4()),
        }
        return sign_jwt(header, claims, self.private_key)

    def token(self, scopes):
        """An access token for ``scopes``, from the cache while it is valid."""
        key = (self.token_url, self.client_id, self.key_id, tuple(sorted(scopes)))
        now = time.time()
        with _TOKENS_LOCK:
            cached = _TOKENS.get(key)
            if cached and cached[1] - EXPIRY_MARGIN > now:
                return cached[0]
        try:
            response = requests.post(
                self.token_url,
                data={"grant_type": JWT_BEARER, "assertion": self.grant(scopes, now)},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise RegisterError(
                f"Maskinporten ({self.token_url}) could not be reached: "
                f"{type(error).__name__}"
            ) from None
        if response.status_code != 200:
            raise RegisterError(
                f"Maskinporten ({self.token_url}) refused the grant: HTTP "
                f"{response.status_code}"
            )
        try:
            body = response.json()
            token = body["access_token"]
            expires_in = int(body.get("expires_in", 60))
        except (ValueError, KeyError, TypeError):
            raise RegisterError(
                f"Maskinporten ({self.token_url}) answered without an access token"
            ) from None
        with _TOKENS_LOCK:
            _TOKENS[key] = (token, now + expires_in)
        return token

    def forget(self, scopes):
        """Drop the cached token (after the API refused it)."""
        key = (self.token_url, self.client_id, self.key_id, tuple(sorted(scopes)))
        with _TOKENS_LOCK:
            _TOKENS.pop(key, None)

    def call(self, service, method, url, scopes, json_body=None, allow_404=False):
        """The decoded JSON answer of an API protected by Maskinporten; None
        for a 404 when ``allow_404``. A refused token (401) is renewed once."""
        for attempt in (1, 2):
            headers = {
                "Authorization": f"Bearer {self.token(scopes)}",
                "Accept": "application/json",
            }
            try:
                response = requests.request(
                    method, url, headers=headers, json=json_body, timeout=TIMEOUT
                )
            except requests.RequestException as error:
                raise RegisterError(
                    f"{service} ({base_url(url)}) could not be reached: "
                    f"{type(error).__name__}"
                ) from None
            if response.status_code == 401 and attempt == 1:
                self.forget(scopes)
                continue
            break
        if response.status_code == 404 and allow_404:
            return None
        if response.status_code != 200:
            raise RegisterError(
                f"{service} answered HTTP {response.status_code}"
                f" ({method} {base_url(url)})"
            )
        try:
            return response.json()
        except ValueError:
            raise RegisterError(
                f"{service} answered with something else than JSON"
            ) from None


def base_url(url):
    """``url`` without what may name a person: the path up to ``/personer``
    and no query."""
    url = url.split("?")[0]
    head, sep, _tail = url.partition("/personer/")
    return f"{head}{sep}…" if sep else url
