package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Writes are statements GORM has built but not run, to be run later
// together, in order, in one transaction (Run). On PostgreSQL they go to
// the server in one round trip, and the commit in one more, where running
// them one by one takes a round trip each: on a busy machine each round
// trip waits for the scheduler twice, once for the server's process and
// once for ours.
//
// Build each statement on Build's session as if to run it, and Add what
// GORM returns:
//
//	w := db.NewWrites(gdb)
//	err := w.Add(w.Build().Create(&row), "")
type Writes struct {
	build *gorm.DB
	list  []write
}

// write is one statement of Writes.
type write struct {
	sql   string
	args  []any
	needs string // what must exist: the statement must change a row
}

// NewWrites starts an empty list of writes for gdb's database.
func NewWrites(gdb *gorm.DB) *Writes {
	// GORM would otherwise begin (and commit) a transaction of its own
	// around each statement it builds, dry run or not.
	return &Writes{build: gdb.Session(&gorm.Session{DryRun: true, NewDB: true, SkipDefaultTransaction: true})}
}

// Build is the session to build statements on: a dry run, in which GORM
// builds each statement in the database's dialect and runs none.
func (w *Writes) Build() *gorm.DB {
	return w.build
}

// Add adds the statement GORM built (res, from a chain on Build). When
// needs is not empty the statement must change at least one row, or Run
// fails with an error that wraps gorm.ErrRecordNotFound and names needs.
func (w *Writes) Add(res *gorm.DB, needs string) error {
	if res.Error != nil {
		return res.Error
	}
	if !res.DryRun {
		return errors.New("db: a write was not built on Writes.Build")
	}
	w.list = append(w.list, write{sql: res.Statement.SQL.String(), args: res.Statement.Vars, needs: needs})
	return nil
}

// Run runs the writes in order in one transaction on gdb, which must be
// the database, not a transaction. It commits only when every statement
// succeeded and each that needs a row changed one; otherwise nothing is
// written.
func (w *Writes) Run(ctx context.Context, gdb *gorm.DB) error {
	if len(w.list) == 0 {
		return nil
	}
	if IsSQLite(gdb) {
		return gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for _, s := range w.list {
				res, err := tx.Statement.ConnPool.ExecContext(ctx, s.sql, s.args...)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				if n == 0 && s.needs != "" {
					return s.missing()
				}
			}
			return nil
		})
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: PostgreSQL through %T, not pgx", driverConn)
		}
		return w.pipeline(ctx, c.Conn())
	})
}

// missing is the error of a statement that changed no row it needed.
func (s write) missing() error {
	return fmt.Errorf("%s: %w", s.needs, gorm.ErrRecordNotFound)
}

// pipeline sends BEGIN and the writes in one batch, reads each result,
// and then commits; on any failure it rolls back. A connection left in
// doubt is closed, so that the pool drops it.
func (w *Writes) pipeline(ctx context.Context, c *pgx.Conn) (err error) {
	committed := false
	defer func() {
		if committed || c.IsClosed() {
			return
		}
		if _, rerr := c.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			err = errors.Join(err, rerr, c.Close(context.WithoutCancel(ctx)))
		}
	}()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	for _, s := range w.list {
		b.Queue(s.sql, s.args...)
	}
	res := c.SendBatch(ctx, b)
	if err := w.results(res); err != nil {
		return errors.Join(err, res.Close())
	}
	if err := res.Close(); err != nil {
		return err
	}
	if _, err := c.Exec(ctx, "COMMIT"); err != nil {
		return err
	}
	committed = true
	return nil
}

// results reads the batch's results: BEGIN's, then each write's.
func (w *Writes) results(res pgx.BatchResults) error {
	if _, err := res.Exec(); err != nil {
		return err
	}
	for _, s := range w.list {
		tag, err := res.Exec()
		if err != nil {
			return err
		}
		if s.needs != "" && tag.RowsAffected() == 0 {
			return s.missing()
		}
	}
	return nil
}
