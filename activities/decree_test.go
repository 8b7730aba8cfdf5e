package activities_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

func TestCollectiveDecree(t *testing.T) { eachBackend(t, testCollectiveDecree) }

// testCollectiveDecree makes the confirmed proposals effective together,
// twice: they share one decree number, one document holds them all (its
// lampiran names every mover, its hash is its PDF's, its QR points to its
// verification page), the audit trail records it once, and the retry
// changes nothing. The next TMT's decree takes the next number.
func testCollectiveDecree(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	twice(t, "ConfirmProposals", func() error {
		return a.ConfirmProposals(ctx, contract.Confirmation{RoundID: round, By: hr, At: asOf})
	})
	ids := make([]string, len(proposals))
	for i, p := range proposals {
		ids[i] = p.TransferID
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	a.DecreeLogo = logo.Bytes()
	first, last := ids[:len(ids)-1], ids[len(ids)-1:]
	tmt := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	var numbers map[string]string
	twice(t, "MakeEffectiveTogether", func() error {
		var err error
		numbers, err = a.MakeEffectiveTogether(ctx, contract.CollectiveEffect{RoundID: round, TransferIDs: first,
			EffectiveDate: tmt, At: tmt.Add(time.Hour)})
		return err
	})
	want := models.DefaultSettings().DecreeNumber(2027, 1)
	if len(numbers) != len(first) {
		t.Fatalf("%d numbers for %d transfers", len(numbers), len(first))
	}
	for id, n := range numbers {
		if n != want {
			t.Errorf("%s: decree %q, want the collective %q", id, n, want)
		}
	}
	var docs []models.DecreeDocument
	if err := gdb.Find(&docs).Error; err != nil || len(docs) != 1 {
		t.Fatalf("%d decree documents (%v), want 1", len(docs), err)
	}
	doc := docs[0]
	sum := sha256.Sum256(doc.PDF)
	if doc.Number != want || doc.Movers != len(first) || doc.SHA256 != hex.EncodeToString(sum[:]) ||
		doc.ID != activities.DecreeToken([]byte("k"), want) || doc.RoundID != round {
		t.Errorf("document %+v", doc)
	}
	if !bytes.Contains(doc.PDF, []byte("/Subtype /Image")) {
		t.Error("the decree has no logo")
	}
	text := strings.Join(testkit.PDFPages(t, doc.PDF), "\n")
	for _, s := range []string{"KEPUTUSAN WALI KOTA BANJARBARU", "NOMOR " + want, "LAMPIRAN"} {
		if !strings.Contains(text, s) {
			t.Errorf("the decree does not say %q", s)
		}
	}
	var ts []models.Transfer
	gdb.Where("id IN ?", ids).Find(&ts)
	for _, tr := range ts {
		if in := strings.Contains(text, tr.NIP); in != (tr.ID != last[0]) {
			t.Errorf("transfer %s (NIP %s): in the lampiran %v", tr.ID, tr.NIP, in)
		}
	}
	if n := rows(t, gdb, &models.AuditEntry{}, "action = ?", models.ActionDecreeIssued); n != 1 {
		t.Errorf("%d audit entries of an issued decree, want 1", n)
	}

	next, err := a.MakeEffectiveTogether(ctx, contract.CollectiveEffect{RoundID: round, TransferIDs: last,
		EffectiveDate: tmt.AddDate(0, 1, 0), At: tmt.AddDate(0, 1, 0)})
	if err != nil || next[last[0]] != models.DefaultSettings().DecreeNumber(2027, 2) {
		t.Errorf("the next TMT's decree: %v, %v", next, err)
	}
	if n := rows(t, gdb, &models.DecreeDocument{}, "true"); n != 2 {
		t.Errorf("%d documents after two TMTs", n)
	}
}
