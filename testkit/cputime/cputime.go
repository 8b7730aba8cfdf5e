// Package cputime measures the CPU time a benchmark's work takes, in the
// test's own process and in PostgreSQL's server processes. On a shared
// machine, wall time moves with what else runs; the CPU time a piece of
// work needs moves much less, and says whether a change made it cheaper.
package cputime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Since starts a measure; the function it returns gives the CPU time
// (user and system) used since by this process and by the processes
// named postgres (0 where /proc cannot be read; a PostgreSQL process that
// ends meanwhile takes its time with it).
func Since() func() (self, postgres time.Duration) {
	self0, pg0 := ownTime(), postgresTime()
	return func() (time.Duration, time.Duration) {
		return ownTime() - self0, postgresTime() - pg0
	}
}

// ownTime is the CPU time this process has used.
func ownTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ticksPerSecond is the unit of /proc's CPU times (USER_HZ, 100 on
// Linux).
const ticksPerSecond = 100

// postgresTime is the CPU time the running processes named postgres have
// used.
func postgresTime() time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime stime: fields 14 and 15.
		s := string(b)
		lp, rp := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if lp < 0 || rp < lp || s[lp+1:rp] != "postgres" {
			continue
		}
		fields := strings.Fields(s[rp+1:])
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		ticks += utime + stime
	}
	return time.Duration(ticks) * time.Second / ticksPerSecond
}
