// Package db opens Mutasi's PostgreSQL database through GORM and migrates
// its schema.
package db

import (
	"fmt"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/bkpsdm/mutasi/models"
)

// Open connects to the PostgreSQL database at dsn (a URL or a key=value
// string).
func Open(dsn string) (*gorm.DB, error) {
	gdb, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		TranslateError: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return gdb, nil
}

// appendOnlyAudit makes the audit trail append-only in the database
// itself: any UPDATE or DELETE on audit_entries fails.
const appendOnlyAudit = `
CREATE OR REPLACE FUNCTION mutasi_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION mutasi_audit_append_only();
`

// Migrate brings the schema up to date. It is safe to run any number of
// times, and from several processes at once: an advisory lock serialises
// the runs.
func Migrate(gdb *gorm.DB) error {
	return gdb.Connection(func(conn *gorm.DB) error {
		const lockKey = 0x6d757461 // "muta"
		if err := conn.Exec("SELECT pg_advisory_lock(?)", lockKey).Error; err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?)", lockKey)
		if err := conn.AutoMigrate(models.All()...); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if err := conn.Exec(appendOnlyAudit).Error; err != nil {
			return fmt.Errorf("migrate: audit trigger: %w", err)
		}
		return nil
	})
}
