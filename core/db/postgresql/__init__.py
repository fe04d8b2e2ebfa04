"""PostgreSQL as Django has it, with the SELECT compiler keeping compiled SQL by the query's
shape (``core.sqlcache``). ``settings.DATABASES`` uses it for every PostgreSQL database."""
