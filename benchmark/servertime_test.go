package benchmark

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/testkit"
)

// The server's time is read from a dev server's own metrics: one bare
// decision between two readings adds to every operation a decision
// passes through, and a reading that fails loses the sum rather than
// understating it.
func TestServerTimeOfADecision(t *testing.T) {
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	srv := testkit.Temporal(t, devtemporal.Options{MetricsPort: strconv.Itoa(port)})
	b := &bench{ctx: t.Context(), c: srv.Client(), cfg: Config{ServerMetrics: "127.0.0.1:" + strconv.Itoa(port)}}
	target, stop, err := b.bareDecisions(1)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	before := b.serverTime()
	var decision vegeta.Target
	if err := target(&decision); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(decision.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the bare decision answered %s", resp.Status)
	}
	spent := serverSpent{time: serverTime{}}
	spent.add(before, b.serverTime())
	if spent.lost {
		t.Fatal("a reading of the server's metrics failed")
	}
	for _, op := range serverOps {
		if spent.time[op] <= 0 {
			t.Errorf("%s: %v spent during the decision", op, spent.time[op])
		}
	}
	rows := serverTimeRows(spent.time, serverTime{}, 1, 1)
	if len(rows) != len(serverOps) || !strings.HasSuffix(rows[0].Measure, "history UpdateWorkflowExecution") ||
		!strings.HasSuffix(rows[0].Value, "; bare 0.0 ms") {
		t.Errorf("rows %+v", rows)
	}
	spent.add(nil, b.serverTime())
	if !spent.lost {
		t.Error("a missing reading did not lose the sum")
	}
}
