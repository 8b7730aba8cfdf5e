// Package survey defines the post-transfer survey: its items, in Bahasa
// Indonesia and English, and the checking of answers.
package survey

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Scale is how an item is answered.
type Scale string

// The scales.
const (
	Likert5 Scale = "likert5" // 1 (sangat tidak setuju) .. 5 (sangat setuju)
	Change5 Scale = "change5" // 1 (jauh lebih rendah) .. 5 (jauh lebih tinggi)
	NPS     Scale = "nps"     // 0 .. 10
	Text    Scale = "text"    // free text, optional
)

// Item is one survey question.
type Item struct {
	Code     string `json:"code"`
	Scale    Scale  `json:"scale"`
	Text     string `json:"text"`
	TextEN   string `json:"text_en"`
	Required bool   `json:"required"`
	// TrainedOnly items are asked only of people who were trained for
	// their move; others are not shown them and may not answer them.
	TrainedOnly bool `json:"trained_only,omitempty"`
}

// Instrument is one version of the survey's questions. A change to the
// questions is a new version: answers keep the version they were given
// against, and reports read each answer with its own version's items.
type Instrument struct {
	Version int    `json:"version"`
	Items   []Item `json:"items"`
}

// instruments holds every version ever sent, by number.
var instruments = map[int]Instrument{1: {Version: 1, Items: itemsV1}, 2: {Version: 2, Items: itemsV2}}

// CurrentVersion is the version sent with new surveys.
const CurrentVersion = 2

// Items are the current version's questions, in order.
var Items = instruments[CurrentVersion].Items

// Lookup returns a version of the instrument.
func Lookup(version int) (Instrument, bool) {
	in, ok := instruments[version]
	return in, ok
}

