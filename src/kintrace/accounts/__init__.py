"""Accounts: agencies, users, passwords, second factor, sessions, API tokens and throttling.

Services only: they take a SQLAlchemy session and plain values and never import the web or the
CLI, so the browser, the JSON API and `kintrace users ...` share one implementation.
"""
