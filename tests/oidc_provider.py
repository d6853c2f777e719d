"""A real OpenID Connect provider for the tests, built on Authlib's server components (Flask integration).

Authorization code flow with PKCE, RS256-signed ID tokens, discovery, JWKS and userinfo: what Microsoft
Entra ID or Keycloak give a Klantbewust deployment, so that Streamlit's own `st.login` runs unmodified
against it. People sign in on a plain HTML form with their e-mail address and password.

    with running_provider({"anna@a.nl": ("Anna", "geheim")}) as provider:
        provider.issuer, provider.client_id, provider.client_secret

Test code only: users, codes and tokens live in memory, and any redirect to 127.0.0.1 or localhost is allowed.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "klantbewust-test"
SCOPES = "openid email profile"


@dataclass
class Person:
    email: str
    name: str
    password: str
    email_verified: bool = True  # what the provider says in the `email_verified` claim

    @property
    def sub(self) -> str:
        return "sub-" + self.email


class Client(ClientMixin):
    def __init__(self, client_id: str, client_secret: str):
        self.client_id, self.client_secret = client_id, client_secret

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in SCOPES.split())

    def check_redirect_uri(self, redirect_uri):
        return urlparse(redirect_uri).hostname in ("127.0.0.1", "localhost")

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    client_id: str
    scope: str
    person: Person
    issued_at: float
    expires_in: int

    def check_client(self, client):
        return client.get_client_id() == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self):
        return False

    def get_user(self):
        return self.person

    def get_client(self):
        return None


class Provider:
    """The provider's state and its Flask app."""

    def __init__(self, people: dict[str, tuple]):
        """`people`: e-mail address -> (name, password), or (name, password, False) for a person whose address the
        provider has not verified (`email_verified` false)."""
        self.people = {email.lower(): Person(email.lower(), *details) for email, details in people.items()}
        self.client = Client(CLIENT_ID, secrets.token_urlsafe(24))
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"},
                                       private=True)
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.sign_ins: list[str] = []  # e-mail addresses, in order, for the tests to read
        # how many seconds ago the provider says the next sign-in happened (its ID token's `auth_time`): a test
        # makes a session near its end this way, instead of waiting for the clock
        self.sign_in_age = 0
        self.last_auth_time = 0  # the `auth_time` of the last sign-in
        self.issuer = ""  # set when the server runs
        self.app = self._build_app()

    @property
    def client_id(self) -> str:
        return self.client.client_id

    @property
    def client_secret(self) -> str:
        return self.client.client_secret

    def _build_app(self) -> Flask:
        provider = self
        app = Flask("oidc_provider")

        class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request_):
                payload = request_.payload
                provider.last_auth_time = int(time.time()) - provider.sign_in_age
                provider.codes[code] = Code(
                    code, payload.client_id, payload.redirect_uri, payload.scope, request_.user,
                    payload.data.get("nonce"), payload.data.get("code_challenge"),
                    payload.data.get("code_challenge_method"), auth_time=provider.last_auth_time)

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found and found.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.person

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, request_):
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "test-key"}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 3600}

            def generate_user_info(self, user, scope):
                return UserInfo(sub=user.sub, name=user.name, email=user.email, email_verified=user.email_verified)

        def save_token(token, request_):
            provider.tokens[token["access_token"]] = Token(
                token["access_token"], request_.client.get_client_id(), token.get("scope", ""), request_.user,
                time.time(), token.get("expires_in", 3600))

        server = AuthorizationServer(app, query_client=lambda cid: self.client if cid == CLIENT_ID else None,
                                     save_token=save_token)
        server.register_grant(AuthorizationCodeGrant, [IdToken(require_nonce=False), CodeChallenge(required=False)])

        class Validator(BearerTokenValidator):
            def authenticate_token(self, token_string):
                return provider.tokens.get(token_string)

        protect = ResourceProtector()
        protect.register_token_validator(Validator())

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": SCOPES.split(), "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "claims_supported": ["sub", "name", "email", "email_verified"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            if request.method == "GET":
                return _login_form(request.query_string.decode("ascii"), "")
            person = self.people.get(request.form.get("email", "").strip().lower())
            if person is None or not secrets.compare_digest(request.form.get("password", ""), person.password):
                return _login_form(request.query_string.decode("ascii"), "Onbekend e-mailadres of wachtwoord."), 401
            self.sign_ins.append(person.email)
            return server.create_authorization_response(grant_user=person)

        @app.post("/token")
        def token():
            return server.create_token_response()

        @app.get("/userinfo")
        @protect("openid")
        def userinfo():
            from authlib.integrations.flask_oauth2 import current_token
            person = current_token.person
            return jsonify({"sub": person.sub, "name": person.name, "email": person.email})

        return app


def _login_form(query: str, message: str) -> str:
    return (f"<!doctype html><html lang='nl'><head><title>Test-inlogscherm</title></head><body>"
            f"<h1>Inloggen bij de test-identiteitsprovider</h1><p role='alert'>{html.escape(message)}</p>"
            f"<form method='post' action='/authorize?{html.escape(query)}'>"
            f"<label>E-mailadres <input name='email' type='email' autocomplete='username'></label>"
            f"<label>Wachtwoord <input name='password' type='password' autocomplete='current-password'></label>"
            f"<button type='submit'>Inloggen</button></form></body></html>")


@contextmanager
def running_provider(people: dict[str, tuple[str, str]], port: int = 0):
    """The provider on 127.0.0.1 in a background thread; yields the `Provider` with its `issuer` set."""
    import os
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on the loopback address, in tests only
    provider = Provider(people)
    server = make_server("127.0.0.1", port, provider.app, threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=10)
