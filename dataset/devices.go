package dataset

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

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
//
// Google Health: GET /v4/users/me/pairedDevices?pageSize=100 (scope
// settings), following nextPageToken, key g/devices/{start}_{end}, filed
// like Fitbit's; id ← the last segment of the device's name, type ←
// deviceType, version ← deviceVersion, battery ← batteryStatus,
// battery_level ← batteryLevel (null when 0 and batteryStatus is absent),
// last_sync_utc ← lastSyncTime (an RFC 3339 instant).

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
		}, Google: devicesGoogle()},
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

func devicesGoogle() Spec {
	return Spec{
		Scopes:    []string{googleScopeSettings},
		Requests:  gSnapshotRequest("devices", "/v4/users/me/pairedDevices", url.Values{"pageSize": {"100"}}, GoogleToken),
		Transform: devicesGoogleTransform,
		ColumnNotes: map[string]string{
			"id":      "Derived: the last segment of the device's name (users/me/pairedDevices/{id}).",
			"battery": "The device's batteryStatus.",
		},
	}
}

func devicesGoogleTransform(in Input, b *array.RecordBuilder) error {
	days, err := snapshots(in, "g/devices")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, id, typ, ver, bat := c.Date32("date"), c.String("id"), c.String("type"), c.String("version"), c.String("battery")
	lvl, sync := c.Int32("battery_level"), c.Timestamp("last_sync_utc")
	opt := func(s string) *string {
		if s == "" || s == "DEVICE_TYPE_UNSPECIFIED" {
			return nil
		}
		return &s
	}
	for _, dr := range days {
		err := decodePages(in.Dataset, dr.resp, func(page *health.ListPairedDevicesResponse) error {
			for i, dv := range page.PairedDevices {
				if dv == nil {
					continue
				}
				p := transform.Parser{Dataset: in.Dataset, Day: dr.day, At: fmt.Sprintf("device %d", i+1)}
				devID := dv.Name[strings.LastIndexByte(dv.Name, '/')+1:]
				if devID == "" {
					p.Fail("name", transform.ErrMissing)
					return p.Err
				}
				var last *int64
				if dv.LastSyncTime != "" {
					ms, err := gInstant(dv.LastSyncTime)
					if err != nil {
						p.Fail("lastSyncTime", err)
						return p.Err
					}
					last = &ms
				}
				var level *int32
				if dv.BatteryLevel != 0 || dv.BatteryStatus != "" {
					if dv.BatteryLevel < 0 || dv.BatteryLevel > 100 {
						p.Fail("batteryLevel", fmt.Errorf("out of range: %d", dv.BatteryLevel))
						return p.Err
					}
					l := int32(dv.BatteryLevel)
					level = &l
				}
				date.AppendDate(dr.day)
				id.Append(devID)
				appendOptString(typ, opt(dv.DeviceType))
				appendOptString(ver, opt(dv.DeviceVersion))
				appendOptString(bat, opt(dv.BatteryStatus))
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
