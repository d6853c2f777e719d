"""Settings the app cannot work with are refused at start with a message that names them, and wrong workshop codes
are counted per network address, whatever the browser says about itself."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ui.identity import ENV_SESSION_HOURS, SettingError, session_hours
from ui.workshop_view import JoinThrottle, join_throttle_key
from test_app import app_env  # noqa: F401 - a fixture

APP = str(ROOT / "app.py")


@pytest.mark.parametrize("value", ["nan", "0", "-1", "abc", "inf", "-0.5"])
def test_a_session_length_that_is_no_positive_number_is_refused(monkeypatch, value):
    monkeypatch.setenv(ENV_SESSION_HOURS, value)
    with pytest.raises(SettingError) as refused:
        session_hours()
    assert (refused.value.name, refused.value.value) == (ENV_SESSION_HOURS, value)


@pytest.mark.parametrize("value, hours", [(None, 12.0), ("", 12.0), ("8", 8.0), ("0.5", 0.5), (" 24 ", 24.0)])
def test_a_session_length_in_hours_is_taken(monkeypatch, value, hours):
    if value is None:
        monkeypatch.delenv(ENV_SESSION_HOURS, raising=False)
    else:
        monkeypatch.setenv(ENV_SESSION_HOURS, value)
    assert session_hours() == hours


@pytest.mark.parametrize("value", ["nan", "0", "-1", "abc"])
def test_the_app_refuses_to_start_with_a_bad_session_length_and_says_why(app_env, monkeypatch, value):  # noqa: F811
    monkeypatch.setenv(ENV_SESSION_HOURS, value)
    for language, words in (("nl", "De app start niet. De instelling KLANTBEWUST_SESSION_HOURS is"),
                            ("en", "The app does not start. The setting KLANTBEWUST_SESSION_HOURS is")):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = language
        at.run()
        assert not at.exception
        assert [e.value for e in at.error] == [e.value for e in at.error if words in e.value] and len(at.error) == 1
        assert f"'{value}'" in at.error[0].value.replace("\\", "")
        assert not at.title and not at.button and not at.text_input  # no page behind it: nothing can be used


def test_a_good_session_length_starts_the_app(app_env, monkeypatch):  # noqa: F811
    monkeypatch.setenv(ENV_SESSION_HOURS, "8")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and not at.error and at.title[0].value == "Klantbewust"


@dataclass
class Context:
    """What the vote page reads of `st.context`: the network address and the request headers."""

    ip_address: str | None
    headers: dict = field(default_factory=dict)


def test_wrong_join_codes_are_counted_per_address_whatever_the_user_agent():
    throttle = JoinThrottle()
    first = Context("203.0.113.7", {"User-Agent": "Mozilla/5.0 (iPhone)"})
    for _ in range(JoinThrottle.FREE + 1):
        throttle.failed(join_throttle_key(first))
    assert throttle.wait_seconds(join_throttle_key(first)) > 0
    # another User-Agent (or any other header) from the same address: the same count, still waiting
    changed = Context("203.0.113.7", {"User-Agent": "curl/8.0", "Accept-Language": "en"})
    assert join_throttle_key(changed) == join_throttle_key(first)
    assert throttle.wait_seconds(join_throttle_key(changed)) > 0
    # another address has its own count
    assert throttle.wait_seconds(join_throttle_key(Context("198.51.100.2", first.headers))) == 0
    assert join_throttle_key(Context(None)) == "local"
