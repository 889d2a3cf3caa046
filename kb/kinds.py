"""Kinds of request a customer can choose on the ticket form, and priority names.

The codes are stored on tickets; the rules file (:mod:`kb.rules`) says which
kinds the form offers, in which order, and which channels may handle each.
Labels are English message ids, translated where they are shown (``N_`` only
marks them for extraction into the catalogs).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it here."""
    return message


KIND_LABELS = {
    "account": N_("My account or signing in"),
    "billing": N_("Billing and plans"),
    "campaign": N_("A campaign I sent or am preparing"),
    "contacts": N_("Contacts, lists and imports"),
    "api": N_("The API or an integration"),
    "hacked-account": N_("Unlocking an account that was hacked"),
    "contact-removal": N_("Deleting or unblocking contacts"),
    "sensitive-information": N_("Company or invoice details (sensitive information)"),
    "deliverability": N_("Emails not delivered or marked as spam"),
    "invoice-forwarding": N_("Sending invoices again or changing the billing email"),
    "refund": N_("A refund"),
    "card-removal": N_("Removing a credit card"),
    "other": N_("Something else"),
}

PRIORITY_LABELS = {
    "urgent": N_("Urgent"),
    "high": N_("High"),
    "normal": N_("Normal"),
    "low": N_("Low"),
}
