#!/usr/bin/env bash
# make backup: the database (pg_dump, custom format) and the media files (documents,
# generated and sealed PDFs) into one folder, BACKUP_DIR/<UTC time>/, with SHA-256 sums.
#   DATABASE_URL  postgres://user:pass@host:5432/name   (required)
#   MEDIA_ROOT    the media folder                       (default ./media)
#   BACKUP_DIR    where backups go                       (default ./backups)
# Prints the backup folder. Restore with `make restore BACKUP=<folder>`.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL (postgres://...)}"
media="${MEDIA_ROOT:-./media}"
target="${BACKUP_DIR:-./backups}/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" -T /dev/null
fi
(cd "$target" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$target"
