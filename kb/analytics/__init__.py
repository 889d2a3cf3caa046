"""Deflection analytics: what customers searched, what helped, what became a ticket.

``events`` records the steps (one row each in ``analytics_events``) and
prunes them after the retention period; ``reports`` turns a period of them
into the figures the admin pages, their CSV export and ``kb report`` show.

A *flow* is one visit to the contact page, from the first step to a ticket
or to leaving: its steps share a random ``flow`` id kept in the visitor's
session. Searches typed into a field count once per pause: the suggest API
keeps updating the flow's latest search while requests follow each other
within ``SEARCH_PAUSE``, so what is stored is the text the customer stopped
on, not every keystroke.
"""
