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
}

// Instrument is one version of the survey's questions. A change to the
// questions is a new version: answers keep the version they were given
// against, and reports read each answer with its own version's items.
type Instrument struct {
	Version int    `json:"version"`
	Items   []Item `json:"items"`
}

// instruments holds every version ever sent, by number.
var instruments = map[int]Instrument{1: {Version: 1, Items: itemsV1}}

// CurrentVersion is the version sent with new surveys.
const CurrentVersion = 1

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

// itemsV1 are the questions of version 1.
var itemsV1 = []Item{
	{"socialization_clarity", Likert5, "Pemberitahuan mutasi menjelaskan dengan jelas apa, mengapa dan kapan.", "The transfer notice clearly explained what, why and when.", true},
	{"socialization_timeliness", Likert5, "Pemberitahuan mutasi saya terima tepat waktu.", "I received the transfer notice in good time.", true},
	{"fairness", Likert5, "Proses mutasi berjalan adil dan transparan.", "The transfer process was fair and transparent.", true},
	{"role_clarity", Likert5, "Tugas dan tanggung jawab di jabatan baru jelas bagi saya.", "My duties and responsibilities in the new position are clear.", true},
	{"competence_fit", Likert5, "Kompetensi saya sesuai dengan jabatan baru.", "My competences fit the new position.", true},
	{"training_adequacy", Likert5, "Pelatihan dan pembekalan yang diberikan memadai.", "The training and preparation provided were adequate.", true},
	{"supervisor_support", Likert5, "Atasan baru saya memberi dukungan yang cukup.", "My new supervisor supports me well.", true},
	{"team_support", Likert5, "Rekan kerja di unit baru menerima dan membantu saya.", "My colleagues in the new unit welcomed and helped me.", true},
	{"workload", Likert5, "Beban kerja saya di jabatan baru wajar.", "My workload in the new position is reasonable.", true},
	{"family_impact", Likert5, "Mutasi ini tidak memberatkan keluarga atau tempat tinggal saya.", "This transfer does not burden my family or where I live.", true},
	{"motivation", Change5, "Dibandingkan sebelum mutasi, motivasi kerja saya sekarang...", "Compared with before the transfer, my motivation at work is now...", true},
	{"intent_to_stay", Likert5, "Saya ingin tetap di jabatan ini setidaknya dua tahun lagi.", "I want to stay in this position for at least two more years.", true},
	{"enps", NPS, "Seberapa besar kemungkinan Anda merekomendasikan instansi ini sebagai tempat kerja (0-10)?", "How likely are you to recommend this organisation as a place to work (0-10)?", true},
	{"comments", Text, "Saran atau komentar lain.", "Other suggestions or comments.", false},
}

// Problem is one thing wrong with a set of answers, in both languages.
type Problem struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// maxComment bounds the free-text answer.
const maxComment = 4000

// Check checks answers against the current version.
func Check(answers map[string]any) []Problem {
	return instruments[CurrentVersion].Check(answers)
}

// Check returns what is wrong with answers, or nothing: every required
// item answered within its scale, nothing unknown.
func (in Instrument) Check(answers map[string]any) []Problem {
	var out []Problem
	known := map[string]bool{}
	for _, it := range in.Items {
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
		if !known[code] {
			out = append(out, Problem{code, "bukan butir survei", "is not a survey item"})
		}
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return out
}
