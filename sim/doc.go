// Package sim is an in-process and standalone fake of the Fitbit Web API
// (see shared/fitbit-web-api.md) and of its successor the Google Health API
// v4 (shared/google-health-api.md), both serving the same deterministic
// synthetic users. Every test of fitexport and `fitexport --source sandbox`
// talk to it, and `fitexport sandbox serve` runs it as a server.
//
//	s := sim.New(sim.Config{Seed: 1})
//	srv := httptest.NewServer(s)
//	access, _ := s.IssueTokens("SIM001", sim.SandboxClient.ID, nil)
//	// GET srv.URL+"/1/user/-/activities/heart/date/2026-11-20/1d/1min.json"
//	// with "Authorization: Bearer "+access; compare with s.Truth("SIM001").
//
// # Endpoints
//
// OAuth:
//   - GET /oauth2/authorize: the consent page itself. It auto-approves and
//     answers 302 to redirect_uri?code=…&state=…#_=_ (the real site appends
//     the "#_=_" fragment too). It checks client_id, response_type=code, the
//     exact redirect_uri, state, code_challenge (43 chars) with
//     code_challenge_method=S256 and the scopes. An unknown client or redirect
//     gets a 400 HTML page, any other mistake a redirect with error= and
//     error_description=. The approving user is the first configured user, or
//     the one named by the non-standard query parameter sim_user=SIM002. The
//     granted scopes are the requested ones the user grants (User.Scopes);
//     prompt is accepted and ignored.
//   - POST /oauth2/token: grant_type=authorization_code (code valid 10
//     minutes and single use: any presentation of a live code spends it, even
//     one that then fails on redirect_uri or code_verifier) and
//     grant_type=refresh_token with rotation: each refresh returns a new pair
//     and spends the old refresh token; the identical request repeated returns
//     the identical response until the new access token or the new refresh
//     token is used; after that the old refresh token gets 400 invalid_grant
//     "Refresh token invalid: <token>". A user has one live refresh token per
//     app: a code exchange (or IssueTokens) kills the older ones. Confidential
//     clients authenticate with HTTP Basic, public clients send client_id in
//     the body.
//   - POST /oauth2/revoke, token=<access or refresh token>: removes all the
//     user's tokens for that app; answers 200 {}.
//
// Data (the user id in the path may be "-" or the token owner's id; another
// id gets 403 insufficient_permissions):
//   - /1/user/-/profile.json (scope profile), /1/user/-/devices.json (settings)
//   - /1/user/-/activities/{steps|calories|distance|floors|elevation}/date/{date}/1d/{1min|5min|15min}.json
//     (also …/date/{date}/{date}/{detail}.json with the same date twice, and a
//     …/time/{HH:mm}/{HH:mm}.json suffix that keeps the entries whose clock
//     time lies in the inclusive range; the top-level value stays the day total)
//   - /1/user/-/activities/heart/date/{date}/1d/{1sec|1min|5min|15min}.json (heartrate)
//   - /1/user/-/activities/{resource}/date/{start}/{end}.json and
//     …/date/{date}/{1d|7d|30d|1w|1m|3m|6m|1y}.json for steps calories
//     caloriesBMR distance floors elevation minutesSedentary
//     minutesLightlyActive minutesFairlyActive minutesVeryActive
//     activityCalories (max 1095 days) and heart (max 366 days)
//   - /1.2/user/-/sleep/date/{date}.json (with summary),
//     /1.2/user/-/sleep/date/{start}/{end}.json (max 100 days) and
//     /1.2/user/-/sleep/list.json?afterDate=…&sort=asc|beforeDate=…&sort=desc&limit=…&offset=…
//     (afterDate keeps logs whose dateOfSleep is on or after it, beforeDate
//     those strictly before it; pagination.next is a full URL on the
//     request's Host). Ranges and by-date answers list logs newest first.
//
// A date may be "today" (the user's local date, or the UTC date with
// ?timezone=UTC). ?timezone=UTC (the only accepted value) on activity and
// heart intraday and daily series makes the day boundaries and times UTC.
// Accept-Language en_US serves distance in miles and elevation in feet;
// anything else (or none) serves kilometres and metres.
//
// Errors always use the Fitbit body
// {"errors":[{"errorType":…,"fieldName":"n/a","message":…}],"success":false}:
// 401 invalid_token ("Access token invalid: <token>") or expired_token
// ("Access token expired: <token>"), 403 insufficient_scope, 404 not_found,
// 400 validation (bad dates, ranges longer than allowed), 429 system "Too Many
// Requests", 410 after Gone(true).
//
// # Rate limit
//
// Each user (token owner) has Config.Quota requests per window; windows are
// aligned to multiples of Config.Window since the Unix epoch. Every request to
// a data endpoint with a live access token counts, including the ones
// answered 4xx or with a fault (unknown paths and rejected tokens do not).
// With a fixed Config.Now the window never ends: give such tests a quota
// that covers them. Every answer carries Fitbit-Rate-Limit-Limit, -Remaining and -Reset
// (whole seconds until the window ends, rounded up); answers that belong to no
// user (token endpoint, unknown token) show the full quota. Over quota: 429,
// with Retry-After (equal to the reset) only when Config.RetryAfter.
//
// # Synthetic users
//
// Everything a user serves is a pure function of Config.Seed, the user id and
// the local date, generated one local day at a time, so a day's data is the
// same whichever request serves it. A local day runs from midnight to
// midnight in User.Zone (23 or 25 hours on DST days; at fall-back the
// repeated hour appears twice, in order). Roughly:
//   - about 1 day in 20 has no data at all: no heart rate, no resting heart
//     rate, no sleep ending that day, no steps; calories are the BMR;
//   - a main sleep most nights from about 22:30–24:00 to 06:15–07:45,
//     dateOfSleep = the day it ends; about 1 night in 14 the tracker is off
//     (no log, no heart rate); about 1 day in 6 a 20–90 minute afternoon nap
//     (classic type); about 1 main sleep in 15 is classic, the others stages;
//   - about 1 day in 3 a 45–75 minute charging gap;
//   - heart samples every 5–15 seconds while worn; steps only while worn and
//     awake (walks, sometimes a run); distance from steps; floors during walks
//     (elevation 3.048 m a floor); calories at least the BMR every minute, worn
//     or not, with level 0–3 and mets in tenths of a MET (10 = 1.0 MET) as
//     Fitbit serves them;
//   - sleep stage segments in whole minutes; levels.shortData holds wakes of
//     1–3 minutes; minutesAsleep + minutesAwake = timeInBed,
//     minutesToFallAsleep = minutesAfterWakeup = 0. startTime, endTime and
//     every level's dateTime are wall clock at the UTC offset in force when
//     the sleep started (SleepLog.Offset), as the real API appears to do.
//   - no data before User.MemberSince (all zeros, like unsynced time).
//
// The tracker's sync bounds what is served: the effective sync instant is
// min(LastSync, Now). Intraday activity still lists every interval of a
// day, but minutes starting at or after it are zero (calories included);
// heart samples at or after it are absent; a sleep log appears once it has
// ended before it. User.LastSync zero means "an hour ago": Now() − 1h,
// truncated to the second, at every request.
//
// # Ground truth
//
// Truth(userID) exposes exactly what is served, through the same structures
// the JSON renderer consumes: Day(d) (heart samples, resting heart rate,
// zones, daily totals, sleep logs with stages), Heart(d, detail) and
// Activity(d, resource, detail) (the intraday points as instants plus local
// wall clock), and their UTC variants.
//
// # Faults
//
// SetFault injects deterministic failures into data requests (after
// authentication and the quota check): 503, connection reset, truncated body,
// slow answer, 429 under quota, or an access token that expires now. Gone(true)
// makes every endpoint answer 410.
//
// Note for clients: a FaultReset on a reused keep-alive connection may be
// retried transparently by Go's http.Transport for GET requests.
//
// # Google Health API face
//
// The same server answers the Google Health API v4 at its root (so the
// API base is the server URL: requests go to /v4/users/me/…) and Google
// OAuth under /google/ (auth URL <base>/google/o/oauth2/v2/auth, token URL
// <base>/google/token, revoke <base>/google/revoke). Shapes follow the
// discovery document shipped with google.golang.org/api/health/v4 (the
// tests decode every answer with that client): int64 values are JSON
// strings, offsets and durations "3600s", instants RFC 3339 UTC, civil
// times {"date":{…},"time":{…}} with zero fields omitted, as proto3 JSON
// omits every zero value (so an empty list answers {}).
//
//	s := sim.New(sim.Config{Seed: 1})
//	access, _ := s.IssueGoogleTokens("SIM001", "", nil)
//	// GET srv.URL+"/v4/users/me/dataTypes/steps/dataPoints:reconcile?filter=…"
//
// Google OAuth (Desktop-app client; registered clients are Config.Clients,
// SandboxGoogleClient by default):
//   - GET /google/o/oauth2/v2/auth auto-approves and answers 302 to
//     redirect_uri?code=…&scope=…&state=…. A registered loopback redirect
//     without a port ("http://127.0.0.1/") accepts http://127.0.0.1:<any
//     port>[/path] and http://[::1]:<any port>[/path]; others must match
//     exactly. state, code_challenge (43 chars) with
//     code_challenge_method=S256 and googlehealth.*.readonly scopes are
//     required; mistakes get an HTML error page (401 invalid_client, 400
//     redirect_uri_mismatch, invalid_request, invalid_scope), not a
//     redirect; a user granting none of the scopes (User.Scopes lists the
//     full Google scope URLs it grants) is redirected with
//     error=access_denied. sim_user=SIM002 picks the approving user.
//   - POST /google/token with client_id and client_secret in the form body
//     (HTTP Basic also accepted). authorization_code (code valid 10
//     minutes, single use, code_verifier checked) answers access_token,
//     expires_in (3599 for the default 1 h Config.GoogleAccessTTL), scope,
//     token_type, and a refresh_token only when the consent asked
//     access_type=offline and prompt=consent. refresh_token does not rotate:
//     it answers a new access token and no refresh_token, as often as
//     asked; earlier access tokens stay valid until they expire. A dead
//     refresh token (revoked, unknown, or older than Config.GoogleRefreshTTL
//     when set) gets 400 {"error":"invalid_grant","error_description":
//     "Token has been expired or revoked."}.
//   - POST /google/revoke?token=… (or token in the form body) revokes the
//     grant: every token of that user and client; 200 {}. An unknown or dead
//     token gets 400 invalid_token.
//
// Google tokens and Fitbit tokens are distinct: each face rejects the
// other's.
//
// Data (user segment "me" or the user's healthUserId; another id gets 403):
//   - GET /v4/users/me/identity (any scope): name, healthUserId (Truth.GoogleUserID),
//     legacyUserId (the Fitbit id).
//   - GET …/settings (settings scope): timeZone, utcOffset now, unit
//     preferences (imperial for America/ zones, as the Fitbit profile).
//   - GET …/profile (profile scope): age, membershipStartDate, and the
//     stride lengths when the token also has the activity scope.
//   - GET …/pairedDevices (settings scope): one Charge 6 TRACKER whose
//     lastSyncTime is the sync cutoff (Truth.SyncedUntil) in RFC 3339 UTC —
//     that the sync instant marks days complete is this simulator's
//     assumption, unverified against the real API.
//   - GET …/dataTypes/{type}/dataPoints (list) and …/dataPoints:reconcile:
//     filter (AIP-160, below), pageSize (default 1440, at most 10000; sleep
//     default and at most 25; larger values are truncated), pageToken.
//     Points come newest first by interval start or sample time; the
//     opaque nextPageToken is a keyset position, valid only for the same
//     type and filter (else 400 INVALID_PAGE_TOKEN), so pages stay exact
//     while the sync moves. List points carry name and dataSource
//     {PASSIVELY_MEASURED, Charge 6, FITNESS_BAND, Google, FITBIT};
//     reconcile points carry dataPointName and no dataSource.
//   - POST …/dataPoints:rollUp {range{startTime,endTime}, windowSize "Ns"
//     (whole seconds ≥ 1), pageSize (default 1440, max 10000), pageToken}
//     and POST …/dataPoints:dailyRollUp {range{start,end} civil dates (start
//     at midnight; an end with a time counts its day), windowSizeDays
//     (default 1), pageSize (default and max 90; 14 for heart-rate and
//     total-calories), pageToken}: windows oldest first, the last one
//     truncated at the range end. A window is listed when it holds a served
//     minute (a heart sample for heart-rate); a minute belongs to the
//     window holding its start. Spans over 14 days (heart-rate,
//     total-calories) or 90 days (others) get 400
//     INVALID_ROLLUP_QUERY_DURATION. Unknown body fields get 400.
//
// Data types, one scope each (activity_and_fitness,
// health_metrics_and_measurements, sleep), all from the same facts as the
// Fitbit face (see Truth.GooglePoints and Truth.GoogleRollup):
//   - heart-rate (metrics): every 1sec sample of the Fitbit face;
//     metadata.motionContext ACTIVE when the minute has steps.
//   - steps, distance (mm = Fitbit km × 1e6), floors, altitude (gain mm =
//     Fitbit elevation m × 1000), active-energy-burned (kcal = the minute's
//     calories − the per-minute BMR, 4 decimals) (activity): one point per
//     served minute with a non-zero value. floors has no list (400
//     UNSUPPORTED_DATA_TYPE_OPERATION): use reconcile or rollups.
//   - total-calories (activity): rollups only; kcalSum = the Fitbit face's
//     calories (BMR included).
//   - daily-resting-heart-rate (metrics): the days where the Fitbit face
//     serves restingHeartRate; no rollups.
//   - sleep (sleep): the Fitbit face's logs; stages from levels.data
//     (LIGHT DEEP REM AWAKE, or ASLEEP RESTLESS AWAKE for classic),
//     shortAwakenings from levels.shortData, metadata.mainSleep/nap, summary
//     from the log (minutesAwake = the log's minutesAwake); offsets at each
//     instant in the user's zone; no rollups; the name's id is the logId.
//
// Rollups: steps countSum, distance millimetersSum, floors countSum,
// altitude gainMillimetersSum, activeEnergyBurned kcalSum, totalCalories
// kcalSum, heartRate beatsPerMinuteAvg (2 decimals)/Min/Max; sleep and
// daily-resting-heart-rate rollups get 400 UNSUPPORTED_DATA_TYPE_OPERATION.
// A data type the simulator does not serve gets 400 INVALID_DATA_TYPE.
//
// Filters: the identifier is the snake_case type (heart_rate); fields are
// {t}.sample_time.physical_time|civil_time (heart-rate),
// {t}.interval.start_time|civil_start_time (interval types), {t}.date
// (daily types), sleep.interval.end_time|civil_end_time (sleep). Only >=
// and <, joined by AND; OR (with parentheses) only for sleep. Physical
// literals are RFC 3339; civil ones YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss
// without offset, compared with the wall clock in the user's zone (the
// fall-back hour matches twice); dates YYYY-MM-DD. Errors are 400
// INVALID_ARGUMENT with reason INVALID_DATA_POINT_FILTER_SYNTAX (not
// parseable), INVALID_DATA_POINT_FILTER (wrong type or field, unsupported
// operator, OR outside sleep, NOT, a bad timestamp) or
// INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT (a bad civil time or
// date). No filter means everything up to the sync, newest first.
//
// Errors use Google's envelope {"error":{"code","message","status",
// "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason",…}]}}:
// 401 UNAUTHENTICATED (CREDENTIALS_MISSING, ACCESS_TOKEN_TYPE_UNSUPPORTED
// for an unknown or revoked token, ACCESS_TOKEN_EXPIRED) with
// WWW-Authenticate, 403 PERMISSION_DENIED (ACCESS_TOKEN_SCOPE_INSUFFICIENT),
// 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED (RATE_LIMIT_EXCEEDED), 503
// UNAVAILABLE. SetGoogleAccount switches a user to 400 FAILED_PRECONDITION
// ACCOUNT_NOT_LINKED or to the legacy-account 403 "Unable to mint UberMint
// from GaiaMint" on every /v4/ request.
//
// Quota: Config.GoogleQuota (default 300) requests per Config.GoogleWindow
// (default a minute, aligned to the Unix epoch) per user, counted as the
// Fitbit quota is but separately; answers carry no rate-limit headers (Google
// sends none), a 429 has Retry-After only with Config.RetryAfter. Faults
// (SetFault) apply to /v4/ requests as to Fitbit data requests (a 503 or 429
// fault answers in Google's envelope); Gone does not affect the Google face
// (Google switched off only the Fitbit Web API).
package sim
