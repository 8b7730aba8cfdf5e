package main

import (
	"context"
	"fmt"
	"io"

	"github.com/bkpsdm/mutasi/models"
)

func init() {
	commands["outbox"] = command{"print the notifications recorded in the outbox (the dev stack's mail)", runOutbox}
}

func runOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("outbox", stderr)
	transfer := fs.String("transfer", "", "only messages about this transfer")
	to := fs.String("to", "", "only messages to this address")
	limit := fs.Int("limit", 20, "the newest this many messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	q := gdb.WithContext(ctx).Order("id DESC").Limit(*limit)
	if *transfer != "" {
		q = q.Where("transfer_id = ?", *transfer)
	}
	if *to != "" {
		q = q.Where(`"to" = ?`, *to)
	}
	var msgs []models.OutboxMessage
	if err := q.Find(&msgs).Error; err != nil {
		return err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		fmt.Fprintf(stdout, "--- %s  %s  [%s]\nTo: %s\nSubject: %s\n\n%s\n\n", m.CreatedAt.Format("2006-01-02 15:04:05"),
			m.Key, m.Status, m.To, m.Subject, m.Body)
	}
	return nil
}
