"""Customers' personal data: export, erasure on request, anonymisation after a retention period."""
