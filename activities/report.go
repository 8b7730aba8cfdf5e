package activities

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/evaluation"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
)

// reportLang is the language of the period report: its recipients are
// the government's offices.
const reportLang = "id"

// SendPeriodReport builds the evaluation of the rounds created in the
// period and records it in the outbox, with its workbook attached, for
// each recipient: once per recipient and period, so a retry or a second
// run of the schedule sends nothing twice. It returns how many messages
// the period has. A period without rounds is reported as such, without a
// workbook, to the recipients given or the default settings' contacts.
func (a *Activities) SendPeriodReport(ctx context.Context, in contract.PeriodReport) (int, error) {
	gdb := a.DB.WithContext(ctx)
	var rounds []models.Round
	if err := gdb.Select("id", "settings").Where("created_at >= ? AND created_at < ?", in.From.UTC(), in.To.UTC()).
		Order("id").Find(&rounds).Error; err != nil {
		return 0, err
	}
	to := reportRecipients(in.Recipients, rounds)
	if len(to) == 0 {
		return 0, nil
	}
	d := notify.Data{Period: periodName(in, reportLang)}
	var file []byte
	if len(rounds) == 0 {
		d.Summary = i18n.Pick(reportLang, "Tidak ada putaran mutasi yang dimulai pada periode ini.\n",
			"No transfer round started in this period.\n")
	} else {
		data, err := evaluation.ForPeriod(ctx, a.DB, in.From, in.To)
		if err != nil {
			return 0, err
		}
		r := evaluation.Compute(data)
		var buf bytes.Buffer
		if err := r.Excel(&buf, reportLang); err != nil {
			return 0, err
		}
		file, d.Summary = buf.Bytes(), reportSummary(r, reportLang)
	}
	m, err := notify.Render(contract.NoticeEvaluationReport, reportLang, "", d)
	if err != nil {
		return 0, err
	}
	rows := make([]models.OutboxMessage, len(to))
	for i, addr := range to {
		sum := sha256.Sum256([]byte(addr))
		rows[i] = models.OutboxMessage{Key: "evaluation:" + in.Label + ":" + hex.EncodeToString(sum[:8]), To: addr,
			Channel: models.ChannelEmail, Subject: m.Subject, Body: m.Body, Status: models.OutboxPending, Attachment: file}
		if file != nil {
			rows[i].AttachmentName = "evaluasi-mutasi-" + in.Label + ".xlsx"
		}
	}
	return len(rows), insertOnce(gdb, &rows).Error
}

// reportRecipients are the addresses given, or else the PPK and HR
// contacts of the rounds, or of the default settings when the period has
// none, each once, in order; invalid ones are left out.
func reportRecipients(given []string, rounds []models.Round) []string {
	if len(given) == 0 {
		for _, r := range rounds {
			given = append(given, r.Settings.Contacts.PPK, r.Settings.Contacts.HR)
		}
	}
	if len(given) == 0 {
		c := models.DefaultSettings().Contacts
		given = []string{c.PPK, c.HR}
	}
	var out []string
	seen := map[string]bool{}
	for _, addr := range given {
		addr = strings.TrimSpace(addr)
		if models.CheckEmail(addr) == nil && !seen[strings.ToLower(addr)] {
			seen[strings.ToLower(addr)] = true
			out = append(out, addr)
		}
	}
	return out
}

// quarters are the quarters' names in Bahasa Indonesia ("triwulan").
var quarters = [4]string{"I", "II", "III", "IV"}

// periodName is the report's period as people read it: "Triwulan I
// 2027" or "Januari 2027".
func periodName(in contract.PeriodReport, lang string) string {
	if in.Every == models.EveryQuarter {
		q := (int(in.From.Month()) - 1) / 3
		return i18n.Pick(lang, fmt.Sprintf("Triwulan %s %d", quarters[q], in.From.Year()),
			fmt.Sprintf("Q%d %d", q+1, in.From.Year()))
	}
	return i18n.Month(in.From, lang)
}

// reportSummary is the report's headline figures, one per line.
func reportSummary(r evaluation.Report, lang string) string {
	var b strings.Builder
	line := func(id, en string, args ...any) { b.WriteString(fmt.Sprintf(i18n.Pick(lang, id, en), args...) + "\n") }
	line("Putaran: %d (%s)", "Rounds: %d (%s)", len(r.Rounds), strings.Join(r.Rounds, ", "))
	line("Mutasi dikonfirmasi: %d; diberitahukan kepada pegawai: %d", "Transfers confirmed: %d; told to the employee: %d",
		r.Transfers, r.Socialized)
	line("Survei dijawab: %d dari %d", "Surveys answered: %d of %d", r.Response.Answered, r.Response.Sent)
	if r.Motivated != nil {
		line("Lebih termotivasi setelah mutasi: %.0f%%", "More motivated after the move: %.0f%%", *r.Motivated*100)
	}
	line("Rincian per butir survei, unit dan jenis jabatan ada di lampiran (Excel).",
		"The figures per survey item, unit and kind of position are in the attached workbook.")
	return b.String()
}
