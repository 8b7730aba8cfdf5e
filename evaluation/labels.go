package evaluation

import (
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
)

// shortItems are short names of the survey items of every version, for
// charts and sheets.
var shortItems = map[string]i18n.Text{
	"socialization_clarity":    {ID: "Kejelasan sosialisasi", EN: "Notice clarity"},
	"socialization_timeliness": {ID: "Ketepatan waktu sosialisasi", EN: "Notice timeliness"},
	"heard_before_move":        {ID: "Didengar sebelum mutasi", EN: "Heard before the move"},
	"process_fairness":         {ID: "Keadilan proses", EN: "Fairness"},
	"process_transparency":     {ID: "Transparansi proses", EN: "Transparency"},
	"fairness":                 {ID: "Adil dan transparan (versi 1)", EN: "Fair and transparent (version 1)"},
	"role_clarity":             {ID: "Kejelasan peran", EN: "Role clarity"},
	"competence_fit":           {ID: "Kesesuaian kompetensi", EN: "Competence fit"},
	"training_adequacy":        {ID: "Kecukupan pelatihan", EN: "Training adequacy"},
	"supervisor_support":       {ID: "Dukungan atasan", EN: "Supervisor support"},
	"team_support":             {ID: "Dukungan tim", EN: "Team support"},
	"workload":                 {ID: "Beban kerja", EN: "Workload"},
	"family_impact":            {ID: "Dampak keluarga/lokasi", EN: "Family/location impact"},
	"motivation":               {ID: "Motivasi dibanding sebelumnya", EN: "Motivation vs before"},
	"intent_to_stay":           {ID: "Niat bertahan", EN: "Intent to stay"},
	"enps":                     {ID: "eNPS (0-10)", EN: "eNPS (0-10)"},
}

// itemName is an item's short name, or its code for an unknown item.
func itemName(code, lang string) string {
	if l, ok := shortItems[code]; ok {
		return l.In(lang)
	}
	return code
}

