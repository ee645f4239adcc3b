// Package load writes canonical Arrow record batches to files that analysis
// tools open directly, and keeps the output folder consistent.
//
// # Formats
//
// [NewRecordWriter] returns a [RecordWriter] for one of three formats:
//
//   - parquet: zstd-compressed, statistics on, dictionary encoding for
//     ordinary columns (it falls back to plain pages when a column's distinct
//     values outgrow a 1 MiB dictionary), DELTA_BINARY_PACKED (and no dictionary) for
//     timestamp and date columns, row groups of up to [RowGroupRows] rows no
//     matter how many small batches are written, and the Arrow schema stored
//     in the file so readers get time zones and field metadata back.
//     Timestamp columns with a zone ("UTC") become TIMESTAMP(isAdjustedToUTC
//     = true) — TIMESTAMP WITH TIME ZONE in DuckDB, UTC-aware datetimes in
//     pandas — and zone-less ones (wall clock) TIMESTAMP(isAdjustedToUTC =
//     false); Date32 becomes DATE.
//   - csv: a header row, then one line per row ending in "\n". Fields that
//     contain a comma, a double quote, CR or LF are quoted as RFC 4180 says;
//     a null is an empty field and an empty string is written as "" so the
//     two stay distinct for readers that care (DuckDB).
//   - ndjson: one JSON object per line, keys in schema order, numbers as
//     JSON numbers, null as null (also for NaN and ±Inf, which JSON cannot
//     carry), strings escaped exactly as encoding/json does (HTML-safe).
//
// CSV and NDJSON render values in one canonical text form, which [ReadRows]
// also uses for every format:
//
//   - instant (timestamp with a zone): RFC 3339 in UTC with "Z",
//     2026-11-20T06:59:10Z; fractional seconds only when non-zero, trailing
//     zeros trimmed (2026-11-20T06:59:10.25Z), as Go's time.RFC3339Nano;
//   - wall clock (timestamp without a zone): 2026-11-20T07:59:10, no offset;
//   - date: 2026-11-20;
//   - floats: shortest round-trip decimal without exponent (72.5, 0.001),
//     exponent only outside [1e-7, 1e21); integers and booleans as usual.
//
// Every writer is deterministic: the same records give byte-identical output.
//
// # Files
//
// All file access goes through the small [FS] interface so that object
// storage can be added later; [DirFS] is the local-disk implementation. A
// [File] from [FS.Create] is a temporary file beside its target, named
// ".<name>.tmp-<random>". It does not end in the data extension, so globs
// such as "**/*.parquet" never read it (this is what matters: DuckDB's glob
// does match hidden files, a ".x.parquet" would be read), and it is hidden,
// which pyarrow and Spark dataset discovery skip. [File.Commit] syncs it and renames it over the target; a killed run
// leaves at most a temporary file, which [CleanTemp] removes.
//
// # Layout
//
// A dataset is partitioned by month, hive style:
// OUT/<dataset>/month=YYYY-MM/<dataset>-YYYY-MM.<ext> ([PartitionPath]),
// and for cohorts OUT/<dataset>/user=<id>/month=YYYY-MM/… ([PartitionPathUser]).
// [WritePartition] writes one such file atomically and returns its row count,
// size and SHA-256; [StagePartition] does its CPU half (render, hash, write
// to the temporary file) and [Staged.Commit] its waiting half (fsync,
// rename), so that a caller can compute the next partition while one
// commits. Hive-aware readers (DuckDB's read_parquet, pyarrow
// datasets) add a "month" (and "user") column from the folder names.
//
// OUT/_fitexport/manifest.json ([ManifestPath]) describes what the folder
// holds: per dataset the schema version, row count, covered days, zones and
// every file with its checksum. [ReadManifest] and [WriteManifest] read and
// replace it; [WriteJSON] replaces any other small JSON file atomically.
//
// # Reading back
//
// [ReadRows] reads a file of any format into rows of canonical text, so tests
// can compare the three formats with each other and with ground truth, and
// [ReadParquetInfo] reports a Parquet file's Arrow schema, logical types,
// encodings, codec and row groups.
package load
