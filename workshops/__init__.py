"""Workshops: a facilitated session where participants vote per question (service.py), and the list of
questions the group still has to discuss (discussion.py). Front door: `workshops.service`."""
