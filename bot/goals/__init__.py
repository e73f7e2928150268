"""Quantitative service goals (domain.md §2.2): metrics from the log or recorded by hand."""
