// Package takeout reads a Google Takeout archive of Fitbit data as an
// offline source: years of history with no token, no rate limit and no
// network.
//
// # Design: the archive answers the Fitbit protocol
//
// An Archive is a pipeline.Fetcher. For each request the Fitbit protocol
// plans — GET /1/user/-/activities/heart/date/2026-11-20/1d/1sec.json, key
// heart/1sec/2026-11-20 — it renders, from the archive's files, the JSON the
// Fitbit Web API would have sent. The existing Fitbit transforms, the raw
// cache, the state, the layout and `fitexport rebuild` therefore apply
// unchanged, and the rows are those an API export of the same days writes.
// The pipeline runs with Source dataset.Fitbit and SourceName "takeout":
//
//	a, err := takeout.Open("takeout-001.zip", "takeout-002.zip") // or the unpacked folder
//	defer a.Close()
//	p := a.Profile()
//	job := pipeline.Job{Source: dataset.Fitbit, SourceName: "takeout", User: p.UserID,
//		Zone: p.Zone, LastSync: p.LastSync(), Since: p.FirstDay, …}
//	res, err := pipeline.Run(ctx, job, a)
//	for _, w := range a.Warnings() { … } // files reported and skipped
//
// # Reading the archive
//
// Open takes one or more .zip parts (Takeout splits big exports into
// takeout-…-001.zip, -002.zip, …, each a complete zip) and/or unpacked
// folders, and finds the health root: Takeout/Google Health/ or the older
// Takeout/Fitbit/ (when both are present the newer one is read, and a
// warning says so). Everything outside the root (other Google products,
// archive_browser.html) is skipped and counted (Summary.NonHealth).
//
// Nothing is unpacked to disk and the archive is never held in memory:
// Open lists the zip central directories (or walks the folders) into an
// index of file references — family, start of period, part and entry —
// reads Your Profile/Profile.csv, and decodes the first and last few files
// of each family to find the span of days with data. Fetch then reads
// entries on demand (archive/zip gives random access) and keeps at most
// Options.CacheFiles decoded files (default 24; a decoded file is at most a
// month of minutes or a day of heart-rate samples). Concurrent requests for
// one file decode it once.
//
// A file's date is the start of its period, not the day of its data: a
// heart_rate-2026-10-25.json may hold samples of the 24th and the 26th, a
// sleep file named for a month holds logs that end in the next. Every file
// of a family is merged, and each entry goes to the local day its own
// timestamp names (a sleep log to its dateOfSleep). To serve a day, the
// file whose period covers it, the one before it, and those starting the
// day after are read.
//
// # One canonical source per metric
//
// Much of Global Export Data/*.json is repeated in *_GoogleData/*.csv
// files (UTC "Z" times, a "data source" column). Reading both would count
// twice, so each metric has exactly one canonical family; the CSV twins
// are counted (Summary.Twins) and never read.
//
//	| metric            | canonical                                   | not read                     |
//	|-------------------|---------------------------------------------|------------------------------|
//	| heart rate        | Global Export Data/heart_rate-*.json        | *_GoogleData heart-rate CSVs |
//	| steps             | Global Export Data/steps-*.json             | *_GoogleData steps CSVs      |
//	| calories          | Global Export Data/calories-*.json          | *_GoogleData CSVs            |
//	| distance          | Global Export Data/distance-*.json          | *_GoogleData CSVs            |
//	| elevation         | Global Export Data/altitude-*.json          | *_GoogleData CSVs            |
//	| floors            | Global Export Data/floors-*.json (if any)   | *_GoogleData CSVs            |
//	| resting heart rate| Global Export Data/resting_heart_rate-*.json| *_GoogleData CSVs            |
//	| minutes per level | Global Export Data/{sedentary,lightly_active,moderately_active,very_active}_minutes-*.json | |
//	| sleep             | Global Export Data/sleep-*.json             | Sleep/*.csv, *_GoogleData    |
//
// Why the JSON families: they exist in both layouts (older Takeout/Fitbit/
// archives have no CSV twins); they are the API's own data — local
// wall-clock times like the API's, calories with the basal rate included
// like the API's calories, sleep logs with their stages — so the rendered
// answer is the API's answer and the Fitbit transforms treat it exactly as
// they treat an API answer, DST rules included; and the CSV twins are not
// complete copies (steps list only minutes with wear) and their "data
// source" column means one minute may appear once per source. The one thing the CSVs do better —
// UTC instants in the fall-back hour — the JSON files recover from their
// order, as the API's own answers require (below).
//
// # Units (the table in units.go is the only place they are converted)
//
//	| family                   | in the archive            | served as (Fitbit API) | day total              |
//	|--------------------------|---------------------------|------------------------|------------------------|
//	| heart_rate               | value.bpm                 | bpm                    | —                      |
//	| steps                    | steps per minute          | steps                  | sum                    |
//	| calories                 | kcal per minute, BMR incl.| kcal                   | sum, whole kcal        |
//	| distance                 | centimetres per minute    | km (÷ 100,000 exactly) | sum, 7 decimals        |
//	| altitude                 | feet of gain per minute,  | elevation, m (× 0.3048,| sum, 4 decimals        |
//	|                          | only minutes with a gain  | 4 decimals)            |                        |
//	| floors                   | floors per minute         | floors                 | sum                    |
//	| resting_heart_rate       | value.value, decimal bpm; | restingHeartRate,      | —                      |
//	|                          | 0 = no estimate           | whole bpm (rounded)    |                        |
//	| *_minutes                | minutes per day           | minutes*               | —                      |
//	| sleep                    | sleep-log objects         | the same, mainSleep →  | —                      |
//	|                          |                           | isMainSleep            |                        |
//
// Numbers may be JSON numbers or strings. A per-minute family lists what it
// lists: every minute of the local day is served (1,440; 1,380 or 1,500 on
// DST days) and a minute the archive does not list is zero, as the API
// serves it.
//
// # Time
//
// Every time in the JSON families is local wall clock, "MM/DD/YY HH:MM:SS"
// (20YY). The account's zone comes from Your Profile/Profile.csv — the only
// zone an offline import knows; the machine's zone is irrelevant.
// Options.Zone overrides it, as a last resort for an archive without a
// profile (Open fails without either). The renderer resolves wall times
// with the same DayClock the Fitbit transforms use, in the order the files
// list them: in the fall-back hour the two passes repeat the same local
// times, and only file order tells them apart, so the first pass takes the
// earlier offset and the clock going back starts the second. Samples of a
// day are rendered in file order (files by period start, then entry order),
// never sorted by wall time. A sparse family (altitude lists only minutes
// with a gain) whose second-pass entries come later than all first-pass
// ones cannot show the clock going back; such entries are read as the
// first pass. Heart rate at 1min/5min/15min is the rounded mean (half away
// from zero) of the samples in each interval of the instant line from local
// midnight, labelled with the interval start's wall clock — the rule of the
// simulator and of the Google Health source.
//
// # Empty and malformed files
//
// A file holding only "no data", [], null, or nothing means nothing was
// recorded: no error. A truncated or malformed file (bad JSON, an entry
// with a bad time or value) is reported in Warnings with its path and line
// (or entry) and skipped — its days are served from the other files — and
// the import goes on. Each file is reported once.
//
// # Datasets served
//
//	| dataset            | from                                          | notes                                         |
//	|--------------------|-----------------------------------------------|-----------------------------------------------|
//	| heart_rate         | heart_rate                                    | 1sec, 1min, 5min, 15min                       |
//	| steps              | steps                                         |                                               |
//	| calories           | calories                                      | level and mets are null (not in archives)     |
//	| distance           | distance                                      |                                               |
//	| floors             | floors                                        | only when the archive has floors- files       |
//	| elevation          | altitude                                      |                                               |
//	| daily_activity     | sums of the minute families, *_minutes        | calories_bmr_kcal, activity_calories_kcal null|
//	| resting_heart_rate | resting_heart_rate                            |                                               |
//	| sleep_sessions     | sleep                                         |                                               |
//	| sleep_stages       | sleep                                         |                                               |
//
// SupportedDatasets lists those an archive's files can serve; AllDatasets
// all of them. Not served (requests get ErrNotInArchive): heart_rate_zones
// (the archive's zone minutes carry no bounds), SpO2, HRV, breathing rate,
// skin temperature, VO2 max, active zone minutes, weight, body fat,
// exercises, devices, profile.
//
// # Completeness and continuing with the API
//
// Profile.LastDay is the last local day with data in the archive; the
// archive counts as synced through it (Profile.LastSync is the following
// local midnight), so every day up to it is complete in the state, and a
// later run continues from the day after. The archive's last day is usually
// cut at the moment of export: an importer that wants it refetched by the
// API should stop the import a day earlier.
package takeout
