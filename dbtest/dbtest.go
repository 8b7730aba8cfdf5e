// Package dbtest gives tests a fresh, migrated PostgreSQL database of their
// own on the server named by MUTASI_TEST_DATABASE_URL (default: the local
// server with trust auth).
package dbtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
)

// AdminDSN is the database that fresh test databases are created from.
func AdminDSN() string {
	if dsn := os.Getenv("MUTASI_TEST_DATABASE_URL"); dsn != "" {
		return dsn
	}
	return "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"
}

// New creates a fresh database, migrates it and drops it when the test
// ends. It returns the connection and the database's DSN, for processes
// that the test starts.
func New(tb testing.TB) (*gorm.DB, string) {
	tb.Helper()
	admin, err := db.Open(AdminDSN())
	if err != nil {
		tb.Fatalf("dbtest: %v (is PostgreSQL running? see README)", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	name := "mutasi_test_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		tb.Fatalf("dbtest: create database: %v", err)
	}
	dsn := AdminDSN() + " dbname=" + name
	gdb, err := db.Open(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if sqlDB, err := gdb.DB(); err == nil {
			sqlDB.Close()
		}
		admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})
	if err := db.Migrate(gdb); err != nil {
		tb.Fatal(err)
	}
	return gdb, dsn
}
