package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/transform"
)

// devices: a snapshot of the paired devices, one row per device, taken by
// each run that exports new days.
//
// Fitbit: GET /1/user/-/devices.json (scope settings). The endpoint has no
// dates: the plan is one request for the run's range of days, key
// devices/{start}_{end}, and its rows are filed under the range's last day
// (see snapshotRequests). A later run that exports later days takes a new
// snapshot; a run with nothing new to fetch takes none (every day is
// held). lastSyncTime is wall clock in the profile zone, no offset.

func devices() *Dataset {
	return &Dataset{
		Name:    "devices",
		Doc:     "A snapshot of the paired trackers and scales (battery, firmware version, last sync), taken under the last day of each run.",
		Kind:    Daily,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.Date("date", "The day the snapshot is filed under: the last day of the range the run exported."),
			transform.String("id", false, "Fitbit's id of the device."),
			transform.String("type", true, "TRACKER or SCALE."),
			transform.String("version", true, "The device model (Fitbit's deviceVersion), e.g. Charge 6."),
			transform.String("battery", true, "Battery state: High, Medium, Low or Empty."),
			transform.Int32("battery_level", true, "Battery charge.", "%"),
			nullable(transform.Instant("last_sync_utc", "The instant the device last synced.")),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"settings"},
			Requests:  snapshotRequests("devices", "/1/user/-/devices.json"),
			Transform: devicesTransform,
		}},
	}
}

type deviceJSON struct {
	ID            transform.Num `json:"id"`
	Type          *string       `json:"type"`
	DeviceVersion *string       `json:"deviceVersion"`
	Battery       *string       `json:"battery"`
	BatteryLevel  transform.Num `json:"batteryLevel"`
	LastSyncTime  string        `json:"lastSyncTime"`
}

func devicesTransform(in Input, b *array.RecordBuilder) error {
	days, err := snapshots(in, "devices")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, id, typ, ver, bat := c.Date32("date"), c.String("id"), c.String("type"), c.String("version"), c.String("battery")
	lvl, sync := c.Int32("battery_level"), c.Timestamp("last_sync_utc")
	for _, dr := range days {
		err := decodePages(in.Dataset, dr.resp, func(devs *[]deviceJSON) error {
			for i, dv := range *devs {
				p := transform.Parser{Dataset: in.Dataset, Day: dr.day, At: fmt.Sprintf("device %d", i+1)}
				if !dv.ID.Present() {
					p.Fail("id", transform.ErrMissing)
				}
				level := p.OptInt32("batteryLevel", dv.BatteryLevel)
				var last *int64
				if dv.LastSyncTime != "" {
					w, err := transform.ParseWall(dv.LastSyncTime)
					if err != nil {
						p.Fail("lastSyncTime", err)
					} else {
						u, _ := transform.SessionStart(in.Zone(dr.day), w)
						last = &u
					}
				}
				if p.Err != nil {
					return p.Err
				}
				date.AppendDate(dr.day)
				id.Append(dv.ID.String())
				appendOptString(typ, dv.Type)
				appendOptString(ver, dv.DeviceVersion)
				appendOptString(bat, dv.Battery)
				lvl.AppendOpt(level)
				if last != nil {
					sync.Append(arrow.Timestamp(*last))
				} else {
					sync.AppendNull()
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
