package importer

import (
	"slices"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/sheet"
)

// columnDoc says what an import column holds, for the template's second
// sheet: its meaning in both languages and an example value.
type columnDoc struct {
	text    i18n.Text
	example string
}

// Kinds are the kinds of import, in the order an office loads them.
var Kinds = []string{"units", "positions", "employees"}

// columnDocs explains every import column, by kind and column; a test keeps it,
// the specs, the README and the OpenAPI document in step.
var columnDocs = map[string]map[string]columnDoc{
	"units": {
		"id":   {i18n.Text{ID: "Kode unit kerja (OPD), unik, huruf/angka, paling banyak 32 karakter", EN: "The unit's (OPD's) code, unique, at most 32 characters"}, "DINSOS"},
		"name": {i18n.Text{ID: "Nama unit kerja", EN: "The unit's name"}, "Dinas Sosial"},
	},
	"positions": {
		"id":            {i18n.Text{ID: "Kode jabatan, unik, paling banyak 32 karakter", EN: "The position's code, unique, at most 32 characters"}, "DINSOS-ANL-01"},
		"unit_id":       {i18n.Text{ID: "Kode unit kerja jabatan ini (kolom id pada impor unit)", EN: "The code of the position's unit (id in the units import)"}, "DINSOS"},
		"name":          {i18n.Text{ID: "Nama jabatan", EN: "The position's name"}, "Analis Kebijakan Ahli Muda"},
		"kind":          {i18n.Text{ID: "Jenis jabatan: jpt, administrator, pengawas, fungsional atau pelaksana", EN: "Kind: jpt, administrator, pengawas, fungsional or pelaksana"}, "fungsional"},
		"class":         {i18n.Text{ID: "Kelas jabatan, 1 sampai 17", EN: "Position class, 1 to 17"}, "9"},
		"min_rank":      {i18n.Text{ID: "Pangkat/golongan terendah: golongan (III/a) atau pangkat (Penata Muda)", EN: "Lowest rank: golongan (III/a) or pangkat (Penata Muda)"}, "III/c"},
		"max_rank":      {i18n.Text{ID: "Pangkat/golongan tertinggi, tidak di bawah min_rank", EN: "Highest rank, not below min_rank"}, "IV/a"},
		"min_education": {i18n.Text{ID: "Pendidikan terendah: SMA, D3, S1, S2 atau S3", EN: "Lowest education: SMA, D3, S1, S2 or S3"}, "S1"},
		"seats":         {i18n.Text{ID: "Jumlah formasi (kebutuhan pegawai), 0 sampai 10.000", EN: "Seats (staff needed), 0 to 10,000"}, "2"},
		"extra_duty":    {i18n.Text{ID: "Opsional. Jabatan dengan tugas tambahan (ya/tidak); masa larangan pilkada berlaku", EN: "Optional. A post with extra duty (true/false); the election blackouts apply"}, "tidak"},
		"competencies":  {i18n.Text{ID: "Opsional. Kompetensi yang dibutuhkan, nama:level (1-5) dipisah titik koma", EN: "Optional. Competencies needed, name:level (1-5) separated by semicolons"}, "analisis_kebijakan:3;komunikasi:2"},
		"functional_level": {i18n.Text{ID: "Opsional, hanya jabatan fungsional: pemula, terampil, mahir, penyelia, ahli_pertama, ahli_muda, ahli_madya atau ahli_utama; menentukan batas usia pensiun",
			EN: "Optional, functional posts only: pemula, terampil, mahir, penyelia, ahli_pertama, ahli_muda, ahli_madya or ahli_utama; sets the retirement age"}, "ahli_muda"},
		"jpt_tier": {i18n.Text{ID: "Opsional, hanya JPT: utama, madya atau pratama", EN: "Optional, JPT only: utama, madya or pratama"}, ""},
	},
	"employees": {
		"nip":            {i18n.Text{ID: "NIP 18 digit yang sah (tulis sebagai teks agar Excel tidak mengubahnya)", EN: "A valid 18-digit NIP (a text cell, so that Excel keeps every digit)"}, "198503122010011004"},
		"name":           {i18n.Text{ID: "Nama lengkap dengan gelar", EN: "Full name with titles"}, "Budi Santoso, S.Sos."},
		"status":         {i18n.Text{ID: "Status kepegawaian: pns, cpns, study_leave (tugas belajar) atau retired (pensiun)", EN: "Status: pns, cpns, study_leave or retired"}, "pns"},
		"rank":           {i18n.Text{ID: "Pangkat/golongan: golongan (III/a) atau pangkat (Penata Muda, Penata Muda Tk. I)", EN: "Rank: golongan (III/a) or pangkat (Penata Muda, Penata Muda Tk. I)"}, "III/c"},
		"position_id":    {i18n.Text{ID: "Kode jabatan yang diduduki sekarang (kolom id pada impor jabatan); kosong bila tidak menduduki jabatan", EN: "The code of the position held now (id in the positions import); empty for none"}, "DINSOS-ANL-01"},
		"in_post_since":  {i18n.Text{ID: "Tanggal mulai menduduki jabatan sekarang: 2025-03-01 atau 01/03/2025", EN: "Date the current post began: 2025-03-01 or 01/03/2025"}, "01/03/2021"},
		"education":      {i18n.Text{ID: "Pendidikan terakhir: SMA, D3, S1, S2 atau S3", EN: "Highest education: SMA, D3, S1, S2 or S3"}, "S1"},
		"performance":    {i18n.Text{ID: "Kinerja pada kotak talenta: rendah, sedang atau tinggi (1-3)", EN: "Performance on the talent box: low, medium or high (1-3)"}, "tinggi"},
		"potential":      {i18n.Text{ID: "Potensi pada kotak talenta: rendah, sedang atau tinggi (1-3)", EN: "Potential on the talent box: low, medium or high (1-3)"}, "sedang"},
		"email":          {i18n.Text{ID: "Opsional. Satu alamat e-mail untuk pemberitahuan", EN: "Optional. One e-mail address for notices"}, "budi@banjarbarukota.go.id"},
		"lang":           {i18n.Text{ID: "Opsional. Bahasa pemberitahuan: id (bawaan) atau en", EN: "Optional. Language of notices: id (the default) or en"}, "id"},
		"legal_process":  {i18n.Text{ID: "Opsional. Sedang menjalani proses hukum (ya/tidak)", EN: "Optional. Under a legal process (true/false)"}, "tidak"},
		"under_sanction": {i18n.Text{ID: "Opsional, nama lama kolom legal_process; dibaca sama", EN: "Optional, the old name of legal_process; read the same"}, ""},
		"sanctions": {i18n.Text{ID: "Opsional. Hukuman disiplin (PP 94/2021): jenis (ringan, sedang, berat):mulai..selesai (hari pertama bebas), dipisah titik koma; hanya berat boleh tanpa tanggal selesai",
			EN: "Optional. Disciplinary sanctions (PP 94/2021): type (ringan, sedang, berat):start..end (the first free day), separated by semicolons; only berat may be open-ended"}, "sedang:2025-03-01..2026-03-01"},
		"skp": {i18n.Text{ID: "Opsional. Predikat SKP per tahun, tahun:predikat dipisah titik koma (Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang)",
			EN: "Optional. SKP predicate per year, year:predicate separated by semicolons (Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang)"}, "2025:Baik;2024:Sangat Baik"},
		"competencies":  {i18n.Text{ID: "Opsional. Kompetensi yang dimiliki, nama:level (1-5) dipisah titik koma", EN: "Optional. Competencies held, name:level (1-5) separated by semicolons"}, "analisis_kebijakan:3"},
		"relative_nips": {i18n.Text{ID: "Opsional. NIP keluarga yang juga pegawai, dipisah titik koma (mencegah penempatan di unit yang sama)", EN: "Optional. NIPs of relatives who are also employees, separated by semicolons (keeps them out of the same unit)"}, ""},
	},
}