// words are the report's other labels.
var words = map[string]i18n.Text{
	"metric":                    {ID: "Ukuran", EN: "Metric"},
	"value":                     {ID: "Nilai", EN: "Value"},
	"transfers":                 {ID: "Mutasi dikonfirmasi", EN: "Confirmed transfers"},
	"socialized":                {ID: "Mutasi disosialisasikan", EN: "Transfers socialized"},
	"sent":                      {ID: "Survei dikirim", EN: "Surveys sent"},
	"answered":                  {ID: "Survei dijawab", EN: "Surveys answered"},
	"response_rate":             {ID: "Tingkat respons", EN: "Response rate"},
	"motivated":                 {ID: "% lebih termotivasi", EN: "% more motivated"},
	"enps":                      {ID: "eNPS", EN: "eNPS"},
	"objections":                {ID: "Keberatan", EN: "Objections"},
	"objection_rate":            {ID: "Tingkat keberatan", EN: "Objection rate"},
	"assigned":                  {ID: "Pelatihan ditugaskan", EN: "Training assigned"},
	"completed":                 {ID: "Pelatihan selesai", EN: "Training completed"},
	"missed":                    {ID: "Pelatihan lewat batas", EN: "Training missed"},
	"pending":                   {ID: "Pelatihan berjalan", EN: "Training pending"},
	"to_eff_mean":               {ID: "Hari dari persetujuan ke TMT (rata-rata)", EN: "Days from approval to effective (mean)"},
	"to_eff_median":             {ID: "Hari dari persetujuan ke TMT (median)", EN: "Days from approval to effective (median)"},
	"to_eff_max":                {ID: "Hari dari persetujuan ke TMT (maks.)", EN: "Days from approval to effective (max)"},
	"code":                      {ID: "Kode", EN: "Code"},
	"question":                  {ID: "Pertanyaan", EN: "Question"},
	"mean":                      {ID: "Rata-rata", EN: "Mean"},
	"top2":                      {ID: "% skor 4-5", EN: "% scoring 4-5"},
	"unit":                      {ID: "Unit", EN: "Unit"},
	"kind":                      {ID: "Jenis jabatan", EN: "Position kind"},
	"respondents":               {ID: "Responden", EN: "Respondents"},
	"suppressed":                {ID: "disembunyikan demi anonimitas (min. 5 responden)", EN: "suppressed for anonymity (min. 5 respondents)"},
	"live":                      {ID: "Survei masih berjalan (dihitung per 5 jawaban)", EN: "Survey still open (counted in blocks of 5 answers)"},
	"category":                  {ID: "Kategori", EN: "Category"},
	"count":                     {ID: "Jumlah", EN: "Count"},
	"stage":                     {ID: "Tahap", EN: "Stage"},
	"sheet_summary":             {ID: "Ringkasan", EN: "Summary"},
	"sheet_items":               {ID: "Butir survei", EN: "Survey items"},
	"sheet_units":               {ID: "Per unit", EN: "By unit"},
	"sheet_kinds":               {ID: "Per jenis jabatan", EN: "By position kind"},
	"sheet_objections":          {ID: "Keberatan", EN: "Objections"},
	"sheet_stages":              {ID: "Tahap", EN: "Stages"},
	"promoters":                 {ID: "Promotor (9-10)", EN: "Promoters (9-10)"},
	"passives":                  {ID: "Pasif (7-8)", EN: "Passives (7-8)"},
	"detractors":                {ID: "Detraktor (0-6)", EN: "Detractors (0-6)"},
	"chart_items":               {ID: "Rata-rata per butir (1-5)", EN: "Mean per item (1-5)"},
	"chart_dist":                {ID: "Sebaran jawaban per butir", EN: "Answers per item"},
	"chart_stages":              {ID: "Mutasi per tahap", EN: "Transfers per stage"},
	"chart_enps":                {ID: "eNPS", EN: "eNPS"},
	"no_data":                   {ID: "Belum ada data", EN: "No data yet"},
	"sheet_flows":               {ID: "Alur antarunit", EN: "Moves between units"},
	"sheet_texts":               {ID: "Teks keberatan", EN: "Objection texts"},
	"from_unit":                 {ID: "Unit asal", EN: "From unit"},
	"to_unit":                   {ID: "Unit tujuan", EN: "To unit"},
	"no_unit":                   {ID: "(tanpa unit)", EN: "(no unit)"},
	"text":                      {ID: "Teks keberatan", EN: "Objection"},
	"resolution":                {ID: "Penyelesaian", EN: "Resolution"},
	"note":                      {ID: "Catatan penyelesaian", EN: "Resolution note"},
	"unresolved":                {ID: "Belum diselesaikan", EN: "Not resolved yet"},
	"withheld":                  {ID: "teks tidak ditampilkan demi anonimitas (kurang dari 5 keberatan)", EN: "texts withheld for anonymity (fewer than 5 objections)"},
	"texts_pending":             {ID: "teks ditampilkan setelah jendela survei putaran ditutup", EN: "texts shown once the round's survey window has closed"},
	"sheet_outcomes":            {ID: "Capaian program", EN: "Programme outcomes"},
	"indicator":                 {ID: "Indikator", EN: "Indicator"},
	"group":                     {ID: "Kelompok", EN: "Group"},
	"over_tenure":               {ID: "Jabatan lewat masa jabatan maksimal", EN: "Posts past the maximum time in post"},
	"needed_seats":              {ID: "Kebutuhan formasi terisi", EN: "Needed seats filled"},
	"career_steps":              {ID: "Arah karier perpindahan", EN: "Career steps of the moves"},
	"stopped":                   {ID: "Mutasi terhenti", EN: "Transfers stopped"},
	"skp":                       {ID: "Predikat SKP sebelum dan sesudah", EN: "SKP predicate before and after"},
	"trained_vs_untrained":      {ID: "Survei: dilatih dan tidak dilatih", EN: "Survey: trained and untrained"},
	"found":                     {ID: "Ditemukan", EN: "Found"},
	"rotated":                   {ID: "Dirotasi", EN: "Rotated"},
	"share":                     {ID: "Porsi", EN: "Share"},
	"needed":                    {ID: "Dibutuhkan", EN: "Needed"},
	"filled":                    {ID: "Terisi", EN: "Filled"},
	"via_chain":                 {ID: "Terisi lewat rantai mutasi", EN: "Filled through a vacancy chain"},
	"up":                        {ID: "Naik kelas jabatan", EN: "Up a class"},
	"level":                     {ID: "Kelas jabatan sama", EN: "Same class"},
	"down":                      {ID: "Turun kelas jabatan", EN: "Down a class"},
	"unknown":                   {ID: "Tidak diketahui", EN: "Unknown"},
	"why":                       {ID: "Sebab", EN: "Why"},
	"decree_revoked":            {ID: "SK dibatalkan", EN: "Decree revoked"},
	"awaiting_next_year":        {ID: "Menunggu SKP tahun sesudah mutasi (1 = ya)", EN: "Awaiting the SKP of the year after the move (1 = yes)"},
	"movers":                    {ID: "Pegawai yang dimutasi", EN: "Movers"},
	"stayers":                   {ID: "Pegawai memenuhi syarat yang tetap", EN: "Eligible employees who stayed"},
	"n":                         {ID: "Jumlah orang", EN: "People"},
	"before":                    {ID: "Rata-rata 2 tahun sebelum", EN: "Mean of the 2 years before"},
	"after":                     {ID: "Tahun sesudah", EN: "The year after"},
	"change":                    {ID: "Perubahan rata-rata", EN: "Mean change"},
	"improved_share":            {ID: "Porsi yang membaik", EN: "Share who improved"},
	"trained":                   {ID: "Dilatih", EN: "Trained"},
	"untrained":                 {ID: "Tidak dilatih", EN: "Not trained"},
	"trend_more_motivated":      {ID: "% lebih termotivasi per triwulan", EN: "% more motivated by quarter"},
	"trend_response_rate":       {ID: "Tingkat respons survei per triwulan", EN: "Survey response rate by quarter"},
	"trend_needed_seats_filled": {ID: "Kebutuhan formasi terisi per triwulan", EN: "Needed seats filled by quarter"},
	"trend_over_tenure_rotated": {ID: "Jabatan lewat masa jabatan yang dirotasi per triwulan", EN: "Over-tenure posts rotated by quarter"},
	"trend_objection_rate":      {ID: "Tingkat keberatan per triwulan", EN: "Objection rate by quarter"},
	"trend_skp_change":          {ID: "Perubahan predikat SKP pegawai yang dimutasi per triwulan", EN: "Movers' SKP change by quarter"},
	"sheet_trend":               {ID: "Tren", EN: "Trend"},
	"series":                    {ID: "Rangkaian", EN: "Series"},
	"point":                     {ID: "Triwulan atau putaran", EN: "Quarter or round"},
	"series_quarter":            {ID: "Per triwulan", EN: "By quarter"},
	"series_round":              {ID: "Per putaran", EN: "By round"},
	"chart_flows":               {ID: "Alur mutasi antarunit (yang berlaku)", EN: "Moves between units (in effect)"},
}

func word(key, lang string) string { return words[key].In(lang) }

// unitName is a flow end's unit name, its ID for a unit without one, or
// the word for no unit.
func unitName(id, name, lang string) string {
	switch {
	case name != "":
		return name
	case id != "":
		return id
	}
	return word("no_unit", lang)
}

// resolution is a resolution's label, or the word for an unresolved
// objection.
func resolution(r models.Resolution, lang string) string {
	if r == "" {
		return word("unresolved", lang)
	}
	return i18n.T(lang, "resolution."+string(r))
}
