"""The plan PostgreSQL makes for a queryset where an index could give its order."""

from django.db import connection


def ordered_plan(queryset, *switched_off: str) -> str:
    """``EXPLAIN`` of ``queryset`` with sequential scans and sorts switched off (and any
    ``switched_off`` setting): the test tables are tiny, so a scan and a sort would win
    otherwise. The plan then shows whether an index can give the rows in order."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_sort", *switched_off):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
