"""Storage, the ground floor: the engine and transactions (db.py), the tables (models.py) and the Alembic
migrations. Imports nothing of ours."""
