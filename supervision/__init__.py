"""Supervision (F-SUP-3, F-SUP-4): statistics, monthly reports, integrity records, annual assessment, ledger audit.

Pages for the supervision section (督查指导科). Every figure is scoped once, in `scope.py`, to the centres the user
may see; queries aggregate in the database.
"""
