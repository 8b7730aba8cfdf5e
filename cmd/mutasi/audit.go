package main

import (
	"context"
	"fmt"
	"io"

	"github.com/bkpsdm/mutasi/auditchain"
)

func init() {
	commands["audit-verify"] = command{"check that the audit trail's hash chain is unbroken", runAuditVerify}
}

// runAuditVerify walks the audit trail's hash chain and prints the number
// of lines and the head hash, to be kept elsewhere and compared next time.
func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("audit-verify", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	n, unchained, head, err := auditchain.Verify(gdb.WithContext(ctx))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit trail intact: %d lines chained", n)
	if unchained > 0 {
		fmt.Fprintf(stdout, " (%d older lines before the chain)", unchained)
	}
	fmt.Fprintf(stdout, "\nhead %s\n", head)
	return nil
}
