"""Start-up floor: argparse + sqlite3 printing one row (``bench_startup.py`` compares to it)."""

import argparse
import sqlite3

parser = argparse.ArgumentParser()
parser.add_argument("db")
args = parser.parse_args()
with sqlite3.connect(args.db) as conn:
    print(*conn.execute("SELECT slug, name FROM landlord ORDER BY id LIMIT 1").fetchone())
