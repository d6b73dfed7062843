"""Supervision's data (the figures, reports and ledger-audit tables still belong to hallservice until they move here).

The module must exist: Django sends post_migrate, which installs the statistics triggers, only to apps with models.
"""
