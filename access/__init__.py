"""Who is acting, and what they may do: people, their roles per organisation, the access check every
service calls, and the activity log. No streamlit here; the pages find the actor (ui/identity.py)."""

from .service import (ACTIVITY_KINDS, NO_ASSESSMENT, ActivityFilters, AnswerWork, activity_filters, answer_work, clean_email,
                      end_all_sessions, end_session, kind_of, organisation_activity, session_ended, session_key)
from .service import (ANSWER, LOCAL_USER, MANAGE, READ, ROLE_PERMISSIONS, ROLES, WORKSHOP, AccessDenied, Activity,
                      Actor, Member, activity, add_member, change_role, list_members, log, my_permissions,
                      organisation_of, permissions, remove_member, require, require_admin, sign_in, visible_organisations)

__all__ = ["ACTIVITY_KINDS", "NO_ASSESSMENT", "ActivityFilters", "AnswerWork", "activity_filters", "answer_work",
           "clean_email",
           "end_all_sessions", "end_session", "kind_of", "organisation_activity", "session_ended", "session_key", "ANSWER", "LOCAL_USER", "MANAGE", "READ", "ROLE_PERMISSIONS", "ROLES", "WORKSHOP", "AccessDenied",
           "Activity", "Actor", "Member", "activity", "add_member", "change_role", "list_members", "log", "my_permissions",
           "organisation_of", "permissions", "remove_member", "require", "require_admin", "sign_in",
           "visible_organisations"]
