package faults

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"github.com/bkpsdm/mutasi/testkit"
)

// PGBinDir finds the PostgreSQL server programs (initdb, pg_ctl):
// $MUTASI_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin, as
// Debian installs them.
func PGBinDir() string {
	if dir := os.Getenv("MUTASI_PG_BIN"); dir != "" {
		return dir
	}
	best, bestVersion := "/usr/lib/postgresql/15/bin", 0
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for _, d := range dirs {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err == nil && v > bestVersion {
			best, bestVersion = d, v
		}
	}
	return best
}

// PGCluster is a private PostgreSQL cluster in a temporary folder, on its
// own port, that a test may stop and start at will without touching the
// machine's shared server. Running as root, the server runs as the
// postgres user (PostgreSQL refuses to run as root).
type PGCluster struct {
	Dir  string // the cluster's folder: data/, the socket and the log
	Port int
	bin  string
	user string // "" runs the programs as the current user
}

// StartPGCluster creates a cluster with initdb, trust authentication and
// no fsync (a test cluster need not survive a power cut, only a stop),
// and starts it.
func StartPGCluster(ctx context.Context) (*PGCluster, error) {
	bin := PGBinDir()
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		return nil, fmt.Errorf("initdb not found in %s (set MUTASI_PG_BIN): %w", bin, err)
	}
	dir, err := os.MkdirTemp("", "mutasi-pg-")
	if err != nil {
		return nil, err
	}
	c := &PGCluster{Dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		c.user = "postgres"
		u, err := user.Lookup(c.user)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	if c.Port, err = testkit.FreePort(); err != nil {
		return nil, err
	}
	if err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *PGCluster) data() string { return filepath.Join(c.Dir, "data") }

// DSN is the key=value connection string of a database on the cluster.
func (c *PGCluster) DSN(dbname string) string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=%s sslmode=disable", c.Port, dbname)
}

// Start starts the server and waits until it accepts connections.
func (c *PGCluster) Start(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", c.Port, c.Dir)
	return c.run(ctx, "pg_ctl", "-D", c.data(), "-o", opts, "-l", filepath.Join(c.Dir, "server.log"), "-w", "-t", "60", "start")
}

// Stop stops the server at once, as a crash would: open connections break
// and transactions in progress roll back.
func (c *PGCluster) Stop(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
}

// Remove stops the server if it runs and deletes the cluster.
func (c *PGCluster) Remove() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		err = nil // not running
	}
	return errors.Join(err, os.RemoveAll(c.Dir))
}

// Log returns the server's log, for a failing test to show.
func (c *PGCluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.Dir, "server.log"))
	return string(b)
}

// run runs one of the PostgreSQL programs, as the postgres user when the
// process is root.
func (c *PGCluster) run(ctx context.Context, prog string, args ...string) error {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.user != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.user, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = c.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", prog, err, out)
	}
	return nil
}
