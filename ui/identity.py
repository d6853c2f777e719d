"""Who is using this browser tab: a person signed in with OpenID Connect (`st.login`), the local user, or
nobody. The pages pass the actor to every service; the services decide what it may do.

- With `[auth]` in `.streamlit/secrets.toml`: the signed-in person (by the e-mail address their identity
  provider gives). A sign-in older than KLANTBEWUST_SESSION_HOURS (default 12) has expired.
- Without `[auth]` (local mode): a browser on the computer that runs the app (a loopback connection) is
  the local user; any other browser is nobody, and reaches only a workshop seat or a projector screen.
"""

from __future__ import annotations

import math
import os
import time

import streamlit as st

import access
from access import LOCAL_USER, Actor
from rules.input import InputError
from storage.db import get_database, database_url

ENV_SESSION_HOURS = "KLANTBEWUST_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12.0


def auth_configured() -> bool:
    """Sign-in is set up: `.streamlit/secrets.toml` has an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: local mode
        return False


def is_local_connection() -> bool:
    """The browser runs on this computer: Streamlit gives no address for a loopback connection (the TCP peer;
    behind a proxy on this computer, the address the proxy forwards), a text address for any other."""
    return not isinstance(st.context.ip_address, str)


class SettingError(ValueError):
    """A setting (an environment variable) has a value the app cannot work with."""

    def __init__(self, name: str, value: str):
        super().__init__(f"{name}={value!r}")
        self.name, self.value = name, value


def session_hours() -> float:
    """How long a sign-in lasts, in hours: KLANTBEWUST_SESSION_HOURS, a number above 0 (default 12). Anything
    else ("nan", "0", "-1", "abc", "inf") raises SettingError: the app refuses to start with it."""
    raw = os.environ.get(ENV_SESSION_HOURS)
    if raw is None or not raw.strip():
        return DEFAULT_SESSION_HOURS
    try:
        hours = float(raw.strip())
    except ValueError:
        raise SettingError(ENV_SESSION_HOURS, raw) from None
    if not math.isfinite(hours) or hours <= 0:
        raise SettingError(ENV_SESSION_HOURS, raw)
    return hours


def settings_problem() -> SettingError | None:
    """The first setting the app cannot start with, or None. Checked at the start of every run."""
    try:
        session_hours()
    except SettingError as error:
        return error
    return None


def signed_in() -> bool:
    """The browser holds a sign-in (st.user; also when the identity gives no e-mail address)."""
    return bool(st.user.get("is_logged_in"))


def session_expired() -> bool:
    """Signed in, but longer ago than the session lasts: the person must sign in again."""
    if not auth_configured() or not signed_in():
        return False
    signed_in_at = st.user.get("auth_time") or st.user.get("iat")
    return not signed_in_at or time.time() - float(signed_in_at) > session_hours() * 3600


UNVERIFIED = (False, "false", "False", 0, "0")


def _claims() -> dict:
    """The claims of this browser's sign-in (its ID token's, as Streamlit keeps them in its cookie)."""
    return dict(st.user.to_dict())


def sign_in_problem() -> tuple[str | None, str | None]:
    """(the e-mail address of this browser's sign-in, why it gives no actor), for a browser with a sign-in:

    "expired" (older than KLANTBEWUST_SESSION_HOURS), "no_email" (the identity gives no address),
    "email_not_verified" (the provider says the address is not verified: `email_verified` false),
    "invalid_email" (an address that could pass for another one, see `access.clean_email`) or "ended" (signed
    out, also when this is a copy of a signed-out session's cookie, or all the person's sessions were ended).
    (None, None) without sign-in set up or without a sign-in; (address, None) when all is well."""
    if not auth_configured() or not signed_in():
        return None, None
    if session_expired():
        return None, "expired"
    raw = st.user.get("email") or ""
    if not raw.strip():
        return None, "no_email"
    if st.user.get("email_verified", True) in UNVERIFIED:
        return None, "email_not_verified"
    try:
        email = access.clean_email(raw)
    except InputError:
        return None, "invalid_email"
    claims = _claims()
    if access.session_ended(get_database(database_url()), email=email, key=access.session_key(claims),
                            issued_at=claims.get("iat")):
        return None, "ended"
    return email, None


def current_actor() -> Actor | None:
    """The actor of this run, or None (not signed in, sign-in expired or ended, an address that is not verified
    or not valid, or a remote browser in local mode). Nothing is written for a sign-in that gives no actor."""
    if not auth_configured():
        return LOCAL_USER if is_local_connection() else None
    email, problem = sign_in_problem()
    if email is None or problem is not None:
        st.session_state.pop("_actor", None)
        return None
    known = st.session_state.get("_actor")
    if isinstance(known, Actor) and known.email == email:
        return known
    actor = access.sign_in(get_database(database_url()), email=email, name=st.user.get("name") or "")
    st.session_state["_actor"] = actor
    return actor


def sign_out() -> None:
    """End this session on the server (so a copy of its cookie no longer signs in), then sign out of the browser
    (used as a button's callback). When the database cannot record it, the person stays signed in and is told."""
    from storage.db import StorageUnavailable
    from ui.language import tr

    actor = st.session_state.get("_actor")
    if isinstance(actor, Actor) and not actor.is_local:
        try:
            access.end_session(get_database(database_url()), actor=actor, key=access.session_key(_claims()))
        except StorageUnavailable as unavailable:
            st.session_state["page_error"] = tr("access.sign_out_failed", why=tr(f"storage.why.{unavailable.reason}"))
            return
    st.session_state.pop("_actor", None)
    st.logout()


def provider_name() -> str | None:
    """The identity provider to sign in with: None for one provider set up directly under [auth], else the
    first named one ([auth.entra], [auth.keycloak], ...)."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [name for name, value in section.items() if hasattr(value, "keys") and "client_id" in value]
    return named[0] if named else None


def sign_in() -> None:
    """Send the browser to the identity provider (used as a button's callback)."""
    provider = provider_name()
    if provider is None:
        st.login()
    else:
        st.login(provider)
