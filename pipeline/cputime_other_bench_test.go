//go:build !unix

package pipeline_test

import "time"

// cpuTime is unknown here: rows/cpu-s is not reported.
func cpuTime() time.Duration { return 0 }
