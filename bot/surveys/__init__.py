"""Customer surveys: the customer answers on carebot's own page, by a signed link.

A resolution survey goes a delay after a complaint is resolved; the one-month survey goes
when its retention check comes due, and the agent calls only if the customer has not answered.
The core plans and records everything here; `adapters/web` serves the page, the email
deliverer sends the invitation, and the agent gets the link (and a QR code) in a DM.
"""
