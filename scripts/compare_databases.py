"""Compare two PostgreSQL databases' schema and rows, for a change to the migrations that
must create the same database another way (a squash):

    .venv/bin/python scripts/compare_databases.py postgres://.../old postgres://.../new

Compares the columns (type, null, default, identity), indexes, constraints, triggers,
functions, extensions and text search configurations of the public schema, and every
table's rows without their ids, foreign keys and timestamps (which differ between two
runs). Prints each difference; exits 1 if there is one.
"""

import json
import sys
from collections import Counter

import psycopg

CATALOG = """
SELECT 'column', table_name::text, column_name::text,
       concat_ws(' ', data_type, character_maximum_length, numeric_precision, numeric_scale,
                 is_nullable, column_default, is_identity, identity_generation)
  FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL SELECT 'index', tablename::text, indexname::text, indexdef
  FROM pg_indexes WHERE schemaname = 'public'
UNION ALL SELECT 'constraint', conrelid::regclass::text, conname::text,
       contype::text || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL SELECT 'trigger', tgrelid::regclass::text, tgname::text, pg_get_triggerdef(oid)
  FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT 'function', proname::text, '', md5(prosrc)
  FROM pg_proc WHERE pronamespace = 'public'::regnamespace
UNION ALL SELECT 'extension', extname::text, '', extversion FROM pg_extension
UNION ALL SELECT 'text search', c.cfgname::text, m.maptokentype::text || '.' || m.mapseqno::text,
       m.mapdict::regdictionary::text
  FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg
 WHERE c.cfgnamespace = 'public'::regnamespace
"""
VARYING = {"id", "created_at", "updated_at", "history_date", "applied"}


def snapshot(url: str) -> set[tuple[str, ...]]:
    with psycopg.connect(url) as connection:
        found = {tuple(row) for row in connection.execute(CATALOG)}
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'django_migrations'"
        )
        for (table,) in tables.fetchall():
            rows = connection.execute(f'SELECT to_jsonb(t) FROM "{table}" t').fetchall()
            texts = Counter(
                json.dumps(
                    {k: v for k, v in row.items() if k not in VARYING and not k.endswith("_id")},
                    sort_keys=True,
                    ensure_ascii=False,
                )
                for (row,) in rows
            )
            found |= {("row", table, text, f"x{count}") for text, count in texts.items()}
    return found


def main(old: str, new: str) -> int:
    before, after = snapshot(old), snapshot(new)
    for kind, sign in ((before - after, "-"), (after - before, "+")):
        for item in sorted(kind):
            print(sign, " | ".join(item)[:400])
    same = before == after
    print("same" if same else "different", f"({len(before)} and {len(after)} items)")
    return 0 if same else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
