package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/cputime"
)

// BenchmarkListTransfers reads the first page of 50 transfers awaiting
// the TPK in a round of the demo city (2,000 employees), on PostgreSQL,
// as `mutasi bench` does: through the handler, with its bearer token. It
// reports how many transfers the round has, the statements a request
// sends to the database (each a round trip, which a busy machine makes
// slow) and the CPU a request takes in the test's process (cpu-ms: the
// handler's, and the check of the answer's JSON) and in PostgreSQL's
// (pg-cpu-ms).
func BenchmarkListTransfers(b *testing.B) {
	gdb, _ := testkit.New(b)
	asOf := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	if err := seed.Load(gdb, seed.Generate(2000, asOf, 1)); err != nil {
		b.Fatal(err)
	}
	a := &activities.Activities{DB: gdb}
	const round = "list"
	if err := a.StartRound(b.Context(), contract.RoundStart{RoundID: round, Name: "bench", Settings: models.DefaultSettings(),
		WorkflowID: contract.RoundWorkflowID(round), By: contract.System, At: asOf}); err != nil {
		b.Fatal(err)
	}
	in := contract.RoundAsOf{RoundID: round, AsOf: asOf}
	if _, err := a.AnalyzeNeeds(b.Context(), in); err != nil {
		b.Fatal(err)
	}
	proposals, err := a.SelectCandidates(b.Context(), in)
	if err != nil || len(proposals) < 100 {
		b.Fatalf("%d proposals, %v", len(proposals), err)
	}
	// The state a transfer awaiting the TPK records (workflows.LiveInDB).
	live := `{"stage":"awaiting_tpk","awaiting":"tpk","since":"2027-01-04T08:00:00Z",` +
		`"reminder_at":"2027-01-07T08:00:00Z","deadline":"2027-01-11T08:00:00Z","training":false}`
	if err := gdb.Model(&models.Transfer{}).Where("round_id = ?", round).
		Updates(map[string]any{"stage": models.StageAwaitingTPK, "live": live}).Error; err != nil {
		b.Fatal(err)
	}
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		b.Fatal(err)
	}
	h := (&Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	var statements int64
	count := func(*gorm.DB) { statements++ }
	if err := gdb.Callback().Query().After("gorm:query").Register("bench:count", count); err != nil {
		b.Fatal(err)
	}
	statements = 0
	cpu := cputime.Since()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/transfers?round="+round+"&stage=awaiting_tpk&limit=50", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var page struct {
			Items []models.Transfer `json:"items"`
			Total int               `json:"total"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &page) != nil || len(page.Items) != 50 || page.Total != len(proposals) {
			b.Fatalf("list: %d, %d items of %d, want 50 of %d: %.300s", rec.Code, len(page.Items), page.Total, len(proposals), rec.Body)
		}
	}
	self, pg := cpu()
	b.ReportMetric(float64(len(proposals)), "transfers")
	b.ReportMetric(float64(statements)/float64(b.N), "statements/op")
	b.ReportMetric(float64(self.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(pg.Microseconds())/1e3/float64(b.N), "pg-cpu-ms/op")
}
