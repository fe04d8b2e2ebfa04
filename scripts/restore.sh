#!/usr/bin/env bash
# make restore BACKUP=<folder>: put a backup of scripts/backup.sh back. The database named
# by DATABASE_URL gets the dump (its tables are replaced: use a fresh, empty database, or
# one you mean to overwrite); the media files are unpacked into MEDIA_ROOT. The checksums
# are verified first; nothing is touched if they do not match.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL (postgres://...)}"
: "${BACKUP:?set BACKUP to a folder made by make backup}"
media="${MEDIA_ROOT:-./media}"
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS)
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$BACKUP/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$BACKUP/media.tar.gz"
echo "restored $BACKUP"
