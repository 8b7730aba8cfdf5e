package evaluation

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/testkit"
)

var base = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture writes a round whose figures are worked out by hand in the
// test: ten confirmed transfers (seven into unit U1 as pelaksana, three
// into U2 as fungsional), one removed and one rejected proposal, seven
// survey answers (six from U1, one from U2).
func fixture(t *testing.T, gdb *gorm.DB) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(gdb.Create(&[]models.Unit{{ID: "U1", Name: "Dinas Sosial"}, {ID: "U2", Name: "Dinas Kesehatan"}}).Error)
	must(gdb.Create(&[]models.Position{
		{ID: "P1", UnitID: "U1", Name: "Pengelola", Kind: models.KindPelaksana, Class: 7, MinRank: 5, MaxRank: 12, MinEducation: 2, Seats: 9},
		{ID: "P2", UnitID: "U2", Name: "Analis", Kind: models.KindFungsional, Class: 9, MinRank: 9, MaxRank: 14, MinEducation: 3, Seats: 5},
	}).Error)
	must(gdb.Create(&models.Round{ID: "R1", Name: "Maret", Status: models.RoundCompleted, Settings: models.DefaultSettings(),
		WorkflowID: "round-R1", CreatedAt: base, UpdatedAt: base}).Error)
	days := []int{0, 0, 1, 1, 2, 2, 3, 3, 30, 40}
	answers := map[int]map[string]any{
		1: {"motivation": 5, "fairness": 4, "enps": 10, "comments": "Bagus"},
		2: {"motivation": 4, "fairness": 2, "enps": 9},
		3: {"motivation": 2, "fairness": 3, "enps": 6},
		4: {"motivation": 3, "fairness": 5, "enps": 7},
		5: {"motivation": 5, "fairness": 4, "enps": 0},
		6: {"motivation": 1, "fairness": 1, "enps": 8, "comments": "Kurang jelas"},
		8: {"motivation": 4, "fairness": 5, "enps": 10},
	}
	for i := 1; i <= 12; i++ {
		id := fmt.Sprintf("T%02d", i)
		tr := models.Transfer{ID: id, RoundID: "R1", NIP: fmt.Sprintf("19800101200501100%d", i%10), ToPositionID: "P1",
			ToUnitID: "U1", Stage: models.StageCompleted, WorkflowID: "transfer-" + id}
		tr.NIP = fmt.Sprintf("1980010120050110%02d", i)
		if i >= 8 && i <= 10 {
			tr.ToPositionID, tr.ToUnitID = "P2", "U2"
		}
		switch i {
		case 11:
			tr.Stage = models.StageRemoved
		case 12:
			tr.Stage = models.StageRejected
		}
		must(gdb.Create(&tr).Error)
		if i > 10 {
			continue
		}
		must(gdb.Create(&models.Decision{TransferID: id, Step: models.RolePPK, Approve: true, Reason: "ok", ActorID: "ppk", DecidedAt: base}).Error)
		eff := base.AddDate(0, 0, days[i-1])
		must(gdb.Create(&models.Decree{TransferID: id, Number: "800/" + id, Year: 2027, Seq: i, EffectiveDate: eff, IssuedAt: eff}).Error)
		must(gdb.Create(&models.Survey{TransferID: id, RoundID: "R1", NIP: tr.NIP, Status: models.SurveyClosed,
			InstrumentVersion: 1, SentAt: eff, ExpiresAt: eff.AddDate(0, 0, 14)}).Error)
		if a, ok := answers[i]; ok {
			kind := models.KindPelaksana
			if tr.ToUnitID == "U2" {
				kind = models.KindFungsional
			}
			must(gdb.Create(&models.SurveyAnswer{ID: fmt.Sprintf("A%02d", 99-i), RoundID: "R1", UnitID: tr.ToUnitID,
				PositionKind: kind, InstrumentVersion: 1, Answers: a}).Error)
		}
	}
	must(gdb.Create(&[]models.Objection{
		{TransferID: "T03", NIP: "x", Category: models.ObjectFamily, Text: "keluarga", ObjectedAt: base},
		{TransferID: "T08", NIP: "x", Category: models.ObjectCompetence, Text: "kompetensi", ObjectedAt: base},
	}).Error)
	must(gdb.Create(&[]models.TrainingAssignment{
		{TransferID: "T08", NIP: "x", Reason: "objection", Status: models.TrainingCompleted, AssignedAt: base, Deadline: base},
		{TransferID: "T09", NIP: "x", Reason: "competence_gap", Status: models.TrainingMissed, AssignedAt: base, Deadline: base},
		{TransferID: "T10", NIP: "x", Reason: "competence_gap", Status: models.TrainingAssigned, AssignedAt: base, Deadline: base},
	}).Error)
}

