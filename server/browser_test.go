package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/transfers"
	"github.com/bkpsdm/mutasi/workflows"
)

// browser drives headless Chromium through the pages, as a person would,
// and keeps screenshots of what it saw.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

// chromium finds the Debian Chromium (.ci/run installs it); without it
// the browser tests fail, and under -short they are skipped.
func chromium(t *testing.T) string {
	testkit.Needs(t, "Chromium")
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is missing: apt-get install chromium chromium-driver (.ci/run does)")
	return ""
}

func newBrowser(t *testing.T, base string) *browser {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	shots := os.Getenv("MUTASI_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	// The first call starts the browser, which lives as long as ctx: it
	// has no timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: base, shots: shots}
}

// timeout is how long one step in the browser may take.
const timeout = 30 * time.Second

// do runs actions, failing the test when one fails or takes too long.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\npage:\n%s", err, b.pageText())
	}
}

// visit opens a page and returns its HTTP status.
func (b *browser) visit(path string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// pageText is the text of the page.
func (b *browser) pageText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

// text is the text of the element sel selects.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v\npage:\n%s", sel, err, b.pageText())
	}
	return strings.TrimSpace(s)
}

// submit clicks a form's button and waits until the next page has
// loaded.
func (b *browser) submit(button string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.__before = 1; undefined`, chromedp.EvalIgnoreExceptions), chromedp.Click(chromedp.CSS(button)))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := testkit.Poll(ctx, 50*time.Millisecond, "a page after clicking "+button, func() bool {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		defer cancel()
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__before === undefined && document.readyState === "complete"`))
		return err == nil && loaded
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

// count is how many elements sel selects.
func (b *browser) count(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	js, _ := json.Marshal(sel)
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+string(js)+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// see fails unless the page shows every text.
func (b *browser) see(texts ...string) {
	b.t.Helper()
	page := b.pageText()
	for _, s := range texts {
		if !strings.Contains(page, s) {
			b.t.Fatalf("the page does not show %q:\n%s", s, page)
		}
	}
}

// fieldError returns the error shown next to a field.
func (b *browser) fieldError(id string) string {
	b.t.Helper()
	return b.text(`[id="` + id + `-err"]`)
}

// until reloads a page until it shows text, for a minute at most.
func (b *browser) until(path, text string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := testkit.Poll(ctx, 250*time.Millisecond, path+" to show "+text, func() bool {
		b.visit(path)
		return strings.Contains(b.pageText(), text)
	}); err != nil {
		b.t.Fatalf("%v:\n%s", err, b.pageText())
	}
}

// shot keeps a full-page screenshot as name.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) signIn(username string) {
	b.t.Helper()
	b.visit("/signin")
	b.set(`#username`, username)
	b.set(`#password`, testPassword)
	b.submit(`form[action="/signin"] button[type=submit]`)
}

func (b *browser) signOut() {
	b.t.Helper()
	b.submit(`form[action="/signout"] button`)
	b.see("Anda telah keluar")
}

