// Package sim is an in-process and standalone fake of the Fitbit Web API
// (see shared/fitbit-web-api.md), serving deterministic synthetic users. Every
// test of fitexport and `fitexport --source sandbox` talk to it, and
// `fitexport sandbox serve` runs it as a server.
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
package sim
