package takeout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// exerciseJSON renders n walks starting on day (MM/DD/YY) at 08:00,
// 08:01, … with ids from id.
func exerciseJSON(day string, id, n int) string {
	var logs []string
	for i := range n {
		logs = append(logs, fmt.Sprintf(`{"logId":%d,"activityName":"Walk","activityTypeId":90013,"duration":600000,"steps":%d,"startTime":"%s 08:%02d:00"}`, id+i, 1000+i, day, i))
	}
	return "[" + strings.Join(logs, ",\n") + "]"
}

// TestExercisesArePagedAsTheAPIPagesThem: the files' index names say
// nothing about their days (Open finds each file's span); the list starts
// at afterDate and runs on to the newest log, limit logs a page, the
// pages linked by pagination.next; startTime gets its offset.
func TestExercisesArePagedAsTheAPIPagesThem(t *testing.T) {
	a := open(t, map[string]string{
		"Takeout/Fitbit/Your Profile/Profile.csv": profileCSV,
		ge + "exercise-0.json":                    exerciseJSON("11/03/26", 300, 3), // the newest logs first
		ge + "exercise-100.json":                  exerciseJSON("10/20/26", 100, 2),
		ge + "exercise-200.json":                  exerciseJSON("10/28/26", 200, 2), // 10-28 CET (+01:00)
	})
	if p := a.Profile(); p.FirstDay != dates.MustParse("2026-10-20") || p.LastDay != dates.MustParse("2026-11-03") {
		t.Errorf("days with data %s..%s, want 2026-10-20..2026-11-03 (from the logs, not the file names)", p.FirstDay, p.LastDay)
	}
	if st := a.Stats(); st.FilesRead != 4 || st.CachedFiles != 0 {
		t.Errorf("after Open: %+v, want the profile and the 3 exercise files read, none cached", st)
	}
	q := url.Values{"afterDate": {"2026-10-21"}, "sort": {"asc"}, "limit": {"2"}, "offset": {"0"}}
	req := dataset.Request{Key: "exercises/2026-10-21_2026-10-31", Path: "/1/user/-/activities/list.json?" + q.Encode(),
		Paging: dataset.FitbitNext, Days: dates.Range{From: dates.MustParse("2026-10-21"), To: dates.MustParse("2026-10-31")}}
	pages, err := a.Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	type page struct {
		Activities []struct {
			LogID     int64  `json:"logId"`
			StartTime string `json:"startTime"`
		} `json:"activities"`
		Pagination struct {
			Next, Previous string
			Offset, Limit  int
		} `json:"pagination"`
	}
	var got []string
	for i, body := range pages {
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("page %d: %v: %s", i+1, err, body)
		}
		for _, x := range p.Activities {
			got = append(got, fmt.Sprintf("%d@%s", x.LogID, x.StartTime))
		}
		wantNext := i < len(pages)-1
		if (p.Pagination.Next != "") != wantNext || p.Pagination.Offset != 2*i || p.Pagination.Limit != 2 ||
			(i > 0) != (p.Pagination.Previous != "") {
			t.Errorf("page %d pagination = %+v", i+1, p.Pagination)
		}
		if wantNext && !strings.Contains(p.Pagination.Next, fmt.Sprintf("offset=%d", 2*(i+1))) {
			t.Errorf("page %d next = %s", i+1, p.Pagination.Next)
		}
	}
	want := "200@2026-10-28T08:00:00.000+01:00 201@2026-10-28T08:01:00.000+01:00 " +
		"300@2026-11-03T08:00:00.000+01:00 301@2026-11-03T08:01:00.000+01:00 302@2026-11-03T08:02:00.000+01:00"
	if len(pages) != 3 || strings.Join(got, " ") != want {
		t.Errorf("%d pages: %s\nwant 3 pages: %s", len(pages), strings.Join(got, " "), want)
	}
	// Only the files whose logs reach afterDate were read.
	if st := a.Stats(); st.FilesRead != 6 {
		t.Errorf("files read %d, want 6 (the two files with logs from 10-21 on, once more)", st.FilesRead)
	}
	// A list after the archive's last log: one empty page.
	q.Set("afterDate", "2026-11-04")
	pages, err = a.Fetch(context.Background(), dataset.Request{Key: "exercises/2026-11-04_2026-11-05", Path: "/1/user/-/activities/list.json?" + q.Encode()})
	if err != nil || len(pages) != 1 || !strings.HasPrefix(string(pages[0]), `{"activities":[],"pagination":{`) {
		t.Errorf("after the last log: %q, %v", pages, err)
	}
}

