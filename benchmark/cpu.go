package benchmark

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The parts of the machine whose CPU time a decision is charged with.
const (
	cpuBench       = "bench process (API, worker, load generator)"
	cpuTemporal    = "Temporal server"
	cpuPGMutasi    = "PostgreSQL, Mutasi's database"
	cpuPGTemporal  = "PostgreSQL, Temporal's databases"
	clockTicksPerS = 100 // USER_HZ: the unit of /proc/<pid>/stat's times, 100 on every Linux architecture Go builds for but alpha and ia64
)

// cpuParts lists the parts in the order the report shows them.
var cpuParts = []string{cpuBench, cpuTemporal, cpuPGMutasi, cpuPGTemporal}

// cpuUse is the CPU time (user and system) each process of a part has
// used so far.
type cpuUse map[int]procUse

// procUse is one process's part and its CPU time so far.
type procUse struct {
	part string
	time time.Duration
}

// cpuNow reads the CPU time used so far by the bench process, the Temporal
// server's process (the one listening on the frontend's port) and the
// PostgreSQL backends of Mutasi's and Temporal's databases, from /proc.
// Off Linux, or when a process cannot be found, its part is missing.
// PostgreSQL's own background processes (the WAL writer, the
// checkpointer) are not counted.
func (b *bench) cpuNow() cpuUse {
	use := cpuUse{}
	add := func(pid int, part string) {
		if t, ok := processCPU(pid); ok {
			use[pid] = procUse{part, t}
		}
	}
	add(os.Getpid(), cpuBench)
	if b.temporalPID == 0 {
		b.temporalPID = listener(b.hostPort)
	}
	add(b.temporalPID, cpuTemporal)
	var backends []struct {
		PID  int  `gorm:"column:pid"`
		Ours bool `gorm:"column:ours"`
	}
	err := b.gdb.Raw(`SELECT pid, datname = current_database() AS ours FROM pg_stat_activity
		WHERE datname = current_database() OR datname IN ?`, temporalDatabases).Scan(&backends).Error
	if err != nil {
		b.logf("CPU of PostgreSQL's backends not read: %v", err)
	}
	for _, be := range backends {
		// The backends are read in this machine's /proc: a database
		// elsewhere has none here, and a PID that is not PostgreSQL's
		// is not counted.
		if comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(be.PID), "comm")); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			add(be.PID, map[bool]string{true: cpuPGMutasi, false: cpuPGTemporal}[be.Ours])
		}
	}
	return use
}

// temporalDatabases are the databases of the cluster's Temporal server
// (cluster/config/cluster.yaml's defaults).
var temporalDatabases = []string{"temporal", "temporal_visibility"}

// cpuSpent is the CPU time each part used over the readings added.
type cpuSpent map[string]time.Duration

// add adds what each part used between two readings. A backend that
// started between them counts from its start; one that ended counts for
// nothing (the bench's pools keep theirs open).
func (c cpuSpent) add(before, after cpuUse) {
	for pid, a := range after {
		c[a.part] += a.time - before[pid].time
	}
}

// rows turns the CPU spent into a report row: each part's milliseconds
// per request, and their sum.
func (c cpuSpent) rows(label string, requests uint64) []Row {
	if requests == 0 {
		return nil
	}
	var parts []string
	var total time.Duration
	for _, p := range cpuParts {
		if d, ok := c[p]; ok {
			total += d
			parts = append(parts, fmt.Sprintf("%s %.1f ms", p, ms(d)/float64(requests)))
		}
	}
	return []Row{{Measure: label, Value: fmt.Sprintf("%.1f ms in all: %s", ms(total)/float64(requests), strings.Join(parts, ", "))}}
}

// processCPU is the user and system CPU time a process has used, from
// /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, bool) {
	if pid <= 0 {
		return 0, false
	}
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted are those after its closing parenthesis (state is field 3,
	// utime 14, stime 15).
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicksPerS, true
}

// listener is the process listening on hostPort's TCP port, found through
// /proc/net/tcp{,6} and the processes' open sockets; 0 when none is.
func listener(hostPort string) int {
	_, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return 0
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return 0
	}
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// sl local_address rem_address st ... inode (field 10)
			fs := strings.Fields(sc.Text())
			if len(fs) < 10 || fs[3] != "0A" { // 0A: LISTEN
				continue
			}
			i := strings.LastIndexByte(fs[1], ':')
			if lp, err := strconv.ParseInt(fs[1][i+1:], 16, 32); err == nil && int(lp) == p {
				inodes["socket:["+fs[9]+"]"] = true
			}
		}
		f.Close()
	}
	if len(inodes) == 0 {
		return 0
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range procs {
		if target, err := os.Readlink(fd); err == nil && inodes[target] {
			pid, _ := strconv.Atoi(strings.Split(fd, "/")[2])
			return pid
		}
	}
	return 0
}
