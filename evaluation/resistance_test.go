package evaluation

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// resistanceFixture writes a round whose objections and moves are worked
// out by hand in the tests: five objections out of fear of change that
// name movers, an approver and the HR officer, four about health, and
// thirteen transfers of which nine took effect.
func resistanceFixture(t *testing.T, gdb *gorm.DB) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(gdb.Create(&[]models.Unit{{ID: "U1", Name: "Dinas Sosial"}, {ID: "U2", Name: "Dinas Kesehatan"},
		{ID: "U3", Name: "Badan Keuangan Daerah"}}).Error)
	must(gdb.Create(&models.Round{ID: "R1", Name: "Maret", Status: models.RoundCompleted, Settings: models.DefaultSettings(),
		WorkflowID: "round-R1", CreatedAt: base, UpdatedAt: base}).Error)
	names := []string{"Budi Santoso", "Siti Aminah", "Ani Lestari", "Muhammad Rizki", "Dewi Sartika", "Hadi", "Yusuf",
		"Agus", "Wati", "Rudi", "Tono", "Lina", "Eko"}
	moves := []struct {
		from, to string
		stage    models.Stage
	}{
		{"U1", "U2", models.StageCompleted}, {"U1", "U2", models.StageCompleted}, {"U1", "U2", models.StageCompleted},
		{"U1", "U2", models.StageCompleted}, {"U1", "U3", models.StageSurveyOpen}, {"U1", "U3", models.StageSurveyOpen},
		{"U2", "U3", models.StageEffective}, {"U3", "U1", models.StageCompleted}, {"", "U2", models.StageCompleted},
		{"U2", "U1", models.StageAwaitingEffective}, {"U1", "U2", models.StageCancelled}, {"U3", "U2", models.StageProposed},
		{"U2", "U3", models.StageWithdrawn},
	}
	for i, m := range moves {
		id, nip := fmt.Sprintf("T%02d", i+1), fmt.Sprintf("1980010120050110%02d", i+1)
		must(gdb.Create(&models.Employee{NIP: nip, Name: names[i], Status: models.StatusPNS, Rank: 9, Education: 3,
			Performance: 2, Potential: 2}).Error)
		must(gdb.Create(&models.Transfer{ID: id, RoundID: "R1", NIP: nip, FromUnitID: m.from, ToPositionID: "P-" + m.to,
			ToUnitID: m.to, Stage: m.stage, WorkflowID: "transfer-" + id}).Error)
	}
	must(gdb.Create(&[]models.Account{{Username: "ppk1", Name: "Hendra Wijaya", Role: models.RolePPK},
		{Username: "hr1", Name: "Rina Kartika", Role: models.RoleHR}, {Username: "hr2", Name: "Joko Susilo", Role: models.RoleHR}}).Error)
	must(gdb.Create(&models.Decision{TransferID: "T02", Step: models.RolePPK, Approve: true, Reason: "ok", ActorID: "ppk1",
		DecidedAt: base}).Error)
	fear, health := models.ObjectFear, models.ObjectHealth
	must(gdb.Create(&[]models.Objection{
		{TransferID: "T01", Category: fear, Text: "Saya, Budi Santoso, takut tidak bisa menyesuaikan diri.",
			Resolution: models.ResolveProceed, Note: "Pak BUDI didampingi atasan baru", ResolvedBy: "hr1"},
		{TransferID: "T02", Category: fear, Text: "NIP 19850101 201001 2 001 belum pernah di bidang ini",
			Resolution: models.ResolveTraining, Note: "Disetujui oleh Hendra", ResolvedBy: "hr1"},
		{TransferID: "T03", Category: fear, Text: "Pekerjaan tani keluarga; Ani khawatir"},
		{TransferID: "T04", Category: fear, Text: "rekan saya siti aminah juga takut",
			Resolution: models.ResolveCancel, Note: "dibatalkan oleh Rina Kartika (hr); Joko tahu", ResolvedBy: "hr1"},
		{TransferID: "T05", Category: fear, Text: "Perubahan terlalu cepat (198703152011011002)", Resolution: models.ResolveProceed},
		{TransferID: "T06", Category: health, Text: "punggung sakit sejak lama"},
		{TransferID: "T07", Category: health, Text: "punggung dan lutut"},
		{TransferID: "T08", Category: health, Text: "kontrol rutin punggung"},
		{TransferID: "T09", Category: health, Text: "terapi punggung"},
	}).Error)
}

