"""Review and case services: people's decisions on pairs, the review queue, cases, work lists.

Adapters over the pure rules in `kintrace.cases`: each function takes a SQLAlchemy session (the
caller owns the transaction; use `store.session(write=True)` for changes) and plain values, and
audits what it changes. The web app and the command line both call these, never the tables.

For clustering: `kintrace.review.decisions.constraints(session)` gives the must-link and
cannot-link pairs.
"""
