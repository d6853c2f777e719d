"""Sign-in records, roles per organisation, the one access check, and the activity log.

Every service that takes the id of an organisation, assessment, plan action, workshop, peer set or register
KPI calls `require(session, actor, organisation_id, permission)` inside its own transaction, after finding the
organisation the id belongs to with `organisation_of`. An id that does not exist and an id of another
organisation give the same `AccessDenied`, so nobody learns what exists elsewhere.

Roles (per organisation) and what they may do:

    lezer        read: results, history, plan, workbook, benchmark, KPIs
    invuller     read + answer: answers, comments, targets, plan, new and final scans, workbook import, KPI values
                 and KPI targets (by hand or from a file)
    facilitator  read + workshop: lead workshops and record their outcome
    beheerder    all of the above + manage: members, sharing, renaming, deleting drafts, peer data, which KPIs
                 are in the KPI register (from the library or the organisation's own)

An application administrator (KLANTBEWUST_ADMINS) creates organisations and manages the members of every
organisation, also one without members; reading an organisation's data takes a membership like anyone
else's, so every look at the data is on record. Without sign-in, the person at the computer that runs
the app is the local user, who may do everything (see README, "Local mode").
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping
from datetime import datetime

from sqlalchemy import func, select

from rules.input import InputError
from storage.db import Database
from storage.models import (ActivityRow, AssessmentRow, EndedSessionRow, KpiEntryRow, MembershipRow, OrganisationRow,
                            PersonRow, PlanActionRow, PeerSetRow, WorkshopRow, utcnow)

ROLES = ("beheerder", "invuller", "facilitator", "lezer")
READ, ANSWER, WORKSHOP, MANAGE = "read", "answer", "workshop", "manage"
ROLE_PERMISSIONS = {
    "lezer": frozenset({READ}),
    "invuller": frozenset({READ, ANSWER}),
    "facilitator": frozenset({READ, WORKSHOP}),
    "beheerder": frozenset({READ, ANSWER, WORKSHOP, MANAGE}),
}
EVERYTHING = frozenset({READ, ANSWER, WORKSHOP, MANAGE})
ENV_ADMINS = "KLANTBEWUST_ADMINS"
LOCAL_LABEL = "local"
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
MAX_EMAIL = 254


class AccessDenied(PermissionError):
    """The actor may not do this here (or the thing does not exist: the two are never told apart)."""

    def __init__(self, permission: str = READ):
        super().__init__(f"no {permission} access")
        self.permission = permission


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in person (by the e-mail address of their identity), or the local user."""

    email: str | None
    name: str = ""
    is_admin: bool = False
    is_local: bool = False

    @property
    def label(self) -> str:
        """What is stored as "who did this"."""
        return LOCAL_LABEL if self.is_local else self.email


LOCAL_USER = Actor(None, "", is_admin=True, is_local=True)


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    role: str
    last_seen_at: datetime | None


@dataclass(frozen=True)
class Activity:
    at: datetime
    actor: str
    actor_name: str
    action: str
    assessment_id: str | None
    detail: dict

    @property
    def kind(self) -> str:
        return kind_of(self.action)


def _admins() -> set[str]:
    return {e.strip().lower() for e in os.environ.get(ENV_ADMINS, "").split(",") if e.strip()}


def _script(letter: str) -> str:
    """The script a letter belongs to, from its Unicode name: LATIN, CYRILLIC, GREEK, ..."""
    return unicodedata.name(letter, "UNKNOWN").split()[0]


