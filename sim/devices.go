package sim

import (
	"strconv"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Ground truth of the profile and devices endpoints (rendered in api.go).

// Device is one entry of devices.json.
type Device struct {
	ID           string
	Type         string // TRACKER
	Version      string // deviceVersion
	Battery      string // High, Medium or Low
	BatteryLevel int    // percent
	LastSync     time.Time
}

// deviceID is the tracker's id.
func deviceID(u *userState) string { return strconv.FormatUint(2000000000+u.idHash%1000000000, 10) }

// device is the user's one tracker, as served now.
func (s *Server) device(u *userState) Device {
	level := 20 + int(u.idHash%80)
	battery := "High"
	switch {
	case level < 25:
		battery = "Low"
	case level < 60:
		battery = "Medium"
	}
	return Device{ID: deviceID(u), Type: "TRACKER", Version: "Charge 6", Battery: battery, BatteryLevel: level,
		LastSync: s.lastSyncAt(u)}
}

// Devices returns the devices served now.
func (t *Truth) Devices() []Device { return []Device{t.s.device(t.u)} }

// Profile is the part of profile.json fitexport exports.
type Profile struct {
	Timezone            string
	OffsetFromUTCMillis int // at Now
	MemberSince         dates.Date
	DistanceUnit        string
	WeightUnit          string
}

// Profile returns the profile served now.
func (t *Truth) Profile() Profile {
	u := t.u
	_, off := t.s.now().In(u.loc).Zone()
	p := Profile{Timezone: u.Zone, OffsetFromUTCMillis: off * 1000, MemberSince: u.MemberSince,
		DistanceUnit: "METRIC", WeightUnit: "METRIC"}
	if strings.HasPrefix(u.Zone, "America/") {
		p.DistanceUnit, p.WeightUnit = "en_US", "en_US"
	}
	return p
}
