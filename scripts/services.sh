#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 if they are not answering (see STACK.md).
set -euo pipefail
pg_host=127.0.0.1
if ! pg_isready -q -h "$pg_host" -p 5432 2>/dev/null; then
  echo "Starting PostgreSQL"
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -z "$version" ]; then
    echo "PostgreSQL is not installed (apt-get install postgresql)." >&2
    exit 1
  fi
  if ! pg_lsclusters -h 2>/dev/null | grep -q "$version main"; then
    pg_createcluster "$version" main >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h "$pg_host" -p 5432 && break; sleep 1; done
  pg_isready -h "$pg_host" -p 5432
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/redis-norrbotten.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 -p 6379 ping
fi
# The development database (tests create their own test_ database next to it).
if ! psql -h "$pg_host" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='norrbotten_cases'" | grep -q 1; then
  createdb -h "$pg_host" -U postgres norrbotten_cases
fi