func eq(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil || *got != want {
		t.Errorf("%s = %v, want %v", what, deref(got), want)
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func computed(t *testing.T) (Report, *gorm.DB) {
	gdb, _ := testkit.New(t)
	fixture(t, gdb)
	d, err := ForRound(context.Background(), gdb, "R1")
	if err != nil {
		t.Fatal(err)
	}
	return Compute(d), gdb
}

func item(r Report, code string) ItemStats {
	for _, it := range r.Items {
		if it.Code == code {
			return it
		}
	}
	return ItemStats{}
}

func TestReportAgainstHandComputedFixture(t *testing.T) {
	r, _ := computed(t)
	if r.Transfers != 11 || r.Socialized != 10 || r.Stages[models.StageCompleted] != 10 ||
		r.Stages[models.StageRemoved] != 1 || r.Stages[models.StageRejected] != 1 {
		t.Errorf("counts: transfers %d, socialized %d, stages %v", r.Transfers, r.Socialized, r.Stages)
	}
	if r.Response.Sent != 10 || r.Response.Answered != 7 {
		t.Errorf("response %+v", r.Response)
	}
	eq(t, "response rate", r.Response.Rate, 0.7)
	// motivation 5,4,2,3,5,1,4: mean 24/7, four of seven answered 4 or 5.
	m := item(r, "motivation")
	eq(t, "motivation mean", m.Mean, 3.43)
	eq(t, "motivation top-2", m.Top2, 0.5714)
	eq(t, "% more motivated", r.Motivated, 0.5714)
	if fmt.Sprint(m.Distribution) != "[1 1 1 2 2]" || m.N != 7 {
		t.Errorf("motivation distribution %v, n %d", m.Distribution, m.N)
	}
	eq(t, "fairness mean", item(r, "fairness").Mean, 3.43)
	// eNPS 10,9,6,7,0,8,10: three promoters, two passives, two detractors.
	if r.ENPS == nil || r.ENPS.Promoters != 3 || r.ENPS.Passives != 2 || r.ENPS.Detractors != 2 || r.ENPS.Score != 14.29 {
		t.Errorf("eNPS %+v, want 3/2/2 and 14.29", r.ENPS)
	}
	e := item(r, "enps")
	eq(t, "eNPS item mean", e.Mean, 7.14)
	if e.Top2 != nil || fmt.Sprint(e.Distribution) != "[1 0 0 0 0 0 1 1 1 1 2]" {
		t.Errorf("eNPS item: top-2 %v, distribution %v", deref(e.Top2), e.Distribution)
	}
	if item(r, "workload").N != 0 || item(r, "workload").Mean != nil {
		t.Errorf("an unanswered item has figures: %+v", item(r, "workload"))
	}
	if r.Objections.Count != 2 || r.Objections.ByCategory[models.ObjectFamily] != 1 || r.Objections.ByCategory[models.ObjectCompetence] != 1 {
		t.Errorf("objections %+v", r.Objections)
	}
	eq(t, "objection rate", r.Objections.Rate, 0.2)
	if r.Training != (TrainingStats{Assigned: 3, Completed: 1, Missed: 1, Pending: 1}) {
		t.Errorf("training %+v", r.Training)
	}
	// days 0,0,1,1,2,2,3,3,30,40: mean 8.2, median 2, max 40.
	eq(t, "days mean", r.ToEffective.Mean, 8.2)
	eq(t, "days median", r.ToEffective.Median, 2)
	eq(t, "days max", r.ToEffective.Max, 40)
	if strings.Join(r.Comments, "|") != "Bagus|Kurang jelas" {
		t.Errorf("comments %q", r.Comments)
	}
	// U1: eight confirmed transfers (T12 was rejected there) and six
	// respondents; U2: one respondent. The old rule showed U1 and hid U2,
	// so the round minus U1 gave away U2's one answer: both are hidden.
	if len(r.ByUnit) != 2 {
		t.Fatalf("by unit %+v", r.ByUnit)
	}
	for _, g := range append(r.ByUnit, r.ByKind...) {
		if !g.Suppressed || g.Respondents != nil || g.Means != nil || g.Motivated != nil || g.ENPS != nil {
			t.Errorf("group %s shown: %+v", g.Key, g)
		}
	}
	if u1, u2 := r.ByUnit[0], r.ByUnit[1]; u1.Transfers != 8 || u1.Name != "Dinas Sosial" || u2.Transfers != 3 {
		t.Errorf("units %+v", r.ByUnit)
	}
	if len(r.ByKind) != 2 || r.ByKind[0].Key != "fungsional" || r.ByKind[1].Key != "pelaksana" {
		t.Errorf("by kind %+v", r.ByKind)
	}
}

// TestShownGroupAgainstHandComputedFixture adds to the fixture a unit U3
// of five respondents: U1 shows its hand-computed figures, U2 (one
// respondent) is hidden and so is U3, the smallest shown group, so that
// the round minus U1 gives six answers of two units; and U1 hides its
// fairness, which only it and U2 answered.
func TestShownGroupAgainstHandComputedFixture(t *testing.T) {
	gdb, _ := testkit.New(t)
	fixture(t, gdb)
	d, err := ForRound(context.Background(), gdb, "R1")
	if err != nil {
		t.Fatal(err)
	}
	d.Units["U3"] = "Dinas Pendidikan"
	for i := range MinGroup {
		id := fmt.Sprint("U3-", i)
		d.Transfers = append(d.Transfers, models.Transfer{ID: id, ToUnitID: "U3", ToPositionID: "P1", Stage: models.StageCompleted})
		d.Responses = append(d.Responses, stored(d, id, 1, map[string]any{"motivation": 3.0, "enps": 8.0}))
	}
	r := Compute(d)
	if len(r.ByUnit) != 3 {
		t.Fatalf("by unit %+v", r.ByUnit)
	}
	u1, u2, u3 := r.ByUnit[0], r.ByUnit[1], r.ByUnit[2]
	if u1.Suppressed || u1.Respondents == nil || *u1.Respondents != 6 || u1.Transfers != 8 {
		t.Errorf("U1 %+v", u1)
	}
	// U1's fairness (3.17 from its 6) is hidden: U3 has no fairness
	// answer, so the round's 7 less U1's 6 would be U2's one.
	if _, shown := u1.Means["fairness"]; u1.Means["motivation"] != 3.33 || shown {
		t.Errorf("U1 means %v, want motivation 3.33 and no fairness", u1.Means)
	}
	eq(t, "U1 more motivated", u1.Motivated, 0.5)
	eq(t, "U1 eNPS", u1.ENPS, 0)
	if !u2.Suppressed || !u3.Suppressed || u3.Respondents != nil || u3.Transfers != 5 {
		t.Errorf("U2 %+v, U3 %+v: want both suppressed", u2, u3)
	}
}

// answers makes n eNPS answers with the given values, each from its own
// transfer into one unit.
func npsData(values ...int) Data {
	d := Data{Units: map[string]string{"U": "Unit"}, Positions: map[string]models.Position{"P": {Kind: models.KindPelaksana}}}
	for i, v := range values {
		id := fmt.Sprint("T", i)
		d.Transfers = append(d.Transfers, models.Transfer{ID: id, ToUnitID: "U", ToPositionID: "P", Stage: models.StageCompleted})
		d.Responses = append(d.Responses, stored(d, id, 1, map[string]any{"enps": float64(v)}))
	}
	return d
}

// stored is the answer the survey activity stores for the transfer id of
// d: the round, its destination unit and position kind, the instrument
// version and the answers; nothing that names the transfer.
func stored(d Data, id string, version int, answers map[string]any) models.SurveyAnswer {
	for _, t := range d.Transfers {
		if t.ID == id {
			return models.SurveyAnswer{RoundID: t.RoundID, UnitID: t.ToUnitID, PositionKind: d.Positions[t.ToPositionID].Kind,
				InstrumentVersion: version, Answers: answers}
		}
	}
	panic("no transfer " + id)
}

// fillBlocks gives answers, taken as given in this order, IDs and the
// blocks the survey activity gives them: whole blocks of MinGroup
// numbered from 1, the rest waiting. Later answers get IDs that sort
// first, so that only the blocks keep the order.
func fillBlocks(answers []models.SurveyAnswer) {
	whole := len(answers) / MinGroup * MinGroup
	for i := range answers {
		answers[i].ID = fmt.Sprintf("A%05d", 99999-i)
		answers[i].Block = nil
		if i < whole {
			b := i/MinGroup + 1
			answers[i].Block = &b
		}
	}
}

func TestENPSAndSuppressionEdges(t *testing.T) {
	if r := Compute(npsData()); r.ENPS != nil || r.Response.Rate != nil || r.Motivated != nil {
		t.Errorf("no answers: eNPS %+v, rate %v", r.ENPS, deref(r.Response.Rate))
	}
	for _, c := range []struct {
		values []int
		score  float64
	}{
		{[]int{9, 10, 9, 9, 10}, 100}, {[]int{0, 6, 6, 0, 1}, -100}, {[]int{7, 8, 7, 8, 7}, 0},
		{[]int{6, 7, 9, 8, 7}, 0}, {[]int{9, 9, 6, 9, 9, 6}, 33.33},
	} {
		r := Compute(npsData(c.values...))
		if r.ENPS == nil || r.ENPS.Score != c.score {
			t.Errorf("eNPS of %v = %+v, want %v", c.values, r.ENPS, c.score)
		}
	}
	r := Compute(npsData(9, 9, 9, 9))
	if g := r.ByUnit[0]; !g.Suppressed {
		t.Errorf("four respondents shown: %+v", g)
	}
	if e := item(r, "enps"); r.ENPS != nil || !r.Suppressed || !e.Suppressed || e.N != 4 || e.Mean != nil || len(e.Distribution) != 0 {
		t.Errorf("the round's figures of four respondents shown: eNPS %+v, item %+v", r.ENPS, e)
	}
	if g := Compute(npsData(9, 9, 9, 9, 0)).ByUnit[0]; g.Suppressed || g.ENPS == nil || *g.ENPS != 60 {
		t.Errorf("five respondents: %+v", g)
	}
	d := npsData(9, 9, 9, 9)
	d.Responses[0].Answers["comments"] = "siapa saya"
	if r := Compute(d); len(r.Comments) != 0 {
		t.Errorf("comments of four respondents shown: %q", r.Comments)
	}
	d = npsData(9)
	d.Responses[0].InstrumentVersion = 99
	if r := Compute(d); r.Response.Answered != 0 {
		t.Error("an answer to an unknown instrument version was counted")
	}
}

// csvRows writes r as CSV and reads it back.
// workbook is the report's workbook in lang, opened; closed when the
// test ends.
func workbook(t *testing.T, r Report, lang string) *excelize.File {
	t.Helper()
	var b bytes.Buffer
	if err := r.Excel(&b, lang); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// hasRows fails the test for each of want that rows lacks.
func hasRows(t *testing.T, what string, rows [][]string, want ...[]string) {
	t.Helper()
	for _, w := range want {
		if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, w) }) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func csvRows(t *testing.T, r Report) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := r.CSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSVExcelAndCharts(t *testing.T) {
	r, _ := computed(t)
	rows := csvRows(t, r)
	got := map[string]string{}
	for _, row := range rows[1:] {
		got[row[0]+"/"+row[1]+"/"+row[2]] = row[3]
	}
	for key, want := range map[string]string{
		"summary//response_rate": "0.7", "summary//enps": "14.29", "summary//motivated": "0.5714",
		"item/motivation/mean": "3.43", "item/enps/answered_10": "2", "unit/U1/suppressed": "true",
		"unit/U2/suppressed": "true", "objection/competence/count": "1", "stage/completed/transfers": "10",
	} {
		if got[key] != want {
			t.Errorf("CSV %s = %q, want %q", key, got[key], want)
		}
	}
	for _, key := range []string{"unit/U1/respondents", "unit/U2/respondents", "summary//suppressed", "item/workload/suppressed"} {
		if _, leaked := got[key]; leaked {
			t.Errorf("the CSV has %s", key)
		}
	}

	var b bytes.Buffer
	if err := r.Excel(&b, "id"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	cell := func(sheet, ref string) string {
		v, err := x.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if sheets := x.GetSheetList(); strings.Join(sheets, ",") != "Ringkasan,Butir survei,Per unit,Per jenis jabatan,Keberatan,Tahap,Alur antarunit,Teks keberatan,Capaian program" {
		t.Errorf("sheets %v", sheets)
	}
	for _, c := range []struct{ sheet, ref, want string }{
		{"Ringkasan", "A1", "Ukuran"}, {"Ringkasan", "A6", "Tingkat respons"}, {"Ringkasan", "B6", "0.7"},
		{"Ringkasan", "B8", "14.29"}, {"Butir survei", "A14", "motivation"}, {"Butir survei", "D14", "3.43"},
		{"Butir survei", "E14", "0.5714"}, {"Butir survei", "A17", "fairness"}, {"Per unit", "A2", "Dinas Sosial"},
		{"Per unit", "C2", "disembunyikan demi anonimitas (min. 5 responden)"},
		{"Per unit", "C3", "disembunyikan demi anonimitas (min. 5 responden)"}, {"Keberatan", "B2", "1"},
	} {
		if got := cell(c.sheet, c.ref); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.ref, got, c.want)
		}
	}

	for _, name := range Charts {
		svg, err := r.Chart(name, "en")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			XMLName xml.Name
			Rects   []struct {
				Class string `xml:"class,attr"`
			} `xml:"rect"`
		}
		if err := xml.Unmarshal(svg, &doc); err != nil || doc.XMLName.Local != "svg" {
			t.Fatalf("%s: not SVG: %v", name, err)
		}
		bars := 0
		for _, r := range doc.Rects {
			if r.Class == "bar" {
				bars++
			}
		}
		if bars == 0 {
			t.Errorf("%s chart has no bars", name)
		}
	}
	if svg, _ := r.Chart("items", "en"); !bytes.Contains(svg, []byte("Motivation vs before")) || !bytes.Contains(svg, []byte(">3.43<")) {
		t.Errorf("items chart lacks its labels:\n%s", svg)
	}
	if _, err := r.Chart("pie", "id"); err == nil {
		t.Error("an unknown chart was drawn")
	}
}

// TestCSVCellsAreText writes the report of a unit whose imported id is a
// formula: the CSV quotes it, so a spreadsheet shows it as text, and
// leaves the negative eNPS a number.
func TestCSVCellsAreText(t *testing.T) {
	const unit = "=cmd|'/C calc'!A0"
	d := npsData(0, 0, 0, 0, 9)
	d.Units = map[string]string{unit: "Unit"}
	for i := range d.Transfers {
		d.Transfers[i].ToUnitID = unit
		d.Responses[i].UnitID = unit
	}
	rows := csvRows(t, Compute(d))
	got := map[string]string{}
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[1], "=") {
			t.Errorf("a cell a spreadsheet runs: %q", row)
		}
		got[row[0]+"/"+row[1]+"/"+row[2]] = row[3]
	}
	if u, s := got["unit/'"+unit+"/enps"], got["summary//enps"]; u != "-60" || s != "-60" {
		t.Errorf("the unit's eNPS %q and the summary's %q, want -60 and -60", u, s)
	}
}