// resistanceData reads the round of resistanceFixture; its survey
// window is open (transfers still run).
func resistanceData(t *testing.T) Data {
	t.Helper()
	gdb, _ := testkit.New(t)
	resistanceFixture(t, gdb)
	d, err := ForRound(context.Background(), gdb, "R1")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func resistanceReport(t *testing.T) Report { t.Helper(); return Compute(resistanceData(t)) }

// ended is d with every transfer still running completed: its survey
// window has closed.
func ended(d Data) Data {
	d.Transfers = slices.Clone(d.Transfers)
	for i, tr := range d.Transfers {
		if !tr.Stage.Final() {
			d.Transfers[i].Stage = models.StageCompleted
		}
	}
	return d
}

// TestObjectionTextsAgainstHandComputedFixture: the five objections out of
// fear of change are shown sorted, with the movers', the approver's and
// the HR officer's names and every NIP replaced (in any case, whole
// words only: "tani" keeps its "ani"); the name of an account that acted
// on no transfer of the round stays; the four about health are withheld
// in every format, their count being the one by_category already shows.
// While the round's survey window is open, the texts wait, as comments
// do: one more objection then changes nothing in them.
func TestObjectionTextsAgainstHandComputedFixture(t *testing.T) {
	d := resistanceData(t)
	live := Compute(d)
	wantLive := []ObjectionGroup{{Category: models.ObjectHealth, Withheld: true, Texts: []ObjectionText{}},
		{Category: models.ObjectFear, Pending: true, Texts: []ObjectionText{}}}
	if !live.Live || !reflect.DeepEqual(live.Objections.Texts, wantLive) {
		t.Errorf("while the window is open (live %v): %+v", live.Live, live.Objections.Texts)
	}
	one := d
	one.Objections = append(slices.Clone(d.Objections), models.Objection{TransferID: "T06", Category: models.ObjectFear, Text: "baru"})
	if got := Compute(one).Objections.Texts; !reflect.DeepEqual(got, wantLive) {
		t.Errorf("one more objection while the window is open: %+v", got)
	}
	hasRows(t, "the live CSV", csvRows(t, live), []string{"objection_text", "fear_of_change", "pending", "true"})

	r := Compute(ended(d))
	want := []ObjectionGroup{
		{Category: models.ObjectHealth, Withheld: true, Texts: []ObjectionText{}},
		{Category: models.ObjectFear, Texts: []ObjectionText{
			{Text: "NIP [NIP] belum pernah di bidang ini", Resolution: models.ResolveTraining, Note: "Disetujui oleh [nama]"},
			{Text: "Pekerjaan tani keluarga; [nama] khawatir"},
			{Text: "Perubahan terlalu cepat ([NIP])", Resolution: models.ResolveProceed},
			{Text: "Saya, [nama], takut tidak bisa menyesuaikan diri.", Resolution: models.ResolveProceed,
				Note: "Pak [nama] didampingi atasan baru"},
			{Text: "rekan saya [nama] juga takut", Resolution: models.ResolveCancel, Note: "dibatalkan oleh [nama] (hr); Joko tahu"},
		}},
	}
	got, _ := json.MarshalIndent(r.Objections.Texts, "", " ")
	if w, _ := json.MarshalIndent(want, "", " "); !bytes.Equal(got, w) {
		t.Errorf("objection texts\n%s\nwant\n%s", got, w)
	}
	if r.Objections.ByCategory[models.ObjectHealth] != 4 || r.Objections.ByCategory[models.ObjectFear] != 5 {
		t.Errorf("by category %v", r.Objections.ByCategory)
	}

	all, _ := json.Marshal(r)
	var csvOut, xlsx bytes.Buffer
	if err := r.CSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	if err := r.Excel(&xlsx, "id"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(xlsx.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows("Teks keberatan")
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, row := range sheet {
		cells = append(cells, strings.Join(row, "|"))
	}
	for format, out := range map[string]string{"JSON": string(all), "CSV": csvOut.String(), "Excel": strings.Join(cells, "\n")} {
		for _, leak := range []string{"punggung", "Budi", "BUDI", "Santoso", "saya siti", "Aminah", "Ani ", "Hendra", "Rina",
			"Kartika", "19850101", "198703152011011002"} {
			if strings.Contains(out, leak) {
				t.Errorf("the %s report has %q", format, leak)
			}
		}
	}
	rows := csvRows(t, r)
	for _, want := range [][]string{
		{"objection_text", "fear_of_change", "text_1", "NIP [NIP] belum pernah di bidang ini"},
		{"objection_text", "fear_of_change", "resolution_1", "training"},
		{"objection_text", "fear_of_change", "note_4", "Pak [nama] didampingi atasan baru"},
		{"objection_text", "health", "withheld", "true"},
	} {
		if !slices.ContainsFunc(rows, func(row []string) bool { return slices.Equal(row, want) }) {
			t.Errorf("the CSV lacks %v", want)
		}
	}
	if len(sheet) != 7 || strings.Join(sheet[0], "|") != "Kategori|Teks keberatan|Penyelesaian|Catatan penyelesaian" ||
		strings.Join(sheet[1], "|") != "Kesehatan|teks tidak ditampilkan demi anonimitas (kurang dari 5 keberatan)" ||
		strings.Join(sheet[2], "|") != "Takut akan perubahan|NIP [NIP] belum pernah di bidang ini|Lanjut dengan pelatihan|Disetujui oleh [nama]" ||
		strings.Join(sheet[3], "|") != "Takut akan perubahan|Pekerjaan tani keluarga; [nama] khawatir|Belum diselesaikan" {
		t.Errorf("the objection texts sheet:\n%s", strings.Join(cells, "\n"))
	}
}

// TestFlowsAgainstHandComputedFixture: of the thirteen transfers, the nine
// that took effect (effective, survey_open, completed) are counted by
// origin and destination unit, largest first; in the CSV, the workbook
// and the chart, whose bands and bars are as wide and tall as their
// moves.
func TestFlowsAgainstHandComputedFixture(t *testing.T) {
	r := resistanceReport(t)
	want := []Flow{
		{From: "U1", FromName: "Dinas Sosial", To: "U2", ToName: "Dinas Kesehatan", Count: 4},
		{From: "U1", FromName: "Dinas Sosial", To: "U3", ToName: "Badan Keuangan Daerah", Count: 2},
		{From: "", FromName: "", To: "U2", ToName: "Dinas Kesehatan", Count: 1},
		{From: "U2", FromName: "Dinas Kesehatan", To: "U3", ToName: "Badan Keuangan Daerah", Count: 1},
		{From: "U3", FromName: "Badan Keuangan Daerah", To: "U1", ToName: "Dinas Sosial", Count: 1},
	}
	if !slices.Equal(r.Flows, want) {
		t.Errorf("flows %+v\nwant %+v", r.Flows, want)
	}
	rows := csvRows(t, r)
	for _, want := range [][]string{{"flow", "U1", "to_U2", "4"}, {"flow", "U1", "to_U3", "2"}, {"flow", "", "to_U2", "1"}} {
		if !slices.ContainsFunc(rows, func(row []string) bool { return slices.Equal(row, want) }) {
			t.Errorf("the CSV lacks %v", want)
		}
	}
	var xlsx bytes.Buffer
	if err := r.Excel(&xlsx, "en"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows("Moves between units")
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet) != 6 || strings.Join(sheet[0], "|") != "From unit|To unit|Count" ||
		strings.Join(sheet[1], "|") != "Dinas Sosial|Dinas Kesehatan|4" || strings.Join(sheet[3], "|") != "(no unit)|Dinas Kesehatan|1" {
		t.Errorf("the flows sheet: %q", sheet)
	}

	svg, err := r.Chart("flows", "en")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths []struct {
			Class string `xml:"class,attr"`
			D     string `xml:"d,attr"`
			Title string `xml:"title"`
		} `xml:"path"`
		Rects []struct {
			Class  string `xml:"class,attr"`
			Height string `xml:"height,attr"`
			Title  string `xml:"title"`
		} `xml:"rect"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatal(err)
	}
	var bands, bars []string
	for _, p := range doc.Paths {
		if p.Class == "band" {
			bands = append(bands, p.Title)
		}
	}
	// Nine moves may take 360 px: 40 px a move, more than 24, so 24.
	// Origins from the most moved, ties by ID (U1 6, "" 1, U2 1, U3 1),
	// their bars 8 px apart from y 40: "" starts at 40+144+8 = 192.
	// Destinations: U2 5, U3 3, U1 1; into U2 the band from U1 (4 moves,
	// 96 px) comes first, so the one from "" enters at 40+96 = 136.
	for _, b := range doc.Rects {
		if b.Class == "bar" {
			bars = append(bars, b.Title+" "+b.Height)
		}
	}
	wantBands := []string{"Dinas Sosial → Dinas Kesehatan: 4", "Dinas Sosial → Badan Keuangan Daerah: 2",
		"(no unit) → Dinas Kesehatan: 1", "Dinas Kesehatan → Badan Keuangan Daerah: 1", "Badan Keuangan Daerah → Dinas Sosial: 1"}
	wantBars := []string{"Dinas Sosial: 6 144.0", "(no unit): 1 24.0", "Dinas Kesehatan: 1 24.0", "Badan Keuangan Daerah: 1 24.0",
		"Dinas Kesehatan: 5 120.0", "Badan Keuangan Daerah: 3 72.0", "Dinas Sosial: 1 24.0"}
	if !slices.Equal(bands, wantBands) || !slices.Equal(bars, wantBars) {
		t.Errorf("flows chart bands %q\nwant %q\nbars %q\nwant %q", bands, wantBands, bars, wantBars)
	}
	if d := doc.Paths[2].D; d != "M262.0 192.0 C366.0 192.0 366.0 136.0 470.0 136.0 L470.0 160.0 C366.0 160.0 366.0 216.0 262.0 216.0 Z" {
		t.Errorf("the band from no unit to U2: %s", d)
	}
	if empty, _ := (Report{}).Chart("flows", "id"); !bytes.Contains(empty, []byte("Belum ada data")) {
		t.Errorf("an empty flows chart:\n%s", empty)
	}
}

// TestObjectionTextsAcrossRounds: a report over several rounds lists a
// category's texts of the rounds whose own reports list them: A's five
// (closed), not B's two (fewer than 5: withheld) nor C's five (its
// window still open: pending), so that the period less A's report tells
// nothing of B's or C's.
func TestObjectionTextsAcrossRounds(t *testing.T) {
	d := Data{Rounds: []string{"A", "B", "C"}}
	for round, n := range map[string]int{"A": 5, "B": 2, "C": 5} {
		for i := range n {
			id := fmt.Sprintf("%s%d", round, i)
			stage := models.StageCompleted
			if round == "C" {
				stage = models.StageSurveyOpen
			}
			d.Transfers = append(d.Transfers, models.Transfer{ID: id, RoundID: round, Stage: stage})
			d.Objections = append(d.Objections, models.Objection{TransferID: id, Category: models.ObjectFear, Text: "teks " + id})
		}
	}
	got := Compute(d).Objections.Texts
	var texts []string
	for _, o := range got[0].Texts {
		texts = append(texts, o.Text)
	}
	if len(got) != 1 || !got[0].Withheld || !got[0].Pending || strings.Join(texts, ",") != "teks A0,teks A1,teks A2,teks A3,teks A4" {
		t.Errorf("the period's texts %+v", got)
	}
	if r := Compute(roundData(d, "C")); len(r.Objections.Texts[0].Texts) != 0 || !r.Objections.Texts[0].Pending {
		t.Errorf("C's own texts %+v", r.Objections.Texts)
	}
}
