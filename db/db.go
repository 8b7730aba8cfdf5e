// Package db opens Mutasi's database through GORM and migrates its schema.
// The database is PostgreSQL, or an embedded SQLite file for the one-command
// dev stack (pure Go, no C compiler needed).
package db

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/libtnb/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/bkpsdm/mutasi/models"
)

// sqliteParams are the settings of every SQLite connection: write-ahead
// logging, so readers do not block the writer; a wait of up to ten seconds
// for a lock held by another process instead of failing at once with
// "database is locked"; foreign keys enforced, as PostgreSQL does; and
// transactions that take the write lock when they begin (BEGIN IMMEDIATE),
// so that a transaction that reads and then writes waits for that lock
// instead of failing when another process wrote in between.
const sqliteParams = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"

// sqlitePath returns the file that dsn names when dsn names an SQLite
// database: "sqlite:" followed by a path, or a path ending in ".db" that is
// neither a URL nor a key=value string.
func sqlitePath(dsn string) (string, bool) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return path, true
	}
	if strings.HasSuffix(dsn, ".db") && !strings.Contains(dsn, "://") && !strings.Contains(dsn, "=") {
		return dsn, true
	}
	return "", false
}

// Open connects to the database that dsn names. A dsn starting with
// "sqlite:" (e.g. "sqlite:.mutasi/mutasi.db") or a file path ending in
// ".db" opens that SQLite file, creating it and its folder when missing;
// anything else is a PostgreSQL URL or key=value string.
//
// An SQLite database gets a pool of one connection: SQLite takes one writer
// at a time, and queuing in the pool (rather than in SQLite's lock) keeps
// concurrent activities from failing with "database is locked". Code
// holding a transaction must therefore use that transaction, not the
// returned *gorm.DB, or it waits forever for the connection.
func Open(dsn string) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		TranslateError: true,
	}
	path, isSQLite := sqlitePath(dsn)
	if !isSQLite {
		gdb, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		sqlDB, err := gdb.DB()
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		// Keep the connections: database/sql keeps two idle ones by
		// default, so a burst of steps opens (and PostgreSQL forks) a
		// connection per statement.
		sqlDB.SetMaxOpenConns(PoolSize)
		sqlDB.SetMaxIdleConns(PoolSize)
		sqlDB.SetConnMaxIdleTime(IdleTimeout)
		return gdb, nil
	}
	if path == "" {
		return nil, fmt.Errorf("open database: %q names no SQLite file", dsn)
	}
	file, _, _ := strings.Cut(path, "?")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	gdb, err := gorm.Open(sqlite.Open(path+sep+sqliteParams), cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}
	sqlDB.SetMaxOpenConns(1)
	return gdb, nil
}

// PoolSize is how many PostgreSQL connections one process keeps at most;
// a request or step beyond it waits for one. It is enough for a worker's
// concurrent steps, while the production shape (three workers, two API
// servers and Temporal's own 30, in faults.TestProductionShapeUnderFaults)
// stays under PostgreSQL's default of 100 connections. At 20, that shape
// reached the limit, and a request that needed a new connection then was
// answered 503.
const PoolSize = 10

// IdleTimeout is how long a pooled PostgreSQL connection may stay unused
// before it is closed. With a minute, the pool was nearly empty after a
// lull of one, and the first second of the next burst of decisions
// reopened it: on a loaded machine each new connection (a PostgreSQL
// fork) took long enough that those decisions waited up to 0.4 s for
// their reads (BENCHMARKS.md, 2026-12-07 15:24-15:35). Half an hour
// covers the pauses of a working day; a process keeps PoolSize
// connections at most.
const IdleTimeout = 30 * time.Minute

// IsSQLite reports whether gdb is an SQLite database (as opposed to
// PostgreSQL).
func IsSQLite(gdb *gorm.DB) bool {
	return gdb.Dialector.Name() == "sqlite"
}

// auditContent are the audit_entries columns that never change. The one
// UPDATE the trail allows is the seal (package auditchain): a line
// without a seq gets its seq, prev_hash and hash, its content unchanged.
var auditContent = []string{"id", "key", "round_id", "transfer_id", "actor_id", "role", "action", "detail", "at", "recorded_at"}

// auditSeal is the condition under which an UPDATE of an audit line is
// the seal.
func auditSeal() string {
	cond := []string{"OLD.seq IS NULL", "NEW.seq IS NOT NULL"}
	for _, c := range auditContent {
		cond = append(cond, fmt.Sprintf("NEW.%[1]s IS NOT DISTINCT FROM OLD.%[1]s", c))
	}
	return strings.Join(cond, " AND ")
}

