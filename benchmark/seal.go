package benchmark

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bkpsdm/mutasi/auditchain"
)

// sealAudit runs the audit trail's sealer beside everything the run
// measures, as a production worker does (mutasi worker): every second it
// chains the lines the run appended, and it signs a checkpoint of the
// head every minute, with a key of the run's own. The function it returns
// stops the sealer, which seals and signs once more, and checks the whole
// trail against that last checkpoint: the report says whether the run
// left it intact and sealed to its end. stop only stops the sealer; both
// may be called more than once.
func (b *bench) sealAudit() (check, stop func(), err error) {
	secret, public, err := auditchain.NewKey()
	if err != nil {
		return nil, nil, err
	}
	key, err := auditchain.ParseKey(secret)
	if err != nil {
		return nil, nil, err
	}
	pub, err := auditchain.ParsePublicKey(public)
	if err != nil {
		return nil, nil, err
	}
	file := filepath.Join(b.dir, "audit-checkpoints")
	ctx, cancel := context.WithCancel(context.WithoutCancel(b.ctx))
	stopped := make(chan struct{})
	s := &auditchain.Sealer{DB: b.gdb, Key: key, Checkpoints: file, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go func() {
		defer close(stopped)
		s.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-stopped
	}
	return sync1(func() {
		stop()
		value, intact := b.checkAudit(file, pub)
		b.add("audit trail after the run, sealed beside it every second (as mutasi worker does)", value,
			"intact, every line sealed and under the last signed checkpoint", &intact)
	}), stop, nil
}

// checkAudit checks the run's audit trail against the last checkpoint of
// the file that pub's key signed.
func (b *bench) checkAudit(file string, pub ed25519.PublicKey) (string, bool) {
	f, err := os.Open(file)
	if err != nil {
		return err.Error(), false
	}
	defer f.Close()
	cp, err := auditchain.LatestCheckpoint(f, pub)
	if err != nil || cp == nil {
		return fmt.Sprintf("no signed checkpoint (%v)", err), false
	}
	rep, err := auditchain.Verify(b.gdb, time.Now(), cp)
	if err != nil {
		return err.Error(), false
	}
	value := fmt.Sprintf("%d lines sealed, checkpoint at line %d", rep.Head.Seq, cp.Seq)
	return value, rep.Waiting == 0 && cp.Seq == rep.Head.Seq && rep.Head.Seq > 0
}
