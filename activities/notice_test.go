package activities_test

import (
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestNotifyRecordsInAppNotice: every notification recorded in the outbox
// is also recorded once as a notice for the bell, under the same key and
// in the same transaction: to the employee's NIP, or to the approver's
// role and the transfer's unit, or to HR, with the page to go to. A
// survey's one-time link stays in the mail only.
func TestNotifyRecordsInAppNotice(t *testing.T) { eachBackend(t, testNotifyRecordsInAppNotice) }

func testNotifyRecordsInAppNotice(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	p := proposals[0]
	secret := "http://mutasi.test/survey/SECRET-TOKEN"
	cases := []struct {
		in                   contract.NotifyInput
		role                 models.Role
		nip, unit, link, has string
	}{
		{contract.NotifyInput{Key: "tpk1", Kind: contract.NoticeDecisionRequested, TransferID: p.TransferID, To: models.RoleTPK,
			Step: "TPK", Deadline: asOf.AddDate(0, 0, 7)}, models.RoleTPK, "", p.ToUnitID, "/inbox", "Mohon keputusan TPK"},
		{contract.NotifyInput{Key: "hr1", Kind: contract.NoticeObjectionReceived, TransferID: p.TransferID, To: models.RoleHR,
			Deadline: asOf.AddDate(0, 0, 7)}, models.RoleHR, "", "", "/transfers/" + p.TransferID, p.NIP},
		{contract.NotifyInput{Key: "srv1", Kind: contract.NoticeSurveyInvitation, TransferID: p.TransferID, To: models.RoleEmployee,
			Link: secret, Deadline: asOf.AddDate(0, 0, 14)}, models.RoleEmployee, p.NIP, "", "/me", "http://mutasi.test/me"},
		{contract.NotifyInput{Key: "soc1", Kind: contract.NoticeSocialization, TransferID: p.TransferID, To: models.RoleEmployee,
			Deadline: asOf.AddDate(0, 0, 14)}, models.RoleEmployee, p.NIP, "", "/me", "Tanggapi setelah masuk di http://mutasi.test/me\n"},
	}
	for _, c := range cases {
		twice(t, "Notify "+c.in.Key, func() error { return a.Notify(ctx, c.in) })
		var ns []models.Notice
		if err := gdb.Where("key = ?", c.in.Key).Find(&ns).Error; err != nil {
			t.Fatal(err)
		}
		var mail models.OutboxMessage
		if err := gdb.First(&mail, "key = ?", c.in.Key).Error; err != nil {
			t.Fatalf("%s: no outbox message: %v", c.in.Key, err)
		}
		if len(ns) != 1 {
			t.Fatalf("%s: %d notices, want 1", c.in.Key, len(ns))
		}
		n := ns[0]
		if n.Role != c.role || n.NIP != c.nip || n.UnitID != c.unit || n.Link != c.link || n.TransferID != p.TransferID ||
			n.Kind != string(c.in.Kind) || n.Subject != mail.Subject || !strings.Contains(n.Body, c.has) {
			t.Errorf("%s: notice %+v", c.in.Key, n)
		}
		if strings.Contains(n.Body, "SECRET") || strings.Contains(n.Subject, "SECRET") {
			t.Errorf("%s: the notice holds the survey's secret link:\n%s", c.in.Key, n.Body)
		}
	}
	var mail models.OutboxMessage
	if gdb.First(&mail, "key = ?", "srv1"); !strings.Contains(mail.Body, secret) {
		t.Errorf("the survey mail lost its link:\n%s", mail.Body)
	}
	// The transfer's notice links the employee's page, reached through
	// sign-in; the link names nothing of the transfer.
	var notice models.OutboxMessage
	if gdb.First(&notice, "key = ?", "soc1"); !strings.Contains(notice.Body, "Tanggapi setelah masuk di http://mutasi.test/me\n") {
		t.Errorf("the notice of transfer lacks the link to the employee's page:\n%s", notice.Body)
	}
	// A batch that fails records neither the mail nor the notice.
	failing := []contract.Step{
		{Notice: &contract.NotifyInput{Key: "k9", Kind: contract.NoticeSocialization, TransferID: proposals[1].TransferID,
			To: models.RoleEmployee, Deadline: asOf.AddDate(0, 0, 7)}},
		{Notice: &contract.NotifyInput{Key: "k10", Kind: contract.NoticeSocialization, TransferID: "nope", To: models.RoleEmployee}},
	}
	if err := a.Apply(ctx, failing); err == nil {
		t.Fatal("a batch with a notice about an unknown transfer succeeded")
	}
	if n, m := rows(t, gdb, &models.Notice{}, "key = ?", "k9"), rows(t, gdb, &models.OutboxMessage{}, "key = ?", "k9"); n != 0 || m != 0 {
		t.Errorf("a failed batch left %d notices and %d mails, want none", n, m)
	}
}
