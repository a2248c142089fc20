"""The PostgreSQL storage engine: one database that many readers share.

``url`` (telling a database URL from a path, and printing one without its password)
imports nothing heavy; everything else imports ``psycopg``, which only the
``postgresql`` extra installs, so the SQLite path never loads it.
"""
