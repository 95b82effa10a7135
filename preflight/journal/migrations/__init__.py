"""Alembic migrations of the journal schema; run by Journal.open(), never by hand."""
