// check.mjs DIR — reads every dataset of a fitexport output folder with DuckDB
// (read_parquet, read_csv or read_json, after the manifest's "format") and
// fails (exit 1) unless:
//   - *_utc columns (time_utc, start_utc, …) are TIMESTAMP WITH TIME ZONE,
//   - *_local columns are TIMESTAMP, date and date_of_sleep are DATE,
//   - each dataset's row count equals "rows" in DIR/_fitexport/manifest.json,
//   - every dataset on disk is in the manifest and every manifest dataset
//     with rows is on disk,
//   - date and time_local values fall within the manifest's first/last day.
// For ndjson, DuckDB's JSON sniffer reads "…Z" strings as plain TIMESTAMP
// (the UTC instant without the zone), so *_utc may be TIMESTAMP there.
// Hidden files (such as the temporary files of a killed run) must be
// invisible to the *.parquet glob; a leftover one would fail the read.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node check.mjs DIR');
  process.exit(2);
}
const root = resolve(dir);
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.log(`  FAIL ${msg}`);
};

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

const manifestPath = join(root, '_fitexport', 'manifest.json');
let manifest;
try {
  manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
} catch (e) {
  console.error(`cannot read ${manifestPath}: ${e.message}`);
  process.exit(1);
}
const entries = manifest.datasets ?? {};

// Datasets are the folders of DIR not starting with "_" or ".".
const onDisk = readdirSync(root)
  .filter((n) => !n.startsWith('_') && !n.startsWith('.') && statSync(join(root, n)).isDirectory())
  .sort();
for (const name of Object.keys(entries).sort()) {
  if (!onDisk.includes(name) && entries[name].rows > 0) {
    fail(`${name}: in the manifest with ${entries[name].rows} rows but no folder on disk`);
  }
}

const format = manifest.format || 'parquet';
const readers = {
  parquet: (glob) => `read_parquet(${sqlString(glob)})`,
  csv: (glob) => `read_csv(${sqlString(glob)})`,
  ndjson: (glob) => `read_json(${sqlString(glob)}, format = 'newline_delimited')`,
};
if (!readers[format]) {
  console.error(`manifest format ${JSON.stringify(format)} is not parquet, csv or ndjson`);
  process.exit(1);
}
const expectType = (col) => {
  if (col === 'time_utc' || col.endsWith('_utc')) {
    return format === 'ndjson' ? ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP'] : ['TIMESTAMP WITH TIME ZONE'];
  }
  if (col === 'time_local' || col.endsWith('_local')) return ['TIMESTAMP'];
  if (col === 'date' || col === 'date_of_sleep') return ['DATE'];
  return null;
};

// No network: every extension needed (parquet) must be built in.
const instance = await DuckDBInstance.create(':memory:', {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'true',
});
const conn = await instance.connect();
const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0].v;
console.log(`DuckDB ${version}, ${root} (${format})`);

for (const name of onDisk) {
  const entry = entries[name];
  console.log(`${name}:`);
  if (!entry) {
    fail(`${name}: folder on disk but not in the manifest`);
    continue;
  }
  const src = readers[format](join(root, name, '**', `*.${format}`));
  try {
    const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJS();
    const count = Number((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${src}`)).getRowObjectsJS()[0].n);
    console.log(`  rows ${count} (manifest ${entry.rows})`);
    for (const c of cols) {
      const want = expectType(c.column_name);
      const ok = want === null || want.includes(c.column_type);
      const wanted = want && want.join(' or ');
      console.log(`  ${ok ? '  ' : '✗ '}${c.column_name}: ${c.column_type}${ok ? '' : ` (want ${wanted})`}`);
      if (!ok) fail(`${name}.${c.column_name} is ${c.column_type}, want ${wanted}`);
    }
    if (count !== Number(entry.rows)) fail(`${name}: ${count} rows in DuckDB, manifest says ${entry.rows}`);
    const names = new Set(cols.map((c) => c.column_name));
    for (const col of ['date', 'time_local']) {
      if (!names.has(col) || !entry.first_day || !entry.last_day) continue;
      const r = (await conn.runAndReadAll(
        `SELECT strftime(min(${col})::DATE, '%Y-%m-%d') AS lo, strftime(max(${col})::DATE, '%Y-%m-%d') AS hi FROM ${src}`,
      )).getRowObjectsJS()[0];
      console.log(`  ${col} from ${r.lo} to ${r.hi} (manifest ${entry.first_day} … ${entry.last_day})`);
      // Rows belong to a day of the manifest's span; a night's readings
      // (SpO2, HRV intraday) belong to the day the sleep ended and may start
      // the evening before.
      const dayBefore = new Date(Date.parse(entry.first_day + 'T00:00:00Z') - 86400000).toISOString().slice(0, 10);
      if (r.lo < dayBefore || r.hi > entry.last_day) {
        fail(`${name}.${col} spans ${r.lo}…${r.hi}, outside the manifest's ${entry.first_day}…${entry.last_day}`);
      }
    }
  } catch (e) {
    fail(`${name}: DuckDB cannot read it: ${e.message}`);
  }
}
conn.closeSync();
instance.closeSync();

if (failures.length > 0) {
  console.log(`interop check FAILED (${failures.length}):`);
  for (const f of failures) console.log(`  ${f}`);
  process.exit(1);
}
console.log(`interop check passed: ${onDisk.length} datasets`);
