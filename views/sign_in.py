"""Inloggen (or, without sign-in set up, the local-mode rule): the page every browser without an actor
reaches. Participants of a workshop do not sign in: they go to the vote page with the code."""

from ui.landing import show_landing

show_landing()