// TestNewFamiliesMalformedFiles: a malformed file of each new family is
// reported with its path and line and skipped; the other files serve.
func TestNewFamiliesMalformedFiles(t *testing.T) {
	const root = "Takeout/Fitbit/"
	a := open(t, map[string]string{
		root + "Your Profile/Profile.csv": profileCSV,
		ge + "exercise-0.json":            exerciseJSON("10/05/26", 1, 2),
		ge + "exercise-100.json":          "[{\"logId\":7,\"duration\":60000,\"startTime\":\"10/06/26 08:00:00\"},\n{\"logId\":8,\"duration\":60000,\"startTime\":\"2026/10/06\"}]",
		ge + "exercise-200.json":          "[{\"logId\":9,\"duration\":60000,\"startTime\":\"10/06/26 08:00:00\",\n\"steps\":",
		ge + "demographic_vo2_max-2026-01-01.json": `[{"dateTime":"10/05/26 00:00:00","value":{"filteredDemographicVO2Max":40.4}},` + "\n" +
			`{"dateTime":"10/06/26","value":{"filteredDemographicVO2Max":"forty"}}]`,
		ge + "run_vo2_max-2026-10-01.json":                                              `[{"dateTime":"10/05/26 18:00:00","value":{"filteredRunVO2Max":42.456}}]`,
		root + "Active Zone Minutes (AZM)/Active Zone Minutes - 2026-10-01.csv":         "date_time,heart_zone_id,total_minutes\n2026-10-05T08:00,PEAK,2\n",
		root + "Active Zone Minutes (AZM)/Active Zone Minutes - 2026-10-06.csv":         "date_time,heart_zone_id,total_minutes\n2026-10-06T08:00,PEAK,1.5\n",
		root + "Heart Rate Variability/Heart Rate Variability Details - 2026-10-04.csv": "timestamp,rmssd\n2026-10-04T23:00:00,30\n2026-10-05T01:00:00,31.5\n",
		root + "Heart Rate Variability/Heart Rate Variability Details - 2026-10-05.csv": "timestamp,rmssd,coverage\n2026-10-05T23:00:00,30,high\n",
	})
	r := dates.Range{From: dates.MustParse("2026-10-05"), To: dates.MustParse("2026-10-06")}
	for key, want := range map[string]string{
		"cardioscore/2026-10-05_2026-10-06": `{"cardioScore":[{"dateTime":"2026-10-05","value":{"vo2Max":"42.46"}}]}`,
		"azm-daily/2026-10-05_2026-10-06": `{"activities-active-zone-minutes":[` +
			`{"dateTime":"2026-10-05","value":{"activeZoneMinutes":2,"fatBurnActiveZoneMinutes":0,"cardioActiveZoneMinutes":0,"peakActiveZoneMinutes":2}},` +
			`{"dateTime":"2026-10-06","value":{"activeZoneMinutes":0,"fatBurnActiveZoneMinutes":0,"cardioActiveZoneMinutes":0,"peakActiveZoneMinutes":0}}]}`,
		// A file without coverage, lf and hf columns: the values are absent.
		"hrv-all/2026-10-05_2026-10-06": `{"hrv":[{"dateTime":"2026-10-05","minutes":[{"minute":"2026-10-04T23:00:00.000","value":{"rmssd":30}},{"minute":"2026-10-05T01:00:00.000","value":{"rmssd":31.5}}]}]}`,
	} {
		if got := string(fetch(t, a, key, r)); got != want {
			t.Errorf("%s =\n%s\nwant\n%s", key, got, want)
		}
	}
	pages, err := a.Fetch(context.Background(), dataset.Request{Key: "exercises/2026-10-05_2026-10-06", Days: r})
	if err != nil || len(pages) != 1 || strings.Count(string(pages[0]), `"logId"`) != 2 {
		t.Errorf("exercises: %s, %v; want the 2 logs of the good file", pages, err)
	}
	w := strings.Join(a.Warnings(), "\n")
	for _, want := range []string{
		`exercise-100.json: line 2: log 2 (logId 8): startTime "2026/10/06": want MM/DD/YY HH:MM:SS: file skipped`,
		`exercise-200.json: line 2: unexpected end of JSON input (truncated or malformed JSON): file skipped`,
		`demographic_vo2_max-2026-01-01.json: line 2: entry 2 (dateTime "10/06/26"): value.filteredDemographicVO2Max: not a number: "forty": file skipped`,
		`Active Zone Minutes - 2026-10-06.csv: line 2: total_minutes "1.5": not a whole number of minutes: file skipped`,
		`Heart Rate Variability Details - 2026-10-05.csv: line 2: coverage "high": not a number: file skipped`,
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
	if n := len(a.Warnings()); n != 5 {
		t.Errorf("%d warnings, want 5:\n%s", n, w)
	}
	if got := strings.Join(a.SupportedDatasets(), ","); got != "hrv_intraday,vo2_max,active_zone_minutes,active_zone_minutes_daily,exercises" {
		t.Errorf("supported = %s", got)
	}
	for _, key := range []string{"azm/5min/2026-10-05", "azm/1min/x"} {
		if _, err := a.Fetch(context.Background(), dataset.Request{Key: key}); !errors.Is(err, ErrNotInArchive) {
			t.Errorf("%s: err = %v, want ErrNotInArchive", key, err)
		}
	}
}