// Template is the import template of a kind: a sheet with the header
// row to fill in, and a sheet that explains every column in lang
// (required or not, what it holds, an example). A CSV file holds the
// first alone.
func Template(kind, lang string) (data, help sheet.Table, err error) {
	imp, ok := specs[kind]
	if !ok {
		return data, help, apperr.New(apperr.KindNotFound, "kind", "jenis impor harus units, positions atau employees",
			"the import kind must be units, positions or employees")
	}
	columns := slices.Concat(imp.columns, imp.optional)
	data = sheet.Table{Name: i18n.Text{ID: "Data", EN: "Data"}, Rows: func(func(...any) error) error { return nil }}
	for _, c := range columns {
		data.Columns = append(data.Columns, sheet.Column{Key: c, Width: 18})
	}
	help = sheet.Table{
		Name: i18n.Text{ID: "Petunjuk", EN: "Guide"},
		Columns: []sheet.Column{
			{Key: "column", Label: i18n.Text{ID: "Kolom", EN: "Column"}, Width: 18},
			{Key: "required", Label: i18n.Text{ID: "Wajib", EN: "Required"}, Width: 8},
			{Key: "meaning", Label: i18n.Text{ID: "Isi", EN: "Meaning"}, Width: 90},
			{Key: "example", Label: i18n.Text{ID: "Contoh", EN: "Example"}, Width: 36},
		},
	}
	help.Rows = func(add func(...any) error) error {
		for _, c := range columns {
			required := i18n.Text{ID: "tidak", EN: "no"}
			if slices.Contains(imp.columns, c) {
				required = i18n.Text{ID: "ya", EN: "yes"}
			}
			d := columnDocs[kind][c]
			if err := add(c, required.In(lang), d.text.In(lang), d.example); err != nil {
				return err
			}
		}
		return nil
	}
	return data, help, nil
}