func (b *browser) set(sel, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

// waitStage polls until a transfer has reached one of the stages, both
// in the database and in its workflow's live state.
func waitStage(t *testing.T, s *stack, id string, stages ...models.Stage) {
	t.Helper()
	testkit.Eventually(t, fmt.Sprintf("transfer %s to reach %v", id, stages), func() bool {
		var tr models.Transfer
		if s.db.First(&tr, "id = ?", id).Error != nil || !containsStage(stages, tr.Stage) {
			return false
		}
		var st workflows.TransferState
		q, err := s.c.QueryWorkflow(t.Context(), tr.WorkflowID, "", workflows.QueryState)
		return err == nil && q.Get(&st) == nil && containsStage(stages, st.Stage)
	})
}

func containsStage(list []models.Stage, s models.Stage) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestTransferInTheBrowser walks one transfer through the pages in
// headless Chromium on the real stack: the HR officer starts a round and
// confirms it, the TPK and the PPK approve from their inbox, the employee
// objects, HR resolves with training and marks it completed, the transfer
// takes effect, the survey is answered from its link and the evaluation
// page shows the answer. On the way it checks that a bad form shows its
// error next to the field, that a page refuses the wrong role and that a
// forged CSRF token is refused.
func TestTransferInTheBrowser(t *testing.T) {
	chromium(t)
	data := seed.Generate(40, time.Now(), 5)
	s := newStack(t, "", func(gdb *gorm.DB) {
		if err := seed.Load(gdb, data); err != nil {
			t.Fatal(err)
		}
	})
	srv := &Server{DB: s.db}
	addAccount(t, srv, "bkpsdm", models.RoleHR, "")
	addAccount(t, srv, "tpk", models.RoleTPK, "")
	addAccount(t, srv, "walikota", models.RolePPK, "")
	b := newBrowser(t, s.url)

	// 1. The HR officer starts a round, first with bad input, and confirms it.
	b.visit("/dashboard")
	b.see("Masuk")
	b.shot("01-signin")
	b.signIn("bkpsdm")
	b.see("Dasbor BKPSDM", "Belum ada putaran berjalan")

	// Data import: a bad file shows its errors row by row, a good one loads.
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "units-bad.csv"), filepath.Join(dir, "units.csv")
	os.WriteFile(bad, []byte("id,name\nU900,Dinas Baru\n,Tanpa id\nU900,Lagi\n"), 0o644)
	os.WriteFile(good, []byte("id,name\nU950,Dinas Uji Coba\n"), 0o644)
	b.visit("/imports")
	b.set(`#import-kind`, "units")
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{bad}))
	b.submit(`form[action="/imports"] button[type=submit]`)
	b.see("2 kesalahan; tidak ada data yang disimpan", "Kesalahan per baris")
	if rows := b.text(`#row-errors tbody`); !strings.Contains(rows, "3\tid\twajib diisi") || !strings.Contains(rows, "duplikat baris 2") {
		t.Errorf("the row errors read %q", rows)
	}
	b.shot("02-import-errors")
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{good}))
	b.submit(`form[action="/imports"] button[type=submit]`)
	b.see("1 baris Unit kerja diimpor")
	var unit models.Unit
	if err := s.db.First(&unit, "id = ?", "U950").Error; err != nil || unit.Name != "Dinas Uji Coba" {
		t.Errorf("the imported unit: %+v, %v", unit, err)
	}

	b.visit("/rounds/new")
	b.set(`#round-id`, "bad id!")
	b.set(`#round-name`, "Mutasi uji peramban")
	b.set(`[id="settings.decision_escalation"]`, "soon")
	b.submit(`form[action="/rounds"] button[type=submit]`)
	if e := b.fieldError("settings.decision_escalation"); !strings.Contains(e, "durasi tidak sah") {
		t.Errorf("the bad duration shows %q next to its field", e)
	}
	b.shot("03-round-new-errors")
	settings := map[string]string{"decision_reminder": "2s", "decision_escalation": "4s", "acknowledge_reminder": "60s",
		"acknowledge_deadline": "120s", "training_deadline": "120s", "survey_delay": "1s", "survey_reminder": "40s",
		"survey_window": "60s"}
	for k, v := range settings {
		b.set(`[id="settings.`+k+`"]`, v)
	}
	b.submit(`form[action="/rounds"] button[type=submit]`)
	if e := b.fieldError("round-id"); !strings.Contains(e, "id putaran wajib") {
		t.Errorf("the bad round id shows %q next to its field", e)
	}
	b.set(`#round-id`, "WEB1")
	b.submit(`form[action="/rounds"] button[type=submit]`)
	b.see("Putaran dimulai")
	b.until("/rounds/WEB1", "Menunggu konfirmasi")
	var proposals []models.Transfer
	s.db.Where("round_id = ?", "WEB1").Order("to_position_id, nip").Find(&proposals)
	if len(proposals) < 2 {
		t.Fatalf("%d proposals", len(proposals))
	}
	// Keep three that take seats free before the round: removing the
	// others then blocks none of them.
	var kept, removed []models.Transfer
	for _, p := range proposals {
		if len(p.DependsOn) == 0 && len(kept) < 3 {
			kept = append(kept, p)
		} else {
			removed = append(removed, p)
		}
	}
	if len(kept) < 2 {
		t.Fatalf("%d proposals take a free seat", len(kept))
	}
	for _, p := range removed {
		b.click(`[id="remove-` + p.ID + `"]`)
	}
	b.see("Rincian skor", "Pegawai yang tidak dipindahkan")
	b.shot("04-round")
	b.submit(`button[form=confirm]`)
	b.see("Usulan dikonfirmasi")
	mine, others := kept[0], kept[1:]
	for _, p := range kept {
		waitStage(t, s, p.ID, models.StageAwaitingTPK)
	}
	// A confirmed round is under way: its page no longer offers to
	// confirm it.
	b.visit("/rounds/WEB1")
	b.see("Berjalan")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("form#confirm, button[form=confirm]").length`)); err != nil || n != 0 {
		t.Errorf("the confirmed round's page still has %d confirm controls (%v)", n, err)
	}
	addAccount(t, srv, "pegawai", models.RoleEmployee, mine.NIP)
	var employee models.Employee
	s.db.First(&employee, "nip = ?", mine.NIP)
	b.visit("/dashboard")
	b.see("Mutasi uji peramban", "Menunggu TPK")
	b.shot("05-dashboard")
	b.signOut()

	// 2. The TPK rejects the others in bulk and approves one from the inbox;
	// a forged CSRF token is refused.
	b.signIn("tpk")
	b.see("Keputusan yang menunggu Anda", employee.Name)
	b.shot("06-inbox")
	decide := `form[action="/transfers/` + mine.ID + `/decision"]`
	b.set(decide+` input[name=csrf_token]`, "forged")
	b.set(decide+` textarea`, "sesuai kebutuhan")
	b.submit(decide + ` button[value=true]`)
	b.see("CSRF")
	b.shot("07-csrf-refused")
	b.visit("/inbox")
	for _, o := range others {
		b.click(`[id="select-` + o.ID + `"]`)
	}
	b.submit(`#bulk button[value=false]`)
	if e := b.fieldError("bulk-reason"); !strings.Contains(e, "alasan") {
		t.Errorf("a bulk rejection without a reason shows %q next to the reason", e)
	}
	b.set(`#bulk-reason`, "formasi ditunda")
	b.submit(`#bulk button[value=false]`)
	b.see("Semua keputusan tersimpan")
	b.set(decide+` textarea`, "sesuai analisis kebutuhan")
	b.submit(decide + ` button[value=true]`)
	b.see("Keputusan Anda tersimpan", "Tidak ada keputusan yang menunggu Anda")
	b.visit("/decisions")
	b.see(employee.Name, "Disetujui", "formasi ditunda")
	b.shot("08-decisions")
	b.signOut()

	// ... then the PPK.
	waitStage(t, s, mine.ID, models.StageAwaitingPPK)
	b.signIn("walikota")
	b.see(employee.Name)
	b.set(decide+` textarea`, "disetujui")
	b.submit(decide + ` button[value=true]`)
	b.see("Keputusan Anda tersimpan")
	b.signOut()

	// 3. The employee reads the transfer and objects; the wrong role is refused.
	waitStage(t, s, mine.ID, models.StageSocialization)
	b.signIn("pegawai")
	b.see("Mutasi saya", "Apa", "Di mana", "Kapan", "Mengapa", "Dukungan", "Mohon tanggapi paling lambat")
	// The bell counts the socialization notice, mailed and shown here too;
	// marking it read empties the bell.
	var unread int64
	s.db.Model(&models.Notice{}).Where("nip = ? AND role = ?", mine.NIP, models.RoleEmployee).Count(&unread)
	if got := b.text(`.bell .count`); unread == 0 || got != strconv.FormatInt(unread, 10) {
		t.Errorf("the bell shows %q, want %d", got, unread)
	}
	b.visit("/notices")
	b.see("Pemberitahuan mutasi: ", "Belum dibaca", "Anda akan dimutasi dari")
	b.shot("08b-notices")
	b.submit(`form[action="/notices/read"] button`)
	b.see("Semua pemberitahuan Anda ditandai sudah dibaca", "Sudah dibaca")
	if n := b.count(`.bell .count`); n != 0 {
		t.Errorf("the bell still counts after marking all read (%d elements)", n)
	}
	b.visit("/me")
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait))
	b.shot("09-my-transfer-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	object := `form[action="/transfers/` + mine.ID + `/objection"]`
	b.set(object+` select`, "family_location")
	b.submit(object + ` button`)
	if e := b.fieldError("object-" + mine.ID + "-text"); !strings.Contains(e, "uraian keberatan wajib diisi") {
		t.Errorf("an objection without a text shows %q next to the text", e)
	}
	b.shot("10-objection-error")
	b.set(object+` textarea`, "anak saya bersekolah di kota ini")
	b.submit(object + ` button`)
	b.see("Keberatan Anda terkirim", "anak saya bersekolah di kota ini")
	if status := b.visit("/dashboard"); status != 403 {
		t.Errorf("an employee opened the dashboard: %d", status)
	}
	b.see("tidak berwenang")
	b.shot("11-wrong-role")
	b.signOut()

	// 4. HR resolves the objection with training and marks it completed.
	waitStage(t, s, mine.ID, models.StageObjectionReview)
	b.signIn("bkpsdm")
	b.visit("/queues")
	b.see("Keberatan yang perlu diselesaikan", employee.Name, "anak saya bersekolah di kota ini")
	b.shot("12-queues")
	resolve := `form[action="/transfers/` + mine.ID + `/resolution"]`
	b.click(resolve + ` input[value=training]`)
	b.set(resolve+` textarea`, "pelatihan adaptasi di unit baru")
	b.submit(resolve + ` button`)
	b.see("Keberatan diselesaikan")
	waitStage(t, s, mine.ID, models.StageTraining)
	b.visit("/queues")
	b.submit(`form[action="/transfers/` + mine.ID + `/training-completion"] button`)
	b.see("Pelatihan dicatat selesai")

	// 5. The transfer takes effect.
	waitStage(t, s, mine.ID, models.StageEffective, models.StageSurveyOpen)
	b.until("/transfers/"+mine.ID, "Mutasi berlaku (SK terbit)")
	b.see("Riwayat", "Disetujui TPK", "Disetujui PPK", "Keberatan diajukan", "Pelatihan selesai", "800/")
	b.shot("13-transfer-timeline")
	b.signOut()

	// 6. The survey is answered from its link, without signing in.
	var invitation models.OutboxMessage
	testkit.Eventually(t, "the survey invitation", func() bool {
		return s.db.Where("key = ?", "transfer-"+mine.ID+":survey").First(&invitation).Error == nil
	})
	i := strings.Index(invitation.Body, "/surveys/")
	link := strings.Fields(invitation.Body[i:])[0]
	b.visit(link)
	b.see("Survei pascamutasi", survey.Items[0].Text, "Kerahasiaan jawaban", "sedikitnya 5 responden")
	b.submit(`form.survey button[type=submit]`)
	if e := b.fieldError("answers.enps"); e != "wajib diisi" {
		t.Errorf("an unanswered item shows %q", e)
	}
	var sent models.Survey
	s.db.First(&sent, "transfer_id = ?", mine.ID)
	for _, it := range transfers.Questions(sent) {
		switch it.Scale {
		case survey.NPS:
			b.click(`input[name="answers.` + it.Code + `"][value="9"]`)
		case survey.Text:
			b.set(`[id="answers.`+it.Code+`"]`, "pendampingan atasan sangat membantu")
		default:
			b.click(`input[name="answers.` + it.Code + `"][value="4"]`)
		}
	}
	b.shot("14-survey")
	b.submit(`form.survey button[type=submit]`)
	b.see("Terima kasih, jawaban Anda tersimpan")

	// 7. The evaluation page shows the answer.
	// The answered transfer ends when its survey window closes.
	testkit.EventuallyWithin(t, 90*time.Second, "the round's evaluation", func() bool {
		var r models.Round
		return s.db.First(&r, "id = ?", "WEB1").Error == nil && r.Status == models.RoundCompleted
	})
	b.signIn("bkpsdm")
	b.visit("/rounds/WEB1/evaluation?lang=en")
	if answered := b.text(`#surveys-answered`); answered != "1" {
		t.Errorf("the evaluation shows %q surveys answered", answered)
	}
	b.see("Surveys answered", "Evaluation report (CSV)")
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch(document.querySelector('a[href*="format=csv"]').href).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil || status != 200 {
		t.Errorf("the CSV download answered %d, %v", status, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll('.charts img')].every(i => i.complete && i.naturalWidth > 0)`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the charts did not load: %v", err)
	}
	// The one move that took effect is the flow table's one row and the
	// flow chart's one band; the one objection's category is withheld.
	var from, to models.Unit
	s.db.First(&from, "id = ?", mine.FromUnitID)
	s.db.First(&to, "id = ?", mine.ToUnitID)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#flows tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()).join('|'))`))
	if want := from.Name + "|" + to.Name + "|1"; err != nil || len(rows) != 1 || rows[0] != want {
		t.Errorf("the flow table has %q (%v), want %q", rows, err, want)
	}
	chart, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('.charts img[src*="/charts/flows.svg"]').src).then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if err != nil || strings.Count(chart, `class="band"`) != 1 || !strings.Contains(chart, from.Name+" → "+to.Name+": 1") {
		t.Errorf("the flow chart (%v):\n%s", err, chart)
	}
	b.see("Moves between units (transfers in effect)", "Objections and their resolution", "Family/location (1)",
		"Texts withheld for anonymity: fewer than 5 objections in this category.")
	if page := b.pageText(); strings.Contains(page, "anak saya bersekolah") {
		t.Error("the evaluation page shows the text of a category of one objection")
	}
	b.shot("15-evaluation")

	// 8. The period page: the trend by quarter and by round, its charts
	// (drawn), and the flow chart over the period.
	if link, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('a[href="/evaluations"]')`)); err != nil || !link {
		t.Errorf("the evaluation page has no link to the period evaluation (%v)", err)
	}
	b.visit("/evaluations?lang=en")
	b.see("Period evaluation", "By quarter", "By round")
	var confirmed int64
	s.db.Model(&models.Transfer{}).Where("round_id = ? AND stage NOT IN ?", "WEB1", []models.Stage{models.StageProposed, models.StageRemoved}).
		Count(&confirmed)
	trend, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#trend-round tbody tr')].map(r => [...r.cells].slice(0, 2).map(c => c.textContent.trim()).join('|'))`))
	if want := fmt.Sprintf("WEB1|%d", confirmed); err != nil || len(trend) != 1 || trend[0] != want {
		t.Errorf("the trend by round has %q (%v), want one row %s", trend, err, want)
	}
	// The charts are drawn in the page; each links its own SVG.
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.charts figure svg').length`))
	if err != nil || drawn != 7 {
		t.Errorf("the period page draws %d charts (%v), want 7", drawn, err)
	}
	points, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#chart-trend_response_rate svg .point').length`))
	if err != nil || points != 1 {
		t.Errorf("the response rate's trend chart has %d points (%v), want 1", points, err)
	}
	chart, err = chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#chart-trend_response_rate a').href).then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if err != nil || strings.Count(chart, `class="point"`) != 1 {
		t.Errorf("the response rate's trend chart as a file (%v):\n%s", err, chart)
	}
	b.shot("16-period")
}

