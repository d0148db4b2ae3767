#!/usr/bin/env bash
# Back up the participation database, with rotation.
#
#   PostgreSQL (DATABASE_URL=postgres://…): pg_dump in custom format, verified with
#     pg_restore --list before it counts. Restore with:
#       pg_restore --clean --if-exists --no-owner -d "$DATABASE_URL" FILE.dump
#   SQLite (no DATABASE_URL; SQLITE_PATH names the file): an online, consistent copy
#     through SQLite's backup API, checked with PRAGMA integrity_check, gzipped.
#
# Rotation: every run writes daily/; the run on Sunday is also kept in weekly/, the
# run on the 1st of the month in monthly/ (hard links, no extra space). Only the
# newest KEEP_DAILY / KEEP_WEEKLY / KEEP_MONTHLY files of each are kept.
#
# Environment: DATABASE_URL or SQLITE_PATH, BACKUP_DIR (/var/backups/participation),
# KEEP_DAILY (14), KEEP_WEEKLY (8), KEEP_MONTHLY (12). Exit status is non-zero on
# any failure, so a timer or cron job reports it.
set -euo pipefail
umask 077

BACKUP_DIR=${BACKUP_DIR:-/var/backups/participation}
KEEP_DAILY=${KEEP_DAILY:-14}
KEEP_WEEKLY=${KEEP_WEEKLY:-8}
KEEP_MONTHLY=${KEEP_MONTHLY:-12}
NOW_WEEKDAY=${NOW_WEEKDAY:-$(date +%u)}   # overridable for testing
NOW_DAY=${NOW_DAY:-$(date +%d)}

log() { printf '%s backup: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

for n in "$KEEP_DAILY" "$KEEP_WEEKLY" "$KEEP_MONTHLY"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 ]] || die "KEEP_* must be whole numbers of at least 1"
done

mkdir -p "$BACKUP_DIR/daily" "$BACKUP_DIR/weekly" "$BACKUP_DIR/monthly"
exec 9>"$BACKUP_DIR/.lock"
flock -n 9 || die "another backup is already running"

stamp=$(date +%Y%m%d-%H%M%S)
partial=""
cleanup() { [[ -n "$partial" && -e "$partial" ]] && rm -f -- "$partial"; return 0; }
trap cleanup EXIT

if [[ -n "${DATABASE_URL:-}" ]]; then
  case "$DATABASE_URL" in
    postgres://*|postgresql://*|pgsql://*|postgis://*) ;;
    *) die "DATABASE_URL is not a PostgreSQL URL" ;;
  esac
  command -v pg_dump >/dev/null || die "pg_dump is not installed"
  # libpq understands postgresql:// URLs; dj-database-url also accepts aliases.
  url="postgresql://${DATABASE_URL#*://}"
  file="$BACKUP_DIR/daily/participation-$stamp.dump"
  partial="$file.partial"
  log "dumping PostgreSQL to $file"
  pg_dump --format=custom --compress=6 --no-owner --no-privileges \
    --file="$partial" "$url"
  pg_restore --list "$partial" >/dev/null || die "the dump does not read back"
else
  db=${SQLITE_PATH:-}
  [[ -n "$db" ]] || die "set DATABASE_URL (PostgreSQL) or SQLITE_PATH (SQLite)"
  [[ -f "$db" ]] || die "no SQLite database at $db"
  file="$BACKUP_DIR/daily/participation-$stamp.sqlite3.gz"
  partial="$file.partial"
  log "copying SQLite $db to $file"
  python3 - "$db" "$partial" <<'PY'
import gzip, os, shutil, sqlite3, sys, tempfile

source, target = sys.argv[1], sys.argv[2]
fd, copy = tempfile.mkstemp(suffix=".sqlite3")
os.close(fd)
try:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(copy)
    with dst:
        src.backup(dst)
    result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    src.close()
    dst.close()
    if result != "ok":
        sys.exit(f"integrity check failed: {result}")
    with open(copy, "rb") as raw, gzip.open(target, "wb", compresslevel=6) as out:
        shutil.copyfileobj(raw, out)
finally:
    os.unlink(copy)
PY
fi

mv -- "$partial" "$file"
partial=""
log "wrote $(du -h -- "$file" | cut -f1) to $file"

if [[ "$NOW_WEEKDAY" == 7 ]]; then ln -f -- "$file" "$BACKUP_DIR/weekly/"; fi
if [[ "$NOW_DAY" == 01 ]]; then ln -f -- "$file" "$BACKUP_DIR/monthly/"; fi

# Keep the newest N of each kind (names sort by time).
prune() {
  local dir=$1 keep=$2
  find "$dir" -maxdepth 1 -type f -name 'participation-*' ! -name '*.partial' -printf '%f\n' \
    | sort -r | tail -n +"$((keep + 1))" \
    | while read -r old; do log "removing old backup $dir/$old"; rm -f -- "$dir/$old"; done
}
prune "$BACKUP_DIR/daily" "$KEEP_DAILY"
prune "$BACKUP_DIR/weekly" "$KEEP_WEEKLY"
prune "$BACKUP_DIR/monthly" "$KEEP_MONTHLY"
log "done"