// Item returns the item with the given code, if the version has it.
func (in Instrument) Item(code string) (Item, bool) {
	for _, it := range in.Items {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// For returns the items a respondent is asked: all of them for someone
// trained for the move, all but the TrainedOnly ones for anyone else.
func (in Instrument) For(trained bool) []Item {
	var out []Item
	for _, it := range in.Items {
		if trained || !it.TrainedOnly {
			out = append(out, it)
		}
	}
	return out
}

// The items, each written once; the versions below list which they ask.
var (
	socializationClarity    = Item{"socialization_clarity", Likert5, "Pemberitahuan mutasi menjelaskan dengan jelas apa, mengapa dan kapan.", "The transfer notice clearly explained what, why and when.", true, false}
	socializationTimeliness = Item{"socialization_timeliness", Likert5, "Pemberitahuan mutasi saya terima tepat waktu.", "I received the transfer notice in good time.", true, false}
	fairnessV1              = Item{"fairness", Likert5, "Proses mutasi berjalan adil dan transparan.", "The transfer process was fair and transparent.", true, false}
	heardBeforeMove         = Item{"heard_before_move", Likert5, "Pendapat saya didengar sebelum mutasi diputuskan.", "My views were heard before the transfer was decided.", true, false}
	processFairness         = Item{"process_fairness", Likert5, "Proses mutasi berjalan adil.", "The transfer process was fair.", true, false}
	processTransparency     = Item{"process_transparency", Likert5, "Proses mutasi berjalan transparan: alasan dan kriterianya jelas bagi saya.", "The transfer process was transparent: its reasons and criteria were clear to me.", true, false}
	roleClarity             = Item{"role_clarity", Likert5, "Tugas dan tanggung jawab di jabatan baru jelas bagi saya.", "My duties and responsibilities in the new position are clear.", true, false}
	competenceFit           = Item{"competence_fit", Likert5, "Kompetensi saya sesuai dengan jabatan baru.", "My competences fit the new position.", true, false}
	trainingAdequacy        = Item{"training_adequacy", Likert5, "Pelatihan dan pembekalan yang diberikan memadai.", "The training and preparation provided were adequate.", true, false}
	supervisorSupport       = Item{"supervisor_support", Likert5, "Atasan baru saya memberi dukungan yang cukup.", "My new supervisor supports me well.", true, false}
	teamSupport             = Item{"team_support", Likert5, "Rekan kerja di unit baru menerima dan membantu saya.", "My colleagues in the new unit welcomed and helped me.", true, false}
	workload                = Item{"workload", Likert5, "Beban kerja saya di jabatan baru wajar.", "My workload in the new position is reasonable.", true, false}
	familyImpact            = Item{"family_impact", Likert5, "Mutasi ini tidak memberatkan keluarga atau tempat tinggal saya.", "This transfer does not burden my family or where I live.", true, false}
	motivation              = Item{"motivation", Change5, "Dibandingkan sebelum mutasi, motivasi kerja saya sekarang...", "Compared with before the transfer, my motivation at work is now...", true, false}
	intentToStay            = Item{"intent_to_stay", Likert5, "Saya ingin tetap di jabatan ini setidaknya dua tahun lagi.", "I want to stay in this position for at least two more years.", true, false}
	enps                    = Item{"enps", NPS, "Seberapa besar kemungkinan Anda merekomendasikan instansi ini sebagai tempat kerja (0-10)?", "How likely are you to recommend this organisation as a place to work (0-10)?", true, false}
	comments                = Item{"comments", Text, "Saran atau komentar lain.", "Other suggestions or comments.", false, false}
)

// trainedOnly is the item as asked only of trained movers.
func trainedOnly(it Item) Item {
	it.TrainedOnly = true
	return it
}

// itemsV1 are the questions of version 1. Its fairness item asked about
// fair and transparent at once, and training_adequacy was required of
// everyone, trained or not: version 2 mends both.
var itemsV1 = []Item{socializationClarity, socializationTimeliness, fairnessV1, roleClarity, competenceFit,
	trainingAdequacy, supervisorSupport, teamSupport, workload, familyImpact, motivation, intentToStay, enps, comments}

// itemsV2 are the questions of version 2: fairness and transparency as
// two items (process_fairness, process_transparency; version 1's
// fairness stays its own item in reports), an item on being heard
// before the move, and training_adequacy asked only of trained movers.
var itemsV2 = []Item{socializationClarity, socializationTimeliness, heardBeforeMove, processFairness, processTransparency,
	roleClarity, competenceFit, trainedOnly(trainingAdequacy), supervisorSupport, teamSupport, workload, familyImpact,
	motivation, intentToStay, enps, comments}

// Problem is one thing wrong with a set of answers, in both languages.
type Problem struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// maxComment bounds the free-text answer.
const maxComment = 4000

// Check checks answers against the current version, for a respondent
// trained for the move or not.
func Check(answers map[string]any, trained bool) []Problem {
	return instruments[CurrentVersion].Check(answers, trained)
}

// Check returns what is wrong with answers, or nothing: every required
// item the respondent is asked (see For) answered within its scale,
// nothing unknown and nothing they are not asked.
func (in Instrument) Check(answers map[string]any, trained bool) []Problem {
	var out []Problem
	known := map[string]bool{}
	for _, it := range in.For(trained) {
		known[it.Code] = true
		v, ok := answers[it.Code]
		if !ok || v == nil {
			if it.Required {
				out = append(out, Problem{it.Code, "wajib diisi", "is required"})
			}
			continue
		}
		if it.Scale == Text {
			s, isText := v.(string)
			if !isText || len(s) > maxComment {
				out = append(out, Problem{it.Code, fmt.Sprintf("harus teks paling panjang %d karakter", maxComment),
					fmt.Sprintf("must be text of at most %d characters", maxComment)})
			}
			continue
		}
		lo, hi := 1.0, 5.0
		if it.Scale == NPS {
			lo, hi = 0, 10
		}
		n, isNum := v.(float64)
		if i, isInt := v.(int); isInt {
			n, isNum = float64(i), true
		}
		if !isNum || n != math.Trunc(n) || n < lo || n > hi {
			out = append(out, Problem{it.Code, fmt.Sprintf("harus bilangan bulat %g sampai %g", lo, hi),
				fmt.Sprintf("must be a whole number from %g to %g", lo, hi)})
		}
	}
	for code := range answers {
		if known[code] {
			continue
		}
		if _, ok := in.Item(code); ok {
			out = append(out, Problem{code, "hanya untuk pegawai yang mengikuti pelatihan", "is only for those who were trained"})
			continue
		}
		out = append(out, Problem{code, "bukan butir survei", "is not a survey item"})
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return out
}