// TestInvitationInTheBrowser: the admin invites an employee from the
// accounts page in headless Chromium; the employee opens the link the
// outbox holds, sets a password (a mismatch first), signs in, and finds
// the link used up; the admin disables the account and the employee's
// session stops at once.
func TestInvitationInTheBrowser(t *testing.T) {
	chromium(t)
	s := accountStack(t)
	addAccount(t, &Server{DB: s.db}, "root", models.RoleAdmin, "")
	if err := s.db.Create(&models.Employee{NIP: "198503142010012001", Name: "Siti Rahma", Email: "siti@asn.example.go.id",
		Status: models.StatusPNS}).Error; err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(t, s.url)
	admin.signIn("root")
	admin.visit("/accounts")
	admin.set(`#new-username`, "siti")
	admin.set(`#new-name`, "Siti Rahma")
	admin.set(`#create-role`, "employee")
	admin.set(`#create-nip`, "198503142010012001")
	admin.set(`#new-email`, "siti@asn.example.go.id")
	admin.submit(`form[action="/accounts"][method="post"] button[type=submit]`)
	admin.see("undangan untuk mengatur kata sandi dikirim lewat surel", "siti@asn.example.go.id")
	admin.shot("invite-01-admin")

	token := mailedTo(t, s, "siti@asn.example.go.id", "Undangan")
	siti := newBrowser(t, s.url)
	if status := siti.visit("/password/" + token); status != 200 {
		t.Fatalf("the invitation's link: %d", status)
	}
	siti.see("Atur kata sandi untuk akun siti.")
	siti.set(`#password`, "sandi-siti-panjang")
	siti.set(`#password_confirm`, "sandi-siti-lain")
	siti.submit(`form[action^="/password/"] button[type=submit]`)
	if e := siti.fieldError("password_confirm"); !strings.Contains(e, "kedua kata sandi tidak sama") {
		t.Errorf("the mismatch shows %q next to its field", e)
	}
	siti.set(`#password`, "sandi-siti-panjang")
	siti.set(`#password_confirm`, "sandi-siti-panjang")
	siti.submit(`form[action^="/password/"] button[type=submit]`)
	siti.see("Kata sandi disimpan")
	siti.shot("invite-02-password-set")
	siti.set(`#username`, "siti")
	siti.set(`#password`, "sandi-siti-panjang")
	siti.submit(`form[action="/signin"] button[type=submit]`)
	if n := siti.count(`form[action="/signout"]`); n != 1 {
		t.Fatalf("the employee is not signed in:\n%s", siti.pageText())
	}
	siti.shot("invite-03-signed-in")
	if status := siti.visit("/password/" + token); status != 410 {
		t.Errorf("the used link: %d, want 410", status)
	}
	siti.see("tautan ini sudah dipakai")

	admin.visit("/accounts/siti")
	admin.submit(`form[action="/accounts/siti/disablement"] button[type=submit]`)
	siti.visit("/me")
	if n := siti.count(`form[action="/signin"]`); n != 1 {
		t.Errorf("the disabled employee's session still works:\n%s", siti.pageText())
	}
}