// appendOnlyAudit is the SQL that makes the audit trail append-only in
// the database itself: any DELETE on audit_entries, and any UPDATE but
// the seal, fails. It replaces the triggers it finds.
func appendOnlyAudit(sqlite bool) string {
	if sqlite {
		// SQLite spells IS NOT DISTINCT FROM as IS.
		seal := strings.ReplaceAll(auditSeal(), "IS NOT DISTINCT FROM", "IS")
		return `
DROP TRIGGER IF EXISTS audit_entries_no_update;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
WHEN NOT (` + seal + `)
BEGIN
  SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
DROP TRIGGER IF EXISTS audit_entries_no_delete;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
  SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
`
	}
	return `
CREATE OR REPLACE FUNCTION mutasi_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND ` + auditSeal() + ` THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_entries is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION mutasi_audit_append_only();
`
}

// numberAuditChain gives the lines chained before the sealer existed,
// which are linked in ID order, their place in the chain. Lines without a
// hash are left to the sealer. Once any line has a number it does nothing.
func numberAuditChain(tx *gorm.DB) error {
	var numbered int64
	if err := tx.Model(&models.AuditEntry{}).Where("seq IS NOT NULL").Limit(1).Count(&numbered).Error; err != nil || numbered > 0 {
		return err
	}
	return tx.Exec(`UPDATE audit_entries SET seq = n.seq FROM
		(SELECT id, row_number() OVER (ORDER BY id) AS seq FROM audit_entries WHERE hash <> '') AS n
		WHERE audit_entries.id = n.id`).Error
}

// migrateSanctionFlag moves the old employees.under_sanction flag, which
// meant "a disciplinary sanction or a legal process" with no type and no
// end, to legal_process, which keeps the employee out of transfers until
// HR clears it, as the old flag did; then it drops the old column. HR
// replaces it with sanction records (type, start, end) by importing them.
// With no old column left it does nothing, so it runs any number of times.
func migrateSanctionFlag(conn *gorm.DB) error {
	if !conn.Migrator().HasColumn(&models.Employee{}, "under_sanction") {
		return nil
	}
	return conn.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE employees SET legal_process = ? WHERE under_sanction", true).Error; err != nil {
			return err
		}
		return tx.Exec("ALTER TABLE employees DROP COLUMN under_sanction").Error
	})
}

// keyAccountEmails fills in models.Account.EmailKey of the accounts
// stored with an e-mail address before it existed. Once all have one it
// does nothing, so it runs any number of times.
func keyAccountEmails(conn *gorm.DB) error {
	// A query of its own each, so that no condition stays on conn.
	q := func() *gorm.DB { return conn.Session(&gorm.Session{NewDB: true}) }
	var accs []models.Account
	if err := q().Select("username", "email").Where("email <> '' AND email_key = ''").Find(&accs).Error; err != nil {
		return err
	}
	for _, acc := range accs {
		if err := q().Model(&models.Account{}).Where("username = ?", acc.Username).
			Update("email_key", models.EmailKey(acc.Email)).Error; err != nil {
			return err
		}
	}
	return nil
}

// dropUniqueDecreeNumbers drops the unique indexes that gave every
// transfer's decree a number of its own: the transfers of a collective
// decree share its number. AutoMigrate then makes the plain indexes.
func dropUniqueDecreeNumbers(conn *gorm.DB) error {
	m := conn.Migrator()
	for _, idx := range []string{"idx_decrees_number", "idx_decree_seq"} {
		if m.HasIndex(&models.Decree{}, idx) {
			if err := m.DropIndex(&models.Decree{}, idx); err != nil {
				return err
			}
		}
	}
	return nil
}

// Migrate brings the schema up to date. It is safe to run any number of
// times. On PostgreSQL it is also safe from several processes at once: an
// advisory lock serialises the runs. On SQLite the pool's one connection
// serialises the runs of one process; runs from several processes at once
// on the same file are not serialised.
func Migrate(gdb *gorm.DB) error {
	return gdb.Connection(func(conn *gorm.DB) error {
		if !IsSQLite(conn) {
			const lockKey = 0x6d757461 // "muta"
			if err := conn.Exec("SELECT pg_advisory_lock(?)", lockKey).Error; err != nil {
				return fmt.Errorf("migrate: lock: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(?)", lockKey)
		}
		if err := dropUniqueDecreeNumbers(conn); err != nil {
			return fmt.Errorf("migrate: decree numbers: %w", err)
		}
		if err := conn.AutoMigrate(models.All()...); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if err := migrateSanctionFlag(conn); err != nil {
			return fmt.Errorf("migrate: under_sanction: %w", err)
		}
		if err := keyAccountEmails(conn); err != nil {
			return fmt.Errorf("migrate: accounts' email_key: %w", err)
		}
		if err := moveSurveyResponses(conn); err != nil {
			return fmt.Errorf("migrate: survey answers: %w", err)
		}
		if err := moveListsIntoRows(conn); err != nil {
			return fmt.Errorf("migrate: employees' lists: %w", err)
		}
		err := conn.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(appendOnlyAudit(IsSQLite(tx))).Error; err != nil {
				return err
			}
			return numberAuditChain(tx)
		})
		if err != nil {
			return fmt.Errorf("migrate: audit trigger: %w", err)
		}
		return nil
	})
}
