"""The workspace's read services: scoped to the user's agency and audited.

Routes (pages and JSON API alike) call these; they hold the rules (who may see which record,
what a read writes to the audit log) so that no route has to.
"""