// TestAccessWithoutTheShellInTheBrowser walks issue 18's whole flow in
// headless Chromium, with no account made on the shell but the first
// admin's: the admin invites a TPK member and the employee a confirmed
// transfer moves; both set their passwords from the links in the outbox;
// the TPK member approves from the inbox (the PPK through the API); the
// employee opens the notice's link, signs in on the way and acknowledges;
// the admin disables the employee, whose session then stops.
func TestAccessWithoutTheShellInTheBrowser(t *testing.T) {
	chromium(t)
	data := seed.Generate(40, time.Now(), 5)
	s := newStack(t, "", func(gdb *gorm.DB) {
		if err := seed.Load(gdb, data); err != nil {
			t.Fatal(err)
		}
	})
	addAccount(t, &Server{DB: s.db}, "root", models.RoleAdmin, "")

	// HR starts a round through the API and confirms one transfer.
	settings := map[string]any{"decision_reminder": "1h", "decision_escalation": "2h", "acknowledge_reminder": "1h",
		"acknowledge_deadline": "2h"}
	expect(t, s.do("POST", "/api/v1/rounds", models.RoleHR, map[string]any{"id": "AKSES1", "name": "Mutasi tanpa shell", "settings": settings}),
		http.StatusCreated)
	testkit.Eventually(t, "proposals", func() bool {
		var v rounds.View
		s.do("GET", "/api/v1/rounds/AKSES1", models.RoleHR, nil).json(t, &v)
		return v.Status == models.RoundAwaitingConfirmation
	})
	var proposals []models.Transfer
	s.db.Where("round_id = ?", "AKSES1").Order("id").Find(&proposals)
	var mine *models.Transfer
	var remove []string
	for i, p := range proposals {
		if mine == nil && len(p.DependsOn) == 0 {
			mine = &proposals[i]
		} else {
			remove = append(remove, p.ID)
		}
	}
	if mine == nil {
		t.Fatalf("no proposal of %d takes a free seat", len(proposals))
	}
	expect(t, s.do("POST", "/api/v1/rounds/AKSES1/confirmation", models.RoleHR, map[string]any{"remove": remove}), http.StatusOK)
	waitStage(t, s, mine.ID, models.StageAwaitingTPK)
	var employee models.Employee
	s.db.First(&employee, "nip = ?", mine.NIP)
	if employee.Email == "" {
		employee.Email = "pegawai.akses@asn.example.go.id"
		s.db.Model(&employee).Update("email", employee.Email)
	}

	// 1. The admin invites a TPK member and the employee.
	admin := newBrowser(t, s.url)
	admin.signIn("root")
	invite := func(username, name string, role models.Role, nip, email string) {
		admin.visit("/accounts")
		admin.set(`#new-username`, username)
		admin.set(`#new-name`, name)
		admin.set(`#create-role`, string(role))
		if nip != "" {
			admin.set(`#create-nip`, nip)
		}
		admin.set(`#new-email`, email)
		admin.submit(`form[action="/accounts"][method="post"] button[type=submit]`)
		admin.see("undangan untuk mengatur kata sandi dikirim lewat surel", email)
	}
	invite("tpk.kota", "Ketua TPK", models.RoleTPK, "", "tpk@pemko.example.go.id")
	invite(employee.NIP, employee.Name, models.RoleEmployee, employee.NIP, employee.Email)
	admin.shot("access-01-invited")

	// 2. Both set their passwords from the links in the outbox.
	setPassword := func(email, password string) *browser {
		b := newBrowser(t, s.url)
		if status := b.visit("/password/" + mailedTo(t, s, email, "Undangan")); status != http.StatusOK {
			t.Fatalf("the invitation's link to %s: %d", email, status)
		}
		b.set(`#password`, password)
		b.set(`#password_confirm`, password)
		b.submit(`form[action^="/password/"] button[type=submit]`)
		b.see("Kata sandi disimpan")
		return b
	}
	tpk := setPassword("tpk@pemko.example.go.id", "sandi-tpk-yang-panjang")
	pegawai := setPassword(employee.Email, "sandi-pegawai-panjang")

	// 3. The TPK member signs in and approves from the inbox; the PPK
	// approves through the API.
	tpk.set(`#username`, "tpk.kota")
	tpk.set(`#password`, "sandi-tpk-yang-panjang")
	tpk.submit(`form[action="/signin"] button[type=submit]`)
	tpk.visit("/inbox")
	tpk.see("Keputusan yang menunggu Anda", employee.Name)
	decide := `form[action="/transfers/` + mine.ID + `/decision"]`
	tpk.set(decide+` textarea`, "sesuai analisis kebutuhan")
	tpk.submit(decide + ` button[value=true]`)
	tpk.see("Keputusan Anda tersimpan")
	tpk.shot("access-02-tpk-decided")
	waitStage(t, s, mine.ID, models.StageAwaitingPPK)
	var d models.Decision
	if err := s.db.First(&d, "transfer_id = ? AND step = ?", mine.ID, models.RoleTPK).Error; err != nil || d.ActorID != "tpk.kota" || !d.Approve {
		t.Errorf("the TPK's decision: %+v, %v", d, err)
	}
	expect(t, s.do("POST", "/api/v1/transfers/"+mine.ID+"/decisions", models.RolePPK, map[string]any{"approve": true, "reason": "disetujui"}),
		http.StatusOK)
	waitStage(t, s, mine.ID, models.StageSocialization)

	// 4. The employee opens the notice's link, is asked to sign in on the
	// way, and lands on the transfer to acknowledge it.
	var notice models.OutboxMessage
	testkit.Eventually(t, "the notice of transfer", func() bool {
		return s.db.Where(`"to" = ? AND subject LIKE ?`, employee.Email, "Pemberitahuan mutasi%").First(&notice).Error == nil
	})
	link := regexp.MustCompile(`https?://[^/\s]+(/\S*)`).FindStringSubmatch(notice.Body)
	if link == nil || link[1] != "/me" || strings.Contains(link[0], mine.ID) {
		t.Fatalf("the notice's link %q: want the employee's page, naming nothing of the transfer:\n%s", link, notice.Body)
	}
	pegawai.visit(link[1])
	if n := pegawai.count(`form[action="/signin"]`); n != 1 {
		t.Fatalf("the notice's link opened without sign-in:\n%s", pegawai.pageText())
	}
	if strings.Contains(pegawai.pageText(), employee.Name) {
		t.Errorf("the sign-in page shows the employee's name before sign-in")
	}
	pegawai.set(`#username`, employee.NIP)
	pegawai.set(`#password`, "sandi-pegawai-panjang")
	pegawai.submit(`form[action="/signin"] button[type=submit]`)
	pegawai.see("Mutasi saya", "Mohon tanggapi paling lambat")
	pegawai.shot("access-03-employee-page")
	pegawai.submit(`form[action="/transfers/` + mine.ID + `/acknowledgement"] button[type=submit]`)
	waitStage(t, s, mine.ID, models.StageTraining, models.StageAwaitingEffective, models.StageEffective, models.StageSurveyOpen,
		models.StageCompleted)
	var ack models.AuditEntry
	if err := s.db.First(&ack, "transfer_id = ? AND action = ?", mine.ID, models.ActionAcknowledged).Error; err != nil || ack.ActorID != employee.NIP {
		t.Errorf("the acknowledgement's audit line: %+v, %v", ack, err)
	}

	// 5. The admin disables the employee, whose session stops at once.
	admin.visit("/accounts/" + employee.NIP)
	admin.submit(`form[action="/accounts/` + employee.NIP + `/disablement"] button[type=submit]`)
	pegawai.visit("/me")
	if n := pegawai.count(`form[action="/signin"]`); n != 1 {
		t.Errorf("the disabled employee's session still works:\n%s", pegawai.pageText())
	}
	pegawai.shot("access-04-disabled")
}
