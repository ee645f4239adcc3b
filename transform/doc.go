// Package transform holds what every dataset's transform shares: the common
// Arrow columns (time_utc, time_local, date, …) with their documentation
// metadata, the conversion of Fitbit's zone-less wall-clock times into
// instants (DST-correct), the parsing of Fitbit's string-or-number values,
// and small typed appenders over an array.RecordBuilder.
//
// # Time columns
//
// An instant is stored as Timestamp(ms, "UTC") (Parquet TIMESTAMP adjusted to
// UTC; text renders it RFC 3339 with Z). A wall clock is stored as
// Timestamp(ms, "") holding the local clock reading as if it were UTC (a
// Parquet TIMESTAMP not adjusted to UTC; text renders it without offset). A
// calendar day is Date32.
//
// # Wall clock to instant
//
// Fitbit reports every time as wall clock in the user's profile zone, with no
// offset. A DayClock turns the wall times of one local day into instants. It
// must be fed the times in the order the API lists them, because the order is
// the only thing that tells the two passes of the repeated fall-back hour
// apart:
//
//   - an unambiguous wall time has exactly one instant;
//   - an ambiguous one (inside the repeated hour) takes the earlier offset
//     (the first pass) until the wall clock goes backwards while inside the
//     ambiguous hour; from then on it takes the later offset (the second
//     pass). Repeated equal times stay in the same pass. If the API lists no
//     sample in the first pass (say the tracker was off then), the second
//     pass's samples are read as the first occurrence: nothing in the data
//     can tell them apart (a known limitation, shared with every client that
//     does not ask for ?timezone=UTC);
//   - a wall time that does not exist (inside the spring-forward gap; the API
//     does not list such times, but a clock set by hand might) is read as Go's
//     time.Date reads it, which shifts it by the length of the gap: forward
//     east of UTC (02:30 on a Europe/Berlin spring day is read as 03:30 CEST),
//     backward west of it (02:30 on an America/New_York spring day is read as
//     01:30 EST). So that instants never go backwards while the wall clock
//     moves forward, an instant earlier than the previous one is raised to
//     the previous one: around a gap the instants are non-decreasing rather
//     than strictly increasing.
//
// For the data the API serves (every interval of the local day, the
// repeated hour listed twice, in order) the instants are distinct and
// increasing. The clock parses HH:mm:ss by hand and does no time.Parse and
// no zone lookup per sample in the common case: a year of 1-second heart
// rate is about nine million samples.
//
// time_local always holds the wall clock exactly as the API gave it.
//
// # Numbers
//
// Fitbit serves numbers as JSON numbers or as strings holding them ("8123",
// 8123, "12.5"). Num accepts both and rejects anything else (an empty
// string, "n/a", a fraction where an integer is expected): malformed input is
// an error naming the dataset, the day and the field, never a silent zero.
package transform
