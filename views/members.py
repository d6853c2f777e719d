"""Beheer: who may do what in an organisation (members and their roles), and what happened to each scan
(the activity log). For the organisation's beheerders, and for application administrators."""

import pandas as pd
import streamlit as st

import access
from access import MANAGE, ROLES
from assessment import service
from ui.activity_text import activity_text
from ui.identity import auth_configured
from ui.language import lang, tr
from ui.safe_text import escape_md, local_time
from ui.session import (attempt, database, flash, me, pending, permissions_in, show_flash, show_page_error,
                        who_text)
from ui.url_state import PARAM_ORGANISATION
from ui.page_meta import set_context

db = database()
actor = me()
language = lang()
st.title(tr("members.title"), anchor=False)
st.markdown(tr("members.intro"))
show_flash()
show_page_error()

organisations = [o for o in service.list_organisations(db, actor=actor)
                 if actor.is_admin or MANAGE in permissions_in(o.id)]
if not organisations:
    st.info(tr("members.none"), icon=":material/lock:")
    st.stop()
by_id = {o.id: o for o in organisations}
wanted = st.query_params.get(PARAM_ORGANISATION) or st.session_state.get("organisation_id")
try:
    current_id = int(wanted) if wanted is not None and int(wanted) in by_id else organisations[0].id
except ValueError:
    current_id = organisations[0].id


def _choose() -> None:
    st.query_params[PARAM_ORGANISATION] = str(st.session_state["members_organisation"])
    st.session_state["organisation_id"] = st.session_state["members_organisation"]


labels = {o.id: o.name for o in organisations}
st.session_state["members_organisation"] = current_id
st.selectbox(tr("start.choose_organisation"), list(labels), format_func=labels.__getitem__,
             key="members_organisation", on_change=_choose, placeholder=tr("common.choose"))
organisation = by_id[current_id]
set_context(organisation.name)
role_label = {role: tr(f"role.{role}") for role in ROLES}

# --- members -------------------------------------------------------------------------------------------
st.header(tr("members.members_title", organisation=escape_md(organisation.name)), divider="gray", anchor=False)
with st.expander(tr("members.roles_title"), icon=":material/help:"):
    for role in ROLES:
        st.markdown(f"- **{role_label[role]}**: {tr(f'role.{role}_can')}")

members = access.list_members(db, actor=actor, organisation_id=organisation.id)
if not members:
    st.warning(tr("members.no_members"), icon=":material/group_off:")


def _change_role(email: str, key: str) -> None:
    if attempt(access.change_role, db, actor=actor, organisation_id=organisation.id, email=email,
               role=st.session_state[key], keep=("role", organisation.id, email))[0]:
        flash(tr("members.role_changed", email=escape_md(email), role=role_label[st.session_state[key]]))


def _remove(email: str) -> None:
    st.session_state.pop("confirm_remove", None)
    if attempt(access.remove_member, db, actor=actor, organisation_id=organisation.id, email=email,
               keep=("remove_member", organisation.id, email))[0]:
        flash(tr("members.removed", email=escape_md(email)))


def _end_sessions(email: str) -> None:
    if attempt(access.end_all_sessions, db, actor=actor, organisation_id=organisation.id, email=email,
               keep=("end_sessions", organisation.id, email))[0]:
        flash(tr("members.sessions_ended", email=escape_md(email)))


sessions_exist = auth_configured()  # in local mode nobody signs in, so there are no sessions to end
for number, member in enumerate(members):
    with st.container(border=True):
        who, role, action = st.columns([3, 2, 1], vertical_alignment="center")
        who.markdown(f"**{escape_md(member.name or member.email)}**  \n{escape_md(member.email)}")
        seen = local_time(member.last_seen_at, "%d-%m-%Y") if member.last_seen_at else tr("members.never_seen")
        who.caption(tr("members.last_seen", when=seen))
        key = f"member_role_{organisation.id}_{number}"
        kept = pending(("role", organisation.id, member.email))  # chosen while the database was away
        st.session_state[key] = kept["role"] if kept else member.role
        role.selectbox(tr("members.role"), ROLES, key=key, format_func=role_label.__getitem__,
                       on_change=_change_role, args=(member.email, key), placeholder=tr("common.choose"))
        if st.session_state.get("confirm_remove") == member.email:
            st.warning(tr("members.remove_confirm", email=escape_md(member.email)), icon=":material/warning:")
            yes, no, _ = st.columns([2, 2, 4])
            yes.button(tr("members.remove_yes"), key=f"remove_yes_{number}", type="primary", on_click=_remove,
                       args=(member.email,), width="stretch")
            no.button(tr("start.delete_no"), key=f"remove_no_{number}", width="stretch",
                      on_click=st.session_state.pop, args=("confirm_remove", None))
        else:
            action.button(tr("members.remove"), key=f"remove_{number}", icon=":material/person_remove:",
                          width="stretch", on_click=st.session_state.__setitem__,
                          args=("confirm_remove", member.email))
            if sessions_exist:
                action.button(tr("members.end_sessions"), key=f"end_sessions_{number}", icon=":material/logout:",
                              width="stretch", help=tr("members.end_sessions_help"), on_click=_end_sessions,
                              args=(member.email,))


