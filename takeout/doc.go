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
// one file decode it once. The exercise files are the exception: their
// names hold an index, not a date (below), so Open decodes each of them
// once to learn the days its logs start on (the index keeps only that
// span).
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
//	| weight, body fat  | Global Export Data/weight-*.json            | *_GoogleData CSVs            |
//	| SpO2, nightly     | Oxygen Saturation (SpO2)/Daily SpO2 - *.csv | *_GoogleData CSVs            |
//	| SpO2 readings     | Oxygen Saturation (SpO2)/Minute SpO2 - *.csv| *_GoogleData CSVs            |
//	| HRV, nightly      | Heart Rate Variability/Daily Heart Rate Variability Summary - *.csv | Heart Rate Variability Histogram |
//	| HRV, 5-min windows| Heart Rate Variability/Heart Rate Variability Details - *.csv | *_GoogleData heart_rate_variability CSVs |
//	| breathing rate    | Heart Rate Variability/ (or Sleep/) Daily Respiratory Rate Summary - *.csv | Respiratory Rate Summary - *.csv |
//	| skin temperature  | Temperature/Computed Temperature - *.csv    | Device Temperature, Wrist Temperature |
//	| Active Zone Min.  | Active Zone Minutes (AZM)/Active Zone Minutes - *.csv | *_GoogleData active_zone_minutes CSVs, time_in_heart_rate_zones-*.json |
//	| VO2 max           | Global Export Data/demographic_vo2_max-*.json and run_vo2_max-*.json | *_GoogleData CSVs |
//	| exercises         | Global Export Data/exercise-*.json          | Health Fitness Data_GoogleData/UserExercises_*, *_GoogleData |
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
// The nightly metrics, the HRV windows and Active Zone Minutes exist only
// as CSVs (no JSON family), named "<prefix> - <start of period>.csv". Their files are found by that
// prefix in any folder under the root (outside *_GoogleData): real
// archives put the respiratory-rate summary in Heart Rate Variability/ or
// in Sleep/. The name's date may be a day ("2026-10-01"), the start of a
// range ("2026-10-01-2026-12-31") or a month with a day that is not a
// date ("2026-10-(15)", read as 2026-10-01). Columns are found by their
// header names, case-insensitively, in any order:
//
//	| file                                  | columns read                                 | served as                    |
//	|---------------------------------------|----------------------------------------------|------------------------------|
//	| Daily SpO2 - …                        | timestamp, average_value                     | spo2 value.avg               |
//	| Minute SpO2 - …                       | timestamp, value                             | spo2 …/all minutes[]         |
//	| Daily Heart Rate Variability Summary -| timestamp, rmssd                             | hrv value.dailyRmssd         |
//	| Daily Respiratory Rate Summary - …    | timestamp, daily_respiratory_rate            | br value.fullSleepSummary    |
//	| Computed Temperature - …              | sleep_end, baseline_relative_sample_sum,     | temp/skin value.nightlyRelative |
//	|                                       | temperature_samples                          |                              |
//	| Heart Rate Variability Details - …    | timestamp, rmssd; coverage, low_frequency,   | hrv …/all minutes[]: rmssd,  |
//	|                                       | high_frequency (optional)                    | coverage, lf, hf             |
//	| Active Zone Minutes - …               | date_time, heart_zone_id, total_minutes      | active-zone-minutes 1min and |
//	|                                       |                                              | daily values                 |
//
// A nightly row belongs to the date its timestamp (sleep_end for the
// temperature) names, as written — its date part, whether or not the time
// after it carries a "Z" — which is the date the night ended, as the API
// files it. A row whose value is blank (or, for the temperature, whose
// temperature_samples is 0 or blank) holds nothing and has no entry.
// Not read: Daily SpO2's lower_bound and upper_bound (they bound a
// confidence interval of the night's readings, as Google documents for the
// same numbers, not the lowest and highest reading the API's min and max
// are: min_percent and max_percent stay null rather than carry another
// quantity); the HRV summary's nremhr and entropy (no column for them), so
// deep_rmssd_ms is null; the per-stage breathing rates (in Respiratory
// Rate Summary files, not read yet); Computed Temperature's absolute
// nightly_temperature and its type (the Fitbit answer has only the
// relative value: nightly_c, baseline_c and log_type stay null).
//
// Minute SpO2 files hold readings by time, not by night: a file (named for
// the day a night starts) may hold two nights, and a night may span two
// files. A timestamp with "Z" or an offset is an instant (the form
// reported for real archives); one without is local wall clock, resolved
// in file order like the JSON families. Readings of 50.0 are the
// archive's "no reading" sentinel, not measurements: they are dropped.
// The readings around the requested days are merged from every file,
// ordered on the instant line (a reading listed twice is kept once),
// split into nights where they pause for more than 3 hours, and each
// night is filed under the local day of its last reading — the day the
// sleep ended, as the API files it. (A night whose readings pause for more
// than 3 hours across midnight is split there, and its evening part filed
// a day early.) The minutes are served as local wall clock in time order,
// so the Fitbit transform places the fall-back hour's second pass once the
// clock goes back — as it does for the API's own answer; readings sparser
// than the repeated hour could not show that, in the archive or the API.
//
// Heart Rate Variability Details files (one per night, named for a day)
// hold the night's 5-minute windows, their timestamps local wall clock
// without "Z" (as reported for real archives; a "Z" or an offset would be
// read as an instant). They are merged and split into nights exactly as
// Minute SpO2 readings are, each night filed under the local day its last
// window ends (its start + 5 minutes): the day the main sleep ended, as
// the API files it. A row with a blank rmssd is no window; a blank (or
// missing) coverage, low_frequency or high_frequency is left out of the
// answer, so the column is null. In the fall-back hour the clock going
// back (02:55, then 02:00) starts the second pass, as everywhere.
//
// Active Zone Minutes files (a month each) hold a row per minute and zone
// that earned AZM: date_time local wall clock without a zone, minutes only
// ("2026-10-25T02:40"; seconds and "Z" or offsets are read too),
// heart_zone_id and total_minutes. The zone ids are FAT_BURN, CARDIO and
// PEAK (matched case-insensitively, a space read as "_": the *_GoogleData
// twin writes "fat burn"), the API's fatBurnActiveZoneMinutes,
// cardioActiveZoneMinutes and peakActiveZoneMinutes; another id makes the
// file malformed. total_minutes is already Active Zone Minutes as the API
// counts them — 1 for a fat-burn minute, 2 for a cardio or peak minute
// (Google's README of the twin says so) — and is served unchanged; a
// minute's activeZoneMinutes is the sum of its zones, a day's values the
// sums of its minutes. A row of 0 earned nothing (no entry); a value that
// is not a whole number makes the file malformed. A minute goes to the
// local day its time names, resolved in file order; a minute and zone
// listed twice counts once. The daily answer lists every day asked for,
// zeros included, as the API does (a day before the archive's data is 0,
// not absent).
//
// VO2 max. Real archives hold two JSON families: demographic_vo2_max
// (every day a heart-rate tracker was worn, a year a file: the estimate
// from resting heart rate, age, sex and weight — value.demographicVO2Max,
// demographicVO2MaxError and their filtered* smoothings) and run_vo2_max
// (an estimate per GPS run: value.exerciseId, runVO2Max, runVO2MaxError,
// filtered*). The API's cardioscore gives a range ("44-48") unless a GPS
// run gave a precise estimate (one number), which is what fitexport
// serves: a day with a run estimate gets that number (filteredRunVO2Max,
// else runVO2Max, 2 decimals), any other day with a demographic estimate
// the range the app shows, 4 wide around the rounded estimate
// (filteredDemographicVO2Max, else demographicVO2Max; 45.98 → 46 →
// "44-48"; the error fields, 3.0 or 1.5, do not give the app's width and
// are not read). An estimate belongs to the local day its dateTime names;
// 0 or less is "no estimate" (no entry). That the range is the rounded
// estimate ± 2 is fitexport's reading of how the app and API show the
// score — the one line to change (vo2RangeHalf) should an archive and an
// API export of the same days disagree.
//
// Exercises. Global Export Data/exercise-<n>.json files (exercise-0.json,
// exercise-100.json, …) each hold up to 100 activity logs as the API's
// activities/list returns them (logId, activityName, activityTypeId,
// logType, startTime, duration and activeDuration in ms, steps, calories,
// distance with distanceUnit, averageHeartRate, heartRateZones,
// activeZoneMinutes, source, …), startTime local wall clock "MM/DD/YY
// HH:MM:SS" (ISO forms are read too; one with an offset is an instant).
// The number in the name is an index, not a date, so a file's days are
// unknown until it is read: Open decodes every exercise file once (they
// are small) and keeps the span of days its logs start on; a malformed
// file is reported then and never read again. The list request
// (afterDate, sort=asc, limit, offset, as dataset/exercises.go plans it)
// reads the files whose span reaches afterDate and serves the logs that
// start on or after it, to the newest (the API's list runs on the same
// way), in start order, limit to a page with pagination.next linking the
// pages. Each log is served as the archive holds it, startTime (and
// originalStartTime) rewritten with the offset in force
// ("2026-10-25T02:40:00.000+02:00"): a local startTime is resolved by the
// day's DayClock in file order (files by the first day of their span,
// logs as listed), so in the repeated hour the first pass takes the
// earlier offset and a log listed after a later clock time the later one;
// a lone log in the repeated hour reads as the first pass. A logId listed
// twice is served once: the later file's copy, at the first copy's
// instant. The units are the API's own (distance in distanceUnit, which
// the Fitbit transform converts); a log the transform could not read
// (no logId, startTime or duration, a field of the wrong type, an unknown
// distanceUnit) makes its file malformed.
//
// Weight logs ({"logId","weight","bmi","fat","date":"MM/DD/YY","time",
// "source"}) belong to their date; a body_fat row is a weight log with
// fat. A logId listed twice is served once.
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
//	| weight                   | pounds                    | kg (× 0.45359237,      | —                      |
//	|                          |                           | 3 decimals)            |                        |
//	| weight bmi, fat          | kg/m², %                  | the same               | —                      |
//	| Daily SpO2, Minute SpO2  | %; Minute: 50.0 = none    | %                      | —                      |
//	| HRV summary rmssd        | ms                        | ms                     | —                      |
//	| daily_respiratory_rate   | breaths/min               | breaths/min            | —                      |
//	| Computed Temperature     | °C: sum of deviations from| °C, 3 decimals         | —                      |
//	|                          | the baseline ÷ samples    |                        |                        |
//	| HRV Details              | rmssd ms, coverage 0–1,   | the same (rmssd,       | —                      |
//	|                          | low/high_frequency ms²    | coverage, lf, hf)      |                        |
//	| Active Zone Minutes      | total_minutes: AZM of the | the same per zone      | sum per zone; total =  |
//	|                          | minute (1 fat burn, 2     | (FAT_BURN, CARDIO,     | the zones' sum         |
//	|                          | cardio or peak)           | PEAK)                  |                        |
//	| demographic_vo2_max      | mL/kg/min, a decimal      | "lo-hi": round(v) ± 2  | —                      |
//	| run_vo2_max              | mL/kg/min, a decimal      | one number, 2 decimals | —                      |
//	| exercise                 | the API's: ms, kcal,      | the same; startTime    | —                      |
//	|                          | distance in distanceUnit  | with its UTC offset    |                        |
//
// Weight: people who parse real archives report pounds in the weight
// files, whatever unit the account displays; the API (without
// Accept-Language) serves kilograms. Should an archive turn up in
// kilograms, the correction is the one line of the table.
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
// first pass (Active Zone Minutes and exercise starts likewise). Heart
// rate at 1min/5min/15min is the rounded mean (half away from zero) of the
// samples in each interval of the instant line from local midnight,
// labelled with the interval start's wall clock — the rule of the
// simulator and of the Google Health source.
//
// # Empty and malformed files
//
// A file holding only "no data", [], null, nothing, or (a CSV) only its
// header means nothing was recorded: no error. A truncated or malformed
// file (bad JSON, a CSV row with too few fields, an entry with a bad time
// or value, a CSV without a column it needs) is reported in Warnings with
// its path and line (or entry) and skipped — its days are served from the
// other files — and the import goes on. Each file is reported once.
//
// # Datasets served
//
//	| dataset                   | from                                   | notes                                          |
//	|---------------------------|----------------------------------------|------------------------------------------------|
//	| heart_rate                | heart_rate                             | 1sec, 1min, 5min, 15min                        |
//	| steps                     | steps                                  |                                                |
//	| calories                  | calories                               | level and mets are null (not in archives)      |
//	| distance                  | distance                               |                                                |
//	| floors                    | floors                                 | only when the archive has floors- files        |
//	| elevation                 | altitude                               |                                                |
//	| daily_activity            | sums of the minute families, *_minutes | calories_bmr_kcal, activity_calories_kcal null |
//	| resting_heart_rate        | resting_heart_rate                     |                                                |
//	| sleep_sessions            | sleep                                  |                                                |
//	| sleep_stages              | sleep                                  |                                                |
//	| spo2_daily                | Daily SpO2                             | min_percent, max_percent null                  |
//	| spo2_intraday             | Minute SpO2                            | 50.0 rows dropped                              |
//	| hrv_daily                 | Daily Heart Rate Variability Summary   | deep_rmssd_ms null                             |
//	| hrv_intraday              | Heart Rate Variability Details         | coverage, hf, lf null where a file has none    |
//	| breathing_rate            | Daily Respiratory Rate Summary         | per-stage rates null                           |
//	| skin_temperature          | Computed Temperature                   | nightly_c, baseline_c, log_type null           |
//	| vo2_max                   | demographic_vo2_max, run_vo2_max       | low and high null on a run's days              |
//	| active_zone_minutes       | Active Zone Minutes                    | zone never total (the archive names zones)     |
//	| active_zone_minutes_daily | Active Zone Minutes                    | every day asked for, zeros included            |
//	| weight                    | weight                                 | weight_kg from pounds                          |
//	| body_fat                  | weight (the logs with fat)             |                                                |
//	| exercises                 | exercise                               | null what a log lacks (manual: steps, HR)      |
//
// SupportedDatasets lists those an archive's files can serve; AllDatasets
// all of them. Not served (requests get ErrNotInArchive): heart_rate_zones
// (the archive's zone minutes carry no bounds), devices, profile; the
// 5- and 15-minute Active Zone Minutes details (only 1min is planned);
// the per-stage breathing rates; the activity list's beforeDate form.
//
// An import of a simulated archive (package takeoutsim) is tested to equal
// an API export of the same user for every served dataset across a DST
// change (import_test.go), and small hand-checked archives of each file
// family are golden tests (testdata/golden/<case>/: the unpacked archive,
// case.txt saying what it checks, want/ the rows expected; go test -run
// TestGolden -update rewrites want/, to be read before it is committed).
//
// # Completeness and continuing with the API
//
// Profile.LastDay is the last local day with data in the archive (a night
// of SpO2 readings or HRV windows, or a sleep log, counts for the day it
// ended; an exercise for the day it started);
// Profile.LastSync is the following local midnight. The archive's last day
// is usually cut at the moment of export, so `fitexport --source takeout`
// imports it but records the archive as synced only up to its start: every
// earlier day is complete in the state, the last is incomplete, and a later
// API run into the same OUT continues with it (pipeline's layers: the API's
// answers win for every day they hold, the archive supplies the rest).
package takeout
