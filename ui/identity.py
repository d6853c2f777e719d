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


def current_actor() -> Actor | None:
    """The actor of this run, or None (not signed in, sign-in expired, or a remote browser in local mode)."""
    if not auth_configured():
        return LOCAL_USER if is_local_connection() else None
    if not signed_in() or session_expired():
        return None
    email = (st.user.get("email") or "").strip().lower()
    if not email:
        return None
    known = st.session_state.get("_actor")
    if isinstance(known, Actor) and known.email == email:
        return known
    actor = access.sign_in(get_database(database_url()), email=email, name=st.user.get("name") or "")
    st.session_state["_actor"] = actor
    return actor


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
