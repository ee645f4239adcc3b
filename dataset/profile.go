package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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
		}},
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