// TestVersionsOneAndTwo reads five version-1 answers and five version-2
// answers in one closed round: items both versions ask count all ten,
// version 1's fairness (fair and transparent in one) stays its own item
// after the current ones, version 2's two items count its five, and
// training_adequacy counts the version-1 answers and the trained movers
// of version 2 only.
func TestVersionsOneAndTwo(t *testing.T) {
	d := Data{Units: map[string]string{"U": "Unit"}, Positions: map[string]models.Position{"P": {Kind: models.KindPelaksana}}}
	for i := range 10 {
		id := fmt.Sprint("T", i)
		d.Transfers = append(d.Transfers, models.Transfer{ID: id, ToUnitID: "U", ToPositionID: "P", Stage: models.StageCompleted})
		d.Surveys = append(d.Surveys, models.Survey{TransferID: id, Status: models.SurveyAnswered})
		a := map[string]any{"motivation": float64(1 + i%5), "enps": 9.0}
		version := 1
		if i < 5 {
			a["fairness"] = 2.0
			a["training_adequacy"] = 1.0
		} else {
			version = 2
			a["process_fairness"] = 4.0
			a["process_transparency"] = float64(i - 4) // 1..5
			if i >= 8 {                                // two trained movers
				a["training_adequacy"] = 5.0
			}
		}
		d.Responses = append(d.Responses, stored(d, id, version, a))
	}
	fillBlocks(d.Responses)
	r := Compute(d)
	if r.Live || r.Suppressed || r.Response.Answered != 10 {
		t.Fatalf("live %v, suppressed %v, answered %d", r.Live, r.Suppressed, r.Response.Answered)
	}
	for _, c := range []struct {
		code string
		n    int
		mean float64
	}{
		{"motivation", 10, 3}, {"fairness", 5, 2}, {"process_fairness", 5, 4}, {"process_transparency", 5, 3},
		{"training_adequacy", 7, 15.0 / 7},
	} {
		it := item(r, c.code)
		if it.N != c.n {
			t.Errorf("%s: n %d, want %d", c.code, it.N, c.n)
		}
		eq(t, c.code+" mean", it.Mean, round(c.mean))
	}
	if last := r.Items[len(r.Items)-1]; last.Code != "fairness" || last.Text != "Proses mutasi berjalan adil dan transparan." {
		t.Errorf("the last item is %s %q, want version 1's fairness with its own text", last.Code, last.Text)
	}
	if it := item(r, "process_transparency"); it.Text == "" || it.Distribution[0] != 1 || it.Distribution[4] != 1 {
		t.Errorf("process_transparency %+v", it)
	}
	if g := r.ByUnit[0]; g.Means["fairness"] != 2 || g.Means["process_fairness"] != 4 {
		t.Errorf("unit means %v", g.Means)
	}
}