def _add() -> None:
    done, added = attempt(access.add_member, db, actor=actor, organisation_id=organisation.id,
                          email=st.session_state.get("new_member_email", ""), role=st.session_state["new_member_role"])
    if done:
        st.session_state["new_member_email"] = ""
        flash(tr("members.added", email=escape_md(added.email), role=role_label[added.role]))


with st.container(border=True):
    st.subheader(tr("members.add_title"), anchor=False)
    email_column, role_column = st.columns([3, 2])
    email_column.text_input(tr("members.email"), key="new_member_email", max_chars=254,
                            placeholder="naam@organisatie.nl")
    role_column.selectbox(tr("members.role"), ROLES, index=ROLES.index("invuller"), key="new_member_role",
                          format_func=role_label.__getitem__, placeholder=tr("common.choose"))
    st.caption(tr("members.add_help"))
    st.button(tr("members.add"), type="primary", icon=":material/person_add:", on_click=_add)

# --- activity ------------------------------------------------------------------------------------------
if MANAGE not in permissions_in(organisation.id):
    st.stop()  # an administrator who is no member: the members, not what they did
st.header(tr("members.activity_title"), divider="gray", anchor=False)
st.caption(tr("members.activity_intro"))
assessments = service.list_assessments(db, actor=actor, organisation_id=organisation.id)
periods = {a.id: a.period for a in assessments}
filters = access.activity_filters(db, actor=actor, organisation_id=organisation.id)
EVERY = "*"
scans = {EVERY: tr("members.activity_all"), access.NO_ASSESSMENT: tr("members.activity_organisation"),
         **{a.id: tr("members.activity_scan", period=a.period) for a in assessments}}
people = {EVERY: tr("members.activity_everyone"),
          **{label: (name or who_text(label)) for label, name in filters.people.items()}}
kinds = {kind: tr(f"members.kind_{kind}") for kind in filters.kinds}
scan_column, person_column, kind_column = st.columns(3)
chosen_scan = scan_column.selectbox(tr("members.activity_of"), list(scans), format_func=scans.__getitem__,
                                    key=f"activity_assessment_{organisation.id}", placeholder=tr("common.choose"))
chosen_person = person_column.selectbox(tr("members.activity_who"), list(people), format_func=people.__getitem__,
                                        key=f"activity_person_{organisation.id}", placeholder=tr("common.choose"))
chosen_kinds = kind_column.multiselect(tr("members.activity_kinds"), list(kinds), format_func=kinds.__getitem__,
                                       key=f"activity_kinds_{organisation.id}",
                                       placeholder=tr("members.activity_every_kind"))
events = access.organisation_activity(
    db, actor=actor, organisation_id=organisation.id,
    assessment_id=None if chosen_scan in (EVERY, None) else chosen_scan,
    person=None if chosen_person in (EVERY, None) else chosen_person, kinds=chosen_kinds or None)
if not events:
    st.caption(tr("members.activity_none"))
else:
    def scan_of(event: access.Activity) -> str:
        if event.assessment_id is None:
            return tr("members.activity_organisation_short")
        return periods.get(event.assessment_id) or tr("members.activity_scan_deleted")

    st.dataframe(pd.DataFrame({
        tr("members.col_when"): [local_time(e.at, "%d-%m-%Y %H:%M:%S") for e in events],
        tr("members.col_who"): [e.actor_name or who_text(e.actor) for e in events],
        tr("members.col_scan"): [scan_of(e) for e in events],
        tr("members.col_kind"): [tr(f"members.kind_{e.kind}") for e in events],
        tr("members.col_what"): [activity_text(e.action, e.detail, language, lambda r: role_label.get(r, r)) for e in events],
    }), hide_index=True, width="stretch", placeholder="")
    st.caption(tr("members.activity_help", count=len(events)))
