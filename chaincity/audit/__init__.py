"""Audits a city's auditor runs against the chain: that no personal data went on it."""
