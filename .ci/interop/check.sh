#!/bin/sh
# check.sh DIR — read a fitexport output folder (parquet, csv or ndjson) with
# DuckDB and fail unless column types and row counts are what the manifest and
# the design promise (see check.mjs). Installs @duckdb/node-api into node_modules beside
# this script on first use (from package-lock.json); later runs are offline.
set -eu
if [ "$#" -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
if [ ! -d "$1" ]; then
	echo "check.sh: $1 is not a folder" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$here/node_modules/@duckdb/node-api/package.json" ]; then
	(cd "$here" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >&2
fi
exec node "$here/check.mjs" "$1"
