package benchmark

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// memory runs the worker as its own process, opens n transfers that wait
// on their timers, and reports the worker's resident memory.
//
// The transfers are recorded and started directly, as a round's
// confirmation would start them, over the seeded employees (one transfer
// per employee per round, so as many rounds as needed), which spares a
// selection over a province. They wait at the TPK's decision, on its
// reminder timer: the workflow state a worker caches is the same size at
// every waiting stage, the survey's included.
func (b *bench) memory(n int) error {
	cmd, out, stop, err := b.workerProcess()
	if err != nil {
		return err
	}
	defer stop()
	time.Sleep(3 * time.Second)
	idle, _ := rss(cmd.Process.Pid)

	var staff []models.Employee
	if err := b.gdb.Select("nip", "position_id").Order("nip").Find(&staff).Error; err != nil {
		return err
	}
	var positions []models.Position
	if err := b.gdb.Select("id", "unit_id").Order("id").Find(&positions).Error; err != nil {
		return err
	}
	s := settings()
	var ins []workflows.TransferInput
	now := time.Now()
	for r := 0; len(ins) < n; r++ {
		roundID := fmt.Sprintf("MEM%d_%d", r+1, b.report.Started.Unix())
		round := models.Round{ID: roundID, Name: "Benchmark memory", Status: models.RoundInProgress, Settings: s,
			WorkflowID: contract.RoundWorkflowID(roundID), CreatedBy: "bench", CreatedAt: now, UpdatedAt: now}
		var rows []models.Transfer
		for i, e := range staff {
			if len(ins) == n {
				break
			}
			p := positions[(i*7+r+1)%len(positions)]
			id := contract.TransferID(roundID, e.NIP, p.ID)
			rows = append(rows, models.Transfer{ID: id, RoundID: roundID, NIP: e.NIP, FromPositionID: e.PositionID,
				ToPositionID: p.ID, ToUnitID: p.UnitID, Stage: models.StageAwaitingTPK, WorkflowID: contract.TransferWorkflowID(id),
				CreatedAt: now, UpdatedAt: now})
			ins = append(ins, workflows.TransferInput{RoundID: roundID, Settings: s,
				Proposal: contract.Proposal{TransferID: id, NIP: e.NIP, ToPositionID: p.ID, ToUnitID: p.UnitID}})
		}
		err := b.gdb.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&round).Error; err != nil {
				return err
			}
			return tx.Session(&gorm.Session{CreateBatchSize: 500}).Create(&rows).Error
		})
		if err != nil {
			return err
		}
	}
	b.logf("starting %d transfers on the worker process (pid %d)", n, cmd.Process.Pid)
	t0 := time.Now()
	var wg sync.WaitGroup
	work := make(chan workflows.TransferInput)
	var startErr error
	var mu sync.Mutex
	for range 32 {
		wg.Go(func() {
			for in := range work {
				_, err := b.c.ExecuteWorkflow(b.ctx, client.StartWorkflowOptions{
					ID: contract.TransferWorkflowID(in.Proposal.TransferID), TaskQueue: workflows.TaskQueue,
					WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
					TypedSearchAttributes: workflows.TransferOptions(in).TypedSearchAttributes,
				}, workflows.TransferWorkflow, in)
				if err != nil {
					mu.Lock()
					startErr = err
					mu.Unlock()
				}
			}
		})
	}
	for _, in := range ins {
		work <- in
	}
	close(work)
	wg.Wait()
	if startErr != nil {
		return startErr
	}
	var peak int
	if err := poll(b.ctx, time.Second, 60*time.Minute, func() (bool, error) {
		var count int64
		err := b.gdb.Table("outbox_messages").Where("key LIKE ?", "transfer-MEM%:tpk:request").Count(&count).Error
		if r, err := rss(cmd.Process.Pid); err == nil {
			peak = max(peak, r)
		}
		return count >= int64(n), err
	}); err != nil {
		return fmt.Errorf("%w\nworker output:\n%s", err, tail(out.String(), 2000))
	}
	took := time.Since(t0)
	time.Sleep(5 * time.Second)
	held, err := rss(cmd.Process.Pid)
	if err != nil {
		return err
	}
	met := held < 300<<10 && peak < 300<<10
	b.add("worker RSS, idle", fmt.Sprintf("%d MB", idle>>10), "", nil)
	b.add(fmt.Sprintf("worker RSS, %d transfers open and waiting", n),
		fmt.Sprintf("%d MB (peak %d MB while starting them in %v)", held>>10, peak>>10, took.Round(time.Second)), "< 300 MB", &met)
	return nil
}

// workerProcess starts the worker as its own process (WorkerCommand) on
// the run's Temporal server and database. It returns the process, its
// output so far, and what stops it.
func (b *bench) workerProcess() (*exec.Cmd, *bytes.Buffer, func(), error) {
	if len(b.cfg.WorkerCommand) == 0 {
		return nil, nil, nil, fmt.Errorf("no worker command")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	metricsAddr := l.Addr().String()
	l.Close()
	args := append(append([]string{}, b.cfg.WorkerCommand[1:]...), "--temporal", b.hostPort, "--database-url", b.dsn,
		"--metrics-addr", metricsAddr)
	cmd := exec.Command(b.cfg.WorkerCommand[0], args...)
	cmd.Env = append(os.Environ(), "MUTASI_LINK_SECRET="+linkSecret, "MUTASI_SMTP_ADDR=", "MUTASI_LOG_FORMAT=text",
		"MUTASI_PAYLOAD_KEYS="+b.payloadKeys)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, err
	}
	return cmd, out, func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(45 * time.Second):
			cmd.Process.Kill()
		}
	}, nil
}

// rss reads a process's resident set size, in kB, from /proc.
func rss(pid int) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
