"""Leadership's review of the journal: who may review, and (to come) queries and exports. No Qt.

access.py   reviewers and their hashed secrets; `preflight admin add-reviewer` writes them
"""