// TestLiveCountsFilledBlocks reads answers as the database holds them
// while the window is open: only those whose block has filled count,
// whatever their IDs, and the answers still waiting change nothing.
func TestLiveCountsFilledBlocks(t *testing.T) {
	d := npsData(9, 9, 9, 9, 9, 0, 0, 0, 0)
	fillBlocks(d.Responses)
	d.Surveys = []models.Survey{{Status: models.SurveyOpen}}
	r := Compute(d)
	if !r.Live || r.Response.Answered != 5 || r.ENPS == nil || r.ENPS.Score != 100 {
		t.Fatalf("live %v, answered %d, eNPS %+v: want the first block of five promoters", r.Live, r.Response.Answered, r.ENPS)
	}
	// The waiting answers' IDs sort first: the block, not the ID, decides.
	for i := range d.Responses {
		if d.Responses[i].Block == nil {
			d.Responses[i].ID = "0" + d.Responses[i].ID
		}
	}
	if r := Compute(d); r.Response.Answered != 5 || r.ENPS.Score != 100 {
		t.Errorf("waiting answers counted: answered %d, eNPS %+v", r.Response.Answered, r.ENPS)
	}
	// Beside them, a round that has ended (block 0, all its answers)
	// counts whole, in a report over both.
	ended := npsData(0, 0, 0)
	for i := range ended.Responses {
		zero := 0
		ended.Responses[i].Block, ended.Responses[i].ID = &zero, fmt.Sprint("Z", i)
	}
	d.Responses = append(d.Responses, ended.Responses...)
	if r := Compute(d); r.Response.Answered != 8 || r.ENPS.Score != 25 {
		t.Errorf("with an ended round's three answers: answered %d, eNPS %+v, want 8 and 25", r.Response.Answered, r.ENPS)
	}
}

// TestEveryItemHasAShortName: every rated item of every instrument
// version has its short name in both languages for charts and sheets.
func TestEveryItemHasAShortName(t *testing.T) {
	for v := 1; v <= survey.CurrentVersion; v++ {
		in, ok := survey.Lookup(v)
		if !ok {
			t.Fatalf("version %d missing", v)
		}
		for _, it := range in.Items {
			if l, ok := shortItems[it.Code]; it.Scale != survey.Text && (!ok || l.ID == "" || l.EN == "") {
				t.Errorf("version %d's %s has no short name", v, it.Code)
			}
		}
	}
}
