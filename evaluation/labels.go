package evaluation

// label is a text in Bahasa Indonesia and English.
type label struct{ id, en string }

// text picks the language; anything but "en" reads Indonesian.
func (l label) text(lang string) string {
	if lang == "en" {
		return l.en
	}
	return l.id
}

// shortItems are short names of the survey items, for charts and sheets.
var shortItems = map[string]label{
	"socialization_clarity":    {"Kejelasan sosialisasi", "Notice clarity"},
	"socialization_timeliness": {"Ketepatan waktu sosialisasi", "Notice timeliness"},
	"fairness":                 {"Keadilan proses", "Fairness"},
	"role_clarity":             {"Kejelasan peran", "Role clarity"},
	"competence_fit":           {"Kesesuaian kompetensi", "Competence fit"},
	"training_adequacy":        {"Kecukupan pelatihan", "Training adequacy"},
	"supervisor_support":       {"Dukungan atasan", "Supervisor support"},
	"team_support":             {"Dukungan tim", "Team support"},
	"workload":                 {"Beban kerja", "Workload"},
	"family_impact":            {"Dampak keluarga/lokasi", "Family/location impact"},
	"motivation":               {"Motivasi dibanding sebelumnya", "Motivation vs before"},
	"intent_to_stay":           {"Niat bertahan", "Intent to stay"},
	"enps":                     {"eNPS (0-10)", "eNPS (0-10)"},
}

// itemName is an item's short name, or its code for an unknown item.
func itemName(code, lang string) string {
	if l, ok := shortItems[code]; ok {
		return l.text(lang)
	}
	return code
}

// words are the report's other labels.
var words = map[string]label{
	"metric":           {"Ukuran", "Metric"},
	"value":            {"Nilai", "Value"},
	"transfers":        {"Mutasi dikonfirmasi", "Confirmed transfers"},
	"socialized":       {"Mutasi disosialisasikan", "Transfers socialized"},
	"sent":             {"Survei dikirim", "Surveys sent"},
	"answered":         {"Survei dijawab", "Surveys answered"},
	"response_rate":    {"Tingkat respons", "Response rate"},
	"motivated":        {"% lebih termotivasi", "% more motivated"},
	"enps":             {"eNPS", "eNPS"},
	"objections":       {"Keberatan", "Objections"},
	"objection_rate":   {"Tingkat keberatan", "Objection rate"},
	"assigned":         {"Pelatihan ditugaskan", "Training assigned"},
	"completed":        {"Pelatihan selesai", "Training completed"},
	"missed":           {"Pelatihan lewat batas", "Training missed"},
	"pending":          {"Pelatihan berjalan", "Training pending"},
	"to_eff_mean":      {"Hari dari persetujuan ke TMT (rata-rata)", "Days from approval to effective (mean)"},
	"to_eff_median":    {"Hari dari persetujuan ke TMT (median)", "Days from approval to effective (median)"},
	"to_eff_max":       {"Hari dari persetujuan ke TMT (maks.)", "Days from approval to effective (max)"},
	"code":             {"Kode", "Code"},
	"question":         {"Pertanyaan", "Question"},
	"mean":             {"Rata-rata", "Mean"},
	"top2":             {"% skor 4-5", "% scoring 4-5"},
	"unit":             {"Unit", "Unit"},
	"kind":             {"Jenis jabatan", "Position kind"},
	"respondents":      {"Responden", "Respondents"},
	"suppressed":       {"disembunyikan (< 5 responden)", "suppressed (< 5 respondents)"},
	"category":         {"Kategori", "Category"},
	"count":            {"Jumlah", "Count"},
	"stage":            {"Tahap", "Stage"},
	"sheet_summary":    {"Ringkasan", "Summary"},
	"sheet_items":      {"Butir survei", "Survey items"},
	"sheet_units":      {"Per unit", "By unit"},
	"sheet_kinds":      {"Per jenis jabatan", "By position kind"},
	"sheet_objections": {"Keberatan", "Objections"},
	"sheet_stages":     {"Tahap", "Stages"},
	"promoters":        {"Promotor (9-10)", "Promoters (9-10)"},
	"passives":         {"Pasif (7-8)", "Passives (7-8)"},
	"detractors":       {"Detraktor (0-6)", "Detractors (0-6)"},
	"chart_items":      {"Rata-rata per butir (1-5)", "Mean per item (1-5)"},
	"chart_dist":       {"Sebaran jawaban per butir", "Answers per item"},
	"chart_stages":     {"Mutasi per tahap", "Transfers per stage"},
	"chart_enps":       {"eNPS", "eNPS"},
	"no_data":          {"Belum ada data", "No data yet"},
}

func word(key, lang string) string { return words[key].text(lang) }
