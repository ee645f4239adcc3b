// Command fitexport exports Fitbit data (intraday heart rate, steps, sleep
// with stages, nightly metrics, …) from the Fitbit Web API, the Google Health
// API or a built-in simulator into Parquet, CSV or NDJSON files that pandas,
// DuckDB, Polars and Spark open directly, and resumes where it stopped.
//
// Usage:
//
//	fitexport [export] --from DATE --to DATE [--format parquet|csv|ndjson] [--out DIR] …
//	fitexport auth login|import|status|logout
//	fitexport datasets
//	fitexport sandbox serve [--addr 127.0.0.1:8089]
//	fitexport version
//
// Exit codes: 0 done; 1 failed; 2 bad usage or input; 3 stopped early but
// resumable; 4 login needed; 130 interrupted.
//
// Run `fitexport help COMMAND` for the flags of each command; README.md is
// the user's guide.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], defaultApp())) }
