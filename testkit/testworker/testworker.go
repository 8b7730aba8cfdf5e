// Package testworker holds what the tests that run Mutasi's workflows
// with its activities share: a worker, and the proposals a round's
// workflow starts from. It is apart from testkit so that the packages
// the activities use (evaluation among them) can use testkit in their
// own tests.
package testworker

import (
	"testing"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/worker"
)

// Start starts a worker with every workflow and activity, the
// activities on gdb signing survey links with secret, and stops it when
// the test ends.
func Start(tb testing.TB, c client.Client, gdb *gorm.DB, secret string) {
	tb.Helper()
	w := worker.New(c, &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test", LinkSecret: []byte(secret)})
	if err := w.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(w.Stop)
}

// Proposals reads the proposals of a round's first plan, as the round
// workflow has them.
func Proposals(tb testing.TB, gdb *gorm.DB, roundID string) []contract.Proposal {
	tb.Helper()
	ps, err := activities.ProposalsOf(gdb, roundID, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}
