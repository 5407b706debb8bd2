"""The store: engine and transactions, tables, migrations, the lean read path, backups.

Imports nothing, so ``store.reader`` loads without the ORM of ``store.core``.
"""
