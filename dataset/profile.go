package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// profile: a snapshot of the account settings analysis needs — time zone,
// UTC offset, member since and display units — taken by each run that
// exports new days. Nothing else of the profile is exported: no name,
// display name, avatar, birth date, age, gender, height or weight, even
// though Fitbit's answer carries them.
//
// Fitbit: GET /1/user/-/profile.json (scope profile); like devices, one
// request per run's range of days, key profile/{start}_{end}, its row filed
// under the range's last day (see snapshotRequests).
//
// Google Health: GET /v4/users/me/settings (scope settings; key
// g/settings/{start}_{end}) and GET /v4/users/me/profile (scope profile;
// key g/profile/{start}_{end}), filed like Fitbit's. timezone ← timeZone,
// utc_offset_s ← utcOffset, distance_unit and weight_unit ← distanceUnit and
// weightUnit mapped to the Fitbit profile's names (DISTANCE_UNIT_KILOMETERS
// and WEIGHT_UNIT_KILOGRAMS → METRIC, …_MILES and …_POUNDS → en_US,
// WEIGHT_UNIT_STONE → en_GB), member_since ← the profile's
// membershipStartDate. Nothing else of either answer is exported (the
// profile's age and stride lengths included).

func profile() *Dataset {
	return &Dataset{
		Name:    "profile",
		Doc:     "A snapshot of the account's time zone, UTC offset, member-since date and display units, taken under the last day of each run; no personal data (name, birth date, gender, height, weight) is exported.",
		Kind:    Daily,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.Date("date", "The day the snapshot is filed under: the last day of the range the run exported."),
			transform.String("timezone", false, "The profile's time zone (IANA name), in which Fitbit's wall-clock times are given."),
			transform.Int32("utc_offset_s", true, "The zone's offset from UTC when the snapshot was taken.", "s"),
			nullable(transform.Date("member_since", "The day the account was created (first possible day of data).")),
			transform.String("distance_unit", true, "The unit Fitbit's apps show distances in (METRIC, en_US, …); exported data is always SI."),
			transform.String("weight_unit", true, "The unit Fitbit's apps show weight in (METRIC, en_US, en_GB, …); exported data is always SI."),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"profile"},
			Requests:  snapshotRequests("profile", "/1/user/-/profile.json"),
			Transform: profileTransform,
		}, Google: profileGoogle()},
	}
}

type profileDoc struct {
	User *struct {
		Timezone            *string       `json:"timezone"`
		OffsetFromUTCMillis transform.Num `json:"offsetFromUTCMillis"`
		MemberSince         string        `json:"memberSince"`
		DistanceUnit        *string       `json:"distanceUnit"`
		WeightUnit          *string       `json:"weightUnit"`
	} `json:"user"`
}

func profileTransform(in Input, b *array.RecordBuilder) error {
	days, err := snapshots(in, "profile")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, tz, off, since := c.Date32("date"), c.String("timezone"), c.Int32("utc_offset_s"), c.Date32("member_since")
	du, wu := c.String("distance_unit"), c.String("weight_unit")
	for _, dr := range days {
		err := decodePages(in.Dataset, dr.resp, func(doc *profileDoc) error {
			u := doc.User
			if u == nil || u.Timezone == nil || *u.Timezone == "" {
				return fmt.Errorf("%s %s: the answer has no user.timezone", in.Dataset, dr.day)
			}
			p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
			var offS *int32
			if ms := p.OptInt64("user.offsetFromUTCMillis", u.OffsetFromUTCMillis); ms != nil {
				s := int32(*ms / 1000)
				offS = &s
			}
			var ms *dates.Date
			if u.MemberSince != "" {
				d, err := dates.Parse(u.MemberSince)
				if err != nil {
					p.Fail("user.memberSince", err)
				}
				ms = &d
			}
			if p.Err != nil {
				return p.Err
			}
			date.AppendDate(dr.day)
			tz.Append(*u.Timezone)
			off.AppendOpt(offS)
			if ms != nil {
				since.AppendDate(*ms)
			} else {
				since.AppendNull()
			}
			appendOptString(du, u.DistanceUnit)
			appendOptString(wu, u.WeightUnit)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func profileGoogle() Spec {
	return Spec{
		Scopes: []string{googleScopeSettings, googleScopeProfile},
		Requests: func(o Options, r dates.Range) []Request {
			return append(gSnapshotRequest("settings", "/v4/users/me/settings", nil, NoPaging)(o, r),
				gSnapshotRequest("profile", "/v4/users/me/profile", nil, NoPaging)(o, r)...)
		},
		Transform: profileGoogleTransform,
		ColumnNotes: map[string]string{
			"timezone":      "The settings' timeZone.",
			"utc_offset_s":  "The settings' utcOffset.",
			"member_since":  "The profile's membershipStartDate.",
			"distance_unit": "Derived: the settings' distanceUnit as Fitbit names it (DISTANCE_UNIT_KILOMETERS → METRIC, DISTANCE_UNIT_MILES → en_US).",
			"weight_unit":   "Derived: the settings' weightUnit as Fitbit names it (…_KILOGRAMS → METRIC, …_POUNDS → en_US, …_STONE → en_GB).",
		},
	}
}

func profileGoogleTransform(in Input, b *array.RecordBuilder) error {
	settings, err := snapshots(in, "g/settings")
	if err != nil {
		return err
	}
	profiles, err := snapshots(in, "g/profile")
	if err != nil {
		return err
	}
	since := map[dates.Date]*dates.Date{}
	for _, dr := range profiles {
		err := decodePages(in.Dataset, dr.resp, func(pr *health.Profile) error {
			if pr.MembershipStartDate == nil {
				return nil
			}
			d, err := gDate(pr.MembershipStartDate)
			if err != nil {
				return transform.FieldError(in.Dataset, dr.day, "membershipStartDate", err)
			}
			since[dr.day] = &d
			return nil
		})
		if err != nil {
			return err
		}
	}
	c := transform.ColsOf(b)
	date, tz, off, ms := c.Date32("date"), c.String("timezone"), c.Int32("utc_offset_s"), c.Date32("member_since")
	du, wu := c.String("distance_unit"), c.String("weight_unit")
	for _, dr := range settings {
		err := decodePages(in.Dataset, dr.resp, func(st *health.Settings) error {
			if st.TimeZone == "" {
				return fmt.Errorf("%s %s: the settings have no timeZone", in.Dataset, dr.day)
			}
			var offS *int32
			if st.UtcOffset != "" {
				v, err := gOffset(st.UtcOffset)
				if err != nil {
					return transform.FieldError(in.Dataset, dr.day, "utcOffset", err)
				}
				s := int32(v / 1000)
				offS = &s
			}
			date.AppendDate(dr.day)
			tz.Append(st.TimeZone)
			off.AppendOpt(offS)
			if d := since[dr.day]; d != nil {
				ms.AppendDate(*d)
			} else {
				ms.AppendNull()
			}
			appendOptString(du, gUnit(st.DistanceUnit))
			appendOptString(wu, gUnit(st.WeightUnit))
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