def clean_email(email: str | None, *, new: bool = True) -> str:
    """An e-mail address as stored: NFKC-normalised (a full-width "ａ" is an "a"), trimmed, lower case, checked
    (InputError when not an address). Refused, so that no address can pass for another one: an invisible or
    control character (a zero-width space, a soft hyphen, a direction mark) and letters of more than one script in
    one address (a Cyrillic "а" among Latin letters). `new=False` finds an address stored before these checks, as
    it was stored (to change or remove such a member)."""

    if not new:
        text = (email or "").strip().lower()
        if not text:
            raise InputError("required", "email")
        return text
    raw = email or ""
    invisible = [c for c in unicodedata.normalize("NFKC", raw) if unicodedata.category(c).startswith("C")]
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).strip().lower())
    if not text:
        raise InputError("required", "email")
    if invisible:
        shown = "".join(c for c in text if not unicodedata.category(c).startswith("C"))[:80]
        raise InputError("email_invisible", "email", value=shown,
                         character=", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in invisible)))
    scripts: dict[str, list[str]] = {}
    for letter in text:
        if letter.isalpha():
            scripts.setdefault(_script(letter), []).append(letter)
    if len(scripts) > 1:
        main = max(scripts, key=lambda name: (len(scripts[name]), name == "LATIN"))
        odd = "".join(dict.fromkeys(c for name, letters in scripts.items() if name != main for c in letters))
        raise InputError("email_mixed_scripts", "email", value=text[:80], letters=" ".join(odd)[:40])
    if len(text) > MAX_EMAIL or not EMAIL_PATTERN.match(text):
        raise InputError("invalid_email", "email", value=text[:80])
    return text


# --- the check ---------------------------------------------------------------------------------------

def permissions(session, actor: Actor, organisation_id: int) -> frozenset[str]:
    """What `actor` may do in this organisation (empty when nothing, or when it does not exist)."""
    if actor.is_local:
        return EVERYTHING if session.get(OrganisationRow, organisation_id) is not None else frozenset()
    role = session.scalar(select(MembershipRow.role).join(PersonRow, PersonRow.id == MembershipRow.person_id)
                          .where(MembershipRow.organisation_id == organisation_id, PersonRow.email == actor.email))
    return ROLE_PERMISSIONS.get(role, frozenset())


def require(session, actor: Actor, organisation_id: int | None, permission: str) -> None:
    """Raise `AccessDenied` unless `actor` has `permission` in the organisation. An application
    administrator may manage the members of every organisation (permission MANAGE with members=True)."""
    if not isinstance(actor, Actor):
        raise TypeError("an Actor is needed")
    if organisation_id is None or permission not in permissions(session, actor, organisation_id):
        raise AccessDenied(permission)


def my_permissions(db: Database, *, actor: Actor, organisation_id: int) -> frozenset[str]:
    """What the actor may do in the organisation, for a page to show only the controls that will work
    (the services check again on every call)."""
    with db.read() as session:
        return permissions(session, actor, organisation_id)


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied("admin")


def _require_members_manager(session, actor: Actor, organisation_id: int) -> None:
    if actor.is_admin and session.get(OrganisationRow, organisation_id) is not None:
        return
    require(session, actor, organisation_id, MANAGE)


def organisation_of(session, *, assessment_id: str | None = None, workshop_id: str | None = None,
                    action_id: int | None = None, peer_set_id: int | None = None,
                    kpi_entry_id: int | None = None) -> int | None:
    """The organisation an id belongs to, or None when there is no such thing (then `require` refuses)."""
    if assessment_id is not None:
        return session.scalar(select(AssessmentRow.organisation_id).where(AssessmentRow.id == str(assessment_id)))
    if workshop_id is not None:
        return session.scalar(select(AssessmentRow.organisation_id)
                              .join(WorkshopRow, WorkshopRow.assessment_id == AssessmentRow.id)
                              .where(WorkshopRow.id == str(workshop_id)))
    if action_id is not None:
        return session.scalar(select(AssessmentRow.organisation_id)
                              .join(PlanActionRow, PlanActionRow.assessment_id == AssessmentRow.id)
                              .where(PlanActionRow.id == action_id))
    if peer_set_id is not None:
        return session.scalar(select(PeerSetRow.organisation_id).where(PeerSetRow.id == peer_set_id))
    if kpi_entry_id is not None:
        if not isinstance(kpi_entry_id, int) or isinstance(kpi_entry_id, bool):
            return None
        return session.scalar(select(KpiEntryRow.organisation_id).where(KpiEntryRow.id == kpi_entry_id))
    return None


def visible_organisations(session, actor: Actor) -> dict[int, str | None]:
    """The organisations `actor` sees, with their role in each (None: reachable as administrator only)."""
    if actor.is_local:
        return {oid: "beheerder" for oid in session.scalars(select(OrganisationRow.id))}
    roles = dict(session.execute(select(MembershipRow.organisation_id, MembershipRow.role)
                                 .join(PersonRow, PersonRow.id == MembershipRow.person_id)
                                 .where(PersonRow.email == actor.email)).all())
    if actor.is_admin:
        return {oid: roles.get(oid) for oid in session.scalars(select(OrganisationRow.id))}
    return roles


# --- the activity log --------------------------------------------------------------------------------

def log(session, actor: Actor, action: str, organisation_id: int, assessment_id: str | None = None,
        **detail) -> None:
    """Record a change in the same transaction as the change itself."""
    session.add(ActivityRow(organisation_id=organisation_id, assessment_id=assessment_id, actor=actor.label,
                            action=action, detail=json.dumps(detail, ensure_ascii=False, default=str)))


# what kind of change each logged action is (the Beheer page filters on it); an action of no kind is "other"
ACTIVITY_KINDS = {
    "members": ("member_added", "role_changed", "member_removed", "sessions_ended"),
    "organisation": ("organisation_created", "organisation_changed"),
    "sharing": ("sharing_changed", "peer_set_added", "peer_set_removed"),
    "kpi": ("kpi_added", "kpi_removed", "kpi_target_set", "kpi_value_saved", "kpi_value_deleted",
            "kpi_values_imported"),
    "scan": ("assessment_created", "assessment_finalised", "assessment_deleted", "answer_changed", "answers_confirmed",
             "target_set", "workbook_imported"),
    "plan": ("action_added", "action_changed", "action_removed"),
    "workshop": ("workshop_started", "workshop_ended", "workshop_votes_deleted", "sent_to_workshop",
                 "removed_from_workshop_list"),
    "respondents": ("respondent_links_created", "respondent_members_invited", "respondent_link_revoked",
                    "respondent_deadline_set", "respondents_merged"),
}
OTHER_KIND = "other"


def kind_of(action: str) -> str:
    return next((kind for kind, actions in ACTIVITY_KINDS.items() if action in actions), OTHER_KIND)


def activity(db: Database, *, actor: Actor, assessment_id: str, limit: int = 500) -> list[Activity]:
    """What happened to an assessment, newest first (for its beheerder)."""
    with db.read() as session:
        require(session, actor, organisation_of(session, assessment_id=assessment_id), MANAGE)
        rows = session.execute(
            select(ActivityRow, PersonRow.name).outerjoin(PersonRow, PersonRow.email == ActivityRow.actor)
            .where(ActivityRow.assessment_id == assessment_id)
            .order_by(ActivityRow.at.desc(), ActivityRow.id.desc()).limit(limit)).all()
        return [Activity(r.at, r.actor, name or "", r.action, r.assessment_id, json.loads(r.detail))
                for r, name in rows]


@dataclass(frozen=True)
class AnswerWork:
    """Who changed answers of an assessment, and from where (app, workshop, workbook, respondents): counted from
    the activity log, for the report's "who made this scan"."""

    actor: str  # the stored label
    actor_name: str  # "" when unknown
    source: str
    changes: int


def answer_work(db: Database, *, actor: Actor, assessment_id: str) -> list[AnswerWork]:
    """Counts only (read permission: no log details), the most changes first."""
    with db.read() as session:
        require(session, actor, organisation_of(session, assessment_id=assessment_id), READ)
        rows = session.execute(
            select(ActivityRow.actor, PersonRow.name, ActivityRow.detail)
            .outerjoin(PersonRow, PersonRow.email == ActivityRow.actor)
            .where(ActivityRow.assessment_id == assessment_id,
                   ActivityRow.action.in_(("answer_changed", "answers_confirmed")))).all()
    counted: dict[tuple[str, str, str], int] = {}
    for label, name, detail in rows:
        try:
            source = str(json.loads(detail).get("source") or "app")
        except (ValueError, AttributeError):
            source = "app"
        key = (label, name or "", source)
        counted[key] = counted.get(key, 0) + 1
    return sorted((AnswerWork(*key, count) for key, count in counted.items()), key=lambda w: (-w.changes, w.actor))


NO_ASSESSMENT = ""  # the scan filter for changes to the organisation itself (members, KPIs, sharing, ...)


@dataclass(frozen=True)
class ActivityFilters:
    people: dict[str, str]  # who appears in the organisation's log: label -> name ("" when unknown)
    kinds: tuple[str, ...]  # the kinds of change that appear in it


def organisation_activity(db: Database, *, actor: Actor, organisation_id: int, assessment_id: str | None = None,
                          person: str | None = None, kinds: tuple[str, ...] | list[str] | None = None,
                          limit: int = 500) -> list[Activity]:
    """What happened in an organisation, newest first (for its beheerder): changes to the organisation itself
    (members, KPIs, sharing, peer data, renames) and to each of its scans. Filters: `assessment_id` (a scan of
    this organisation, or NO_ASSESSMENT for the organisation's own changes, or None for all), `person` (the
    stored label of who did it) and `kinds` (see ACTIVITY_KINDS; "other" for actions of no kind)."""
    with db.read() as session:
        require(session, actor, organisation_id, MANAGE)
        query = (select(ActivityRow, PersonRow.name).outerjoin(PersonRow, PersonRow.email == ActivityRow.actor)
                 .where(ActivityRow.organisation_id == organisation_id))
        if assessment_id == NO_ASSESSMENT:
            query = query.where(ActivityRow.assessment_id.is_(None))
        elif assessment_id is not None:
            query = query.where(ActivityRow.assessment_id == str(assessment_id))
        if person is not None:
            query = query.where(ActivityRow.actor == person)
        if kinds is not None:
            known = [a for kind in kinds for a in ACTIVITY_KINDS.get(kind, ())]
            every = [a for actions in ACTIVITY_KINDS.values() for a in actions]
            condition = ActivityRow.action.in_(known)
            if OTHER_KIND in kinds:
                condition = condition | ActivityRow.action.not_in(every)
            query = query.where(condition)
        rows = session.execute(query.order_by(ActivityRow.at.desc(), ActivityRow.id.desc()).limit(limit)).all()
        return [Activity(r.at, r.actor, name or "", r.action, r.assessment_id, json.loads(r.detail))
                for r, name in rows]


def activity_filters(db: Database, *, actor: Actor, organisation_id: int) -> ActivityFilters:
    """The people and kinds of change in an organisation's log, to filter on."""
    with db.read() as session:
        require(session, actor, organisation_id, MANAGE)
        rows = session.execute(select(ActivityRow.actor, func.max(PersonRow.name))
                               .outerjoin(PersonRow, PersonRow.email == ActivityRow.actor)
                               .where(ActivityRow.organisation_id == organisation_id)
                               .group_by(ActivityRow.actor).order_by(ActivityRow.actor)).all()
        actions = set(session.scalars(select(ActivityRow.action).distinct()
                                      .where(ActivityRow.organisation_id == organisation_id)))
        found = {kind_of(action) for action in actions}
        return ActivityFilters({label: name or "" for label, name in rows},
                               tuple(k for k in (*ACTIVITY_KINDS, OTHER_KIND) if k in found))


# --- people and members ------------------------------------------------------------------------------

def sign_in(db: Database, *, email: str, name: str = "") -> Actor:
    """The actor for a person who signed in with their identity provider; remembers them (and when)."""
    email = clean_email(email)
    name = (name or "").strip()[:200]
    with db.write() as session:
        person = session.scalar(select(PersonRow).where(PersonRow.email == email))
        if person is None:
            person = PersonRow(email=email, name=name)
            session.add(person)
        elif name:
            person.name = name
        person.last_seen_at = utcnow()
    return Actor(email, name, is_admin=email in _admins())


# --- sessions that end ---------------------------------------------------------------------------------

def session_key(claims: Mapping) -> str:
    """The key of one sign-in session, from the claims of its ID token (the issuer, the person, when it was issued
    and its nonce, which is new at every sign-in): the same for every copy of its cookie, another for the next
    sign-in. Only this hash is stored, never a token."""
    parts = [str(claims.get(name, "")) for name in ("iss", "sub", "email", "iat", "nonce", "auth_time", "sid")]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def end_session(db: Database, *, actor: Actor, key: str) -> None:
    """Signing out: the session with this key has ended, also for a copy of its cookie elsewhere."""
    if actor.is_local or not actor.email:
        return
    with db.write() as session:
        if session.get(EndedSessionRow, key) is None:
            session.add(EndedSessionRow(key=key, email=actor.email, ended_at=utcnow()))


def session_ended(db: Database, *, email: str, key: str, issued_at: float | None) -> bool:
    """Whether a session has ended: it was signed out, or every session of the person that began before a moment
    was ended (`end_all_sessions`) and this one began before it (`issued_at`: the ID token's iat, in seconds)."""
    with db.read() as session:
        if session.get(EndedSessionRow, key) is not None:
            return True
        ended_at = session.scalar(select(PersonRow.sessions_ended_at).where(PersonRow.email == email))
    if ended_at is None:
        return False
    return issued_at is None or float(issued_at) <= ended_at.timestamp()


def end_all_sessions(db: Database, *, actor: Actor, organisation_id: int, email: str) -> None:
    """End every session of a member (e.g. when they leave): wherever they are signed in, they must sign in again.
    For the organisation's beheerder and for application administrators; logged in the organisation's log."""
    email = clean_email(email, new=False)
    with db.write() as session:
        _require_members_manager(session, actor, organisation_id)
        _membership(session, organisation_id, email)
        person = session.scalar(select(PersonRow).where(PersonRow.email == email))
        person.sessions_ended_at = utcnow()
        log(session, actor, "sessions_ended", organisation_id, email=email)


def list_members(db: Database, *, actor: Actor, organisation_id: int) -> list[Member]:
    with db.read() as session:
        _require_members_manager(session, actor, organisation_id)
        rows = session.execute(select(PersonRow, MembershipRow.role)
                               .join(MembershipRow, MembershipRow.person_id == PersonRow.id)
                               .where(MembershipRow.organisation_id == organisation_id)
                               .order_by(PersonRow.email)).all()
        return [Member(p.email, p.name, role, p.last_seen_at) for p, role in rows]


def add_member(db: Database, *, actor: Actor, organisation_id: int, email: str, role: str) -> Member:
    """Give a person (by the e-mail address of their identity) a role in the organisation. They need not
    have signed in before; the role works from their first sign-in."""

    email = clean_email(email)
    if role not in ROLES:
        raise InputError("unknown_choice", "role", value=str(role))
    with db.write() as session:
        _require_members_manager(session, actor, organisation_id)
        person = session.scalar(select(PersonRow).where(PersonRow.email == email))
        if person is None:
            person = PersonRow(email=email, name="")
            session.add(person)
            session.flush()
        if session.get(MembershipRow, (organisation_id, person.id)) is not None:
            raise InputError("member_exists", "email", email=email)
        session.add(MembershipRow(organisation_id=organisation_id, person_id=person.id, role=role,
                                  created_by=actor.label))
        log(session, actor, "member_added", organisation_id, email=email, role=role)
        return Member(person.email, person.name, role, person.last_seen_at)


def _membership(session, organisation_id: int, email: str) -> MembershipRow:

    row = session.scalar(select(MembershipRow).join(PersonRow, PersonRow.id == MembershipRow.person_id)
                         .where(MembershipRow.organisation_id == organisation_id, PersonRow.email == email))
    if row is None:
        raise InputError("not_a_member", "email", email=email)
    return row


def _keep_a_manager(session, organisation_id: int, leaving: MembershipRow, actor: Actor) -> None:
    """An organisation keeps at least one beheerder, unless an administrator takes it away."""

    if leaving.role != "beheerder" or actor.is_admin:
        return
    managers = session.scalar(select(func.count()).select_from(MembershipRow).where(
        MembershipRow.organisation_id == organisation_id, MembershipRow.role == "beheerder"))
    if managers <= 1:
        raise InputError("last_manager", "role")


def change_role(db: Database, *, actor: Actor, organisation_id: int, email: str, role: str) -> None:

    email = clean_email(email, new=False)
    if role not in ROLES:
        raise InputError("unknown_choice", "role", value=str(role))
    with db.write() as session:
        _require_members_manager(session, actor, organisation_id)
        row = _membership(session, organisation_id, email)
        if row.role != role:
            _keep_a_manager(session, organisation_id, row, actor)
            log(session, actor, "role_changed", organisation_id, email=email, before=row.role, role=role)
            row.role = role


def remove_member(db: Database, *, actor: Actor, organisation_id: int, email: str) -> None:
    email = clean_email(email, new=False)
    with db.write() as session:
        _require_members_manager(session, actor, organisation_id)
        row = _membership(session, organisation_id, email)
        _keep_a_manager(session, organisation_id, row, actor)
        session.delete(row)
        log(session, actor, "member_removed", organisation_id, email=email, role=row.role)
