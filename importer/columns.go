package importer

import (
	"slices"
	"strings"

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

// Kinds are the kinds of import, in the order an office loads them: its
// own units, positions and employees, then (or instead of employees)
// SIASN's data utama and histories, keyed by NIP.
var Kinds = []string{"units", "positions", "employees", "siasn-asn", "siasn-rw-skp", "siasn-rw-skp-2011", "siasn-rw-hukdis", "siasn-rw-jabatan",
	"siasn-rw-golongan", "siasn-rw-diklat", "siasn-rw-kursus"}

// unknownKind refuses an import or template of a kind not in Kinds.
var unknownKind = apperr.New(apperr.KindNotFound, "kind", "jenis impor harus salah satu dari "+strings.Join(Kinds, ", "),
	"the import kind must be one of "+strings.Join(Kinds, ", "))

// columnDocs explains every import column, by kind and column; a test keeps it,
// the specs, the README and the OpenAPI document in step.
var columnDocs = map[string]map[string]columnDoc{
	"units": {
		"id":   {i18n.Text{ID: "Kode unit kerja (OPD), unik, huruf/angka, paling banyak 32 karakter", EN: "The unit's (OPD's) code, unique, at most 32 characters"}, "DINSOS"},
		"name": {i18n.Text{ID: "Nama unit kerja", EN: "The unit's name"}, "Dinas Sosial"},
		"siasn_unor_ids": {i18n.Text{ID: "Opsional. UNOR ID SIASN (unit organisasi sampai yang terdalam) milik unit ini, dipisah titik koma; satu UNOR ID hanya milik satu unit",
			EN: "Optional. The SIASN UNOR IDs (organisational units, down to the deepest) that belong to this unit, separated by semicolons; a UNOR ID belongs to one unit only"}, "3c1d9e2f-0001-4a1b-9c8d-7e6f5a4b3c2d;3c1d9e2f-0002-4a1b-9c8d-7e6f5a4b3c2d"},
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
		"siasn_jabatan_id": {i18n.Text{ID: "Opsional. JABATAN ID jabatan ini di SIASN; jabatan fungsional memakai id yang sama di semua unit, jadi impor siasn-asn mencari jabatan dengan unit dan id ini",
			EN: "Optional. The position's JABATAN ID in SIASN; a functional position shares its id across units, so the siasn-asn import finds the position by unit and this id"}, "9B2E4F6A1C3D5E7F8091A2B3C4D5E6F7"},
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
		"phone":          {i18n.Text{ID: "Opsional. Nomor ponsel untuk pemberitahuan lewat gateway pesan (mis. WhatsApp): 0812-3456-7890 atau +62 812 3456 7890", EN: "Optional. Mobile number for notices through the messaging gateway (e.g. WhatsApp): 0812-3456-7890 or +62 812 3456 7890"}, "0812-3456-7890"},
		"notify":         {i18n.Text{ID: "Opsional. Cara pemberitahuan yang dipilih pegawai: email, webhook (gateway pesan) atau both; kosong: sesuai pengaturan kantor", EN: "Optional. How the employee prefers to be told: email, webhook (the messaging gateway) or both; empty: as the office's setting says"}, ""},
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
	"siasn-asn": {
		"NIP BARU":                {i18n.Text{ID: "NIP 18 digit yang sah (tanda ' di depannya dibuang)", EN: "A valid 18-digit NIP (a leading ' is dropped)"}, "'198503122010011001"},
		"PNS ID":                  {i18n.Text{ID: "PNS ID SIASN, disimpan untuk pemutakhiran SIASN", EN: "SIASN's PNS ID, kept for the write-back to SIASN"}, "0F3A9C2E7B1D4E5F8A6B2C9D0E1F3A4B"},
		"NAMA":                    {i18n.Text{ID: "Nama tanpa gelar", EN: "The name without titles"}, "Budi Contoh"},
		"STATUS CPNS PNS":         {i18n.Text{ID: "PNS atau CPNS (dipakai bila kedudukan hukum Aktif)", EN: "PNS or CPNS (used when the legal standing is Aktif)"}, "PNS"},
		"KEDUDUKAN HUKUM NAMA":    {i18n.Text{ID: "Aktif (status pns atau cpns), Tugas Belajar (study_leave) atau Pensiun (retired); yang lain ditolak", EN: "Aktif (status pns or cpns), Tugas Belajar (study_leave) or Pensiun (retired); others are refused"}, "Aktif"},
		"GOL AKHIR NAMA":          {i18n.Text{ID: "Golongan (III/a) atau pangkat (Penata Muda)", EN: "Golongan (III/a) or pangkat (Penata Muda)"}, "III/c"},
		"TINGKAT PENDIDIKAN NAMA": {i18n.Text{ID: "Tingkat pendidikan: SLTA, Diploma I-IV, S-1/Sarjana, S-2, S-3 (Diploma I-II dihitung SLTA)", EN: "Education level: SLTA, Diploma I-IV, S-1/Sarjana, S-2, S-3 (Diploma I-II count as SLTA)"}, "S-1/Sarjana"},
		"UNOR ID":                 {i18n.Text{ID: "UNOR ID SIASN: unitnya adalah unit yang memuatnya di siasn_unor_ids, atau unit dengan id yang sama", EN: "SIASN's UNOR ID: its unit is the one that lists it in siasn_unor_ids, or the unit of that id"}, "3c1d9e2f-0001-4a1b-9c8d-7e6f5a4b3c2d"},
		"JABATAN ID":              {i18n.Text{ID: "JABATAN ID SIASN: jabatan unit tersebut dengan siasn_jabatan_id ini menjadi position_id", EN: "SIASN's JABATAN ID: the unit's position with this siasn_jabatan_id becomes position_id"}, "9B2E4F6A1C3D5E7F8091A2B3C4D5E6F7"},
		"TMT JABATAN":             {i18n.Text{ID: "Tanggal mulai jabatan sekarang (in_post_since): DD-MM-YYYY atau YYYY-MM-DD", EN: "Date the current post began (in_post_since): DD-MM-YYYY or YYYY-MM-DD"}, "01-03-2021"},
		"GELAR DEPAN":             {i18n.Text{ID: "Opsional. Gelar di depan nama", EN: "Optional. Titles before the name"}, "Dr."},
		"GELAR BELAKANG":          {i18n.Text{ID: "Opsional. Gelar di belakang nama, ditulis setelah koma", EN: "Optional. Titles after the name, written after a comma"}, "S.Sos."},
		"EMAIL GOV":               {i18n.Text{ID: "Opsional. Alamat e-mail dinas, dipakai lebih dulu daripada EMAIL; isian seperti - dilewati", EN: "Optional. The government e-mail address, used before EMAIL; a placeholder such as - is skipped"}, "budi@banjarbarukota.go.id"},
		"EMAIL":                   {i18n.Text{ID: "Opsional. Alamat e-mail, dipakai bila EMAIL GOV kosong atau bukan alamat", EN: "Optional. The e-mail address, used when EMAIL GOV is empty or no address"}, "budi.contoh@example.com"},
		"UNOR NAMA":               {i18n.Text{ID: "Opsional. Nama UNOR, hanya untuk pesan kesalahan", EN: "Optional. The UNOR's name, for error messages only"}, "Bidang Perlindungan Sosial"},
		"JABATAN NAMA":            {i18n.Text{ID: "Opsional. Nama jabatan, hanya untuk pesan kesalahan", EN: "Optional. The position's name, for error messages only"}, "Pengadministrasi Perkantoran"},
	},
	"siasn-rw-skp": {
		"nipBaru":             {i18n.Text{ID: "NIP pegawai (di JSON boleh kosong bila pnsDinilaiId dikenal)", EN: "The employee's NIP (in JSON it may be left out when pnsDinilaiId is known)"}, "198503122010011001"},
		"tahun":               {i18n.Text{ID: "Tahun SKP, 2022 dan sesudahnya", EN: "The SKP's year, 2022 or later"}, "2024"},
		"pnsDinilaiId":        {i18n.Text{ID: "Opsional. PNS ID yang dinilai, dipakai bila nipBaru kosong (PNS ID dari impor siasn-asn)", EN: "Optional. The appraised PNS ID, used when nipBaru is empty (PNS ID from the siasn-asn import)"}, ""},
		"KuadranKinerjaNilai": {i18n.Text{ID: "Opsional. Id predikat SIASN: 1 Sangat Baik, 2 Baik, 3 Butuh Perbaikan, 4 Kurang/Misconduct, 5 Sangat Kurang", EN: "Optional. SIASN's predicate id: 1 Sangat Baik, 2 Baik, 3 Butuh Perbaikan, 4 Kurang/Misconduct, 5 Sangat Kurang"}, "2"},
		"kuadranKinerja":      {i18n.Text{ID: "Opsional. Nama predikat, dipakai bila KuadranKinerjaNilai kosong; salah satunya wajib", EN: "Optional. The predicate's name, used when KuadranKinerjaNilai is empty; one of them is required"}, "BAIK"},
	},
	"siasn-rw-skp-2011": {
		"nipBaru":            {i18n.Text{ID: "NIP pegawai (di JSON boleh kosong bila pnsDinilaiId dikenal)", EN: "The employee's NIP (in JSON it may be left out when pnsDinilaiId is known)"}, "198503122010011001"},
		"tahun":              {i18n.Text{ID: "Tahun SKP, sebelum 2022", EN: "The SKP's year, before 2022"}, "2021"},
		"pnsDinilaiId":       {i18n.Text{ID: "Opsional. PNS ID yang dinilai, dipakai bila nipBaru kosong", EN: "Optional. The appraised PNS ID, used when nipBaru is empty"}, ""},
		"nilaiPrestasiKerja": {i18n.Text{ID: "Nilai prestasi kerja (PP 46/2011), 0-100, dibaca sebagai predikat: 91 ke atas Sangat Baik, 76 Baik, 61 Butuh Perbaikan (Cukup), 51 Kurang, di bawahnya Sangat Kurang (Buruk)", EN: "The overall score (PP 46/2011), 0-100, read as a predicate: 91 and up Sangat Baik, 76 Baik, 61 Butuh Perbaikan (Cukup), 51 Kurang, below Sangat Kurang (Buruk)"}, "86,5"},
	},
	"siasn-rw-jabatan": {
		"nipBaru":                   {i18n.Text{ID: "NIP pegawai (boleh kosong bila idPns dikenal)", EN: "The employee's NIP (may be empty when idPns is known)"}, "198503122010011001"},
		"id":                        {i18n.Text{ID: "Id catatan riwayat di SIASN", EN: "SIASN's id of the history record"}, "0F3A9C2E7B1D4E5F8A6B2C9D0E1F3A4C"},
		"tmtJabatan":                {i18n.Text{ID: "Tanggal mulai jabatan: DD-MM-YYYY atau YYYY-MM-DD", EN: "The day the post began: DD-MM-YYYY or YYYY-MM-DD"}, "01-02-2021"},
		"idPns":                     {i18n.Text{ID: "Opsional. PNS ID, dipakai bila nipBaru kosong", EN: "Optional. The PNS ID, used when nipBaru is empty"}, ""},
		"jenisJabatan":              {i18n.Text{ID: "Opsional. Jenis jabatan SIASN: 1 struktural, 2 fungsional, 3 rangkap, 4 fungsional umum (pelaksana)", EN: "Optional. SIASN's position type: 1 structural, 2 functional, 3 both, 4 general functional (pelaksana)"}, "4"},
		"namaJabatan":               {i18n.Text{ID: "Opsional. Nama jabatan struktural (jenis 1 dan 3)", EN: "Optional. The structural position's name (types 1 and 3)"}, ""},
		"jabatanFungsionalId":       {i18n.Text{ID: "Opsional. Id jabatan fungsional (jenis 2): dengan unit dari unorId menemukan jabatan kita", EN: "Optional. The functional position's id (type 2): with the unit of unorId it finds our position"}, ""},
		"jabatanFungsionalNama":     {i18n.Text{ID: "Opsional. Nama jabatan fungsional (jenis 2)", EN: "Optional. The functional position's name (type 2)"}, ""},
		"jabatanFungsionalUmumId":   {i18n.Text{ID: "Opsional. Id jabatan pelaksana (jenis 4): dengan unit dari unorId menemukan jabatan kita", EN: "Optional. The pelaksana position's id (type 4): with the unit of unorId it finds our position"}, "9B2E4F6A1C3D5E7F8091A2B3C4D5E6F7"},
		"jabatanFungsionalUmumNama": {i18n.Text{ID: "Opsional. Nama jabatan pelaksana (jenis 4)", EN: "Optional. The pelaksana position's name (type 4)"}, "Pengadministrasi Perkantoran"},
		"unorId":                    {i18n.Text{ID: "Opsional. UNOR ID; unit kita bila dipetakan (siasn_unor_ids), selain itu hanya disimpan", EN: "Optional. The UNOR ID; our unit when mapped (siasn_unor_ids), else only kept"}, "3c1d9e2f-0001-4a1b-9c8d-7e6f5a4b3c2d"},
		"unorNama":                  {i18n.Text{ID: "Opsional. Nama UNOR", EN: "Optional. The UNOR's name"}, "Bidang Perlindungan Sosial"},
		"instansiKerjaNama":         {i18n.Text{ID: "Opsional. Nama instansi (jabatan di instansi lain tidak punya unit kita)", EN: "Optional. The agency's name (a post in another agency has no unit of ours)"}, "Pemerintah Kota Contoh"},
		"nomorSk":                   {i18n.Text{ID: "Opsional. Nomor SK jabatan", EN: "Optional. The decree's number"}, "821/123/BKPSDM/2021"},
		"tanggalSk":                 {i18n.Text{ID: "Opsional. Tanggal SK", EN: "Optional. The decree's date"}, "20-01-2021"},
	},
	"siasn-rw-golongan": {
		"nipBaru":     {i18n.Text{ID: "NIP pegawai (boleh kosong bila idPns dikenal)", EN: "The employee's NIP (may be empty when idPns is known)"}, "198503122010011001"},
		"id":          {i18n.Text{ID: "Id catatan riwayat di SIASN", EN: "SIASN's id of the history record"}, "0F3A9C2E7B1D4E5F8A6B2C9D0E1F3A4D"},
		"tmtGolongan": {i18n.Text{ID: "TMT golongan: DD-MM-YYYY atau YYYY-MM-DD; golongan catatan terakhir harus sama dengan data utama", EN: "The rank's TMT: DD-MM-YYYY or YYYY-MM-DD; the latest record's rank must be the data utama's"}, "01-04-2018"},
		"idPns":       {i18n.Text{ID: "Opsional. PNS ID, dipakai bila nipBaru kosong", EN: "Optional. The PNS ID, used when nipBaru is empty"}, ""},
		"golongan":    {i18n.Text{ID: "Opsional. Golongan, mis. III/c; salah satu dari golongan, golonganId, pangkat wajib", EN: "Optional. The golongan, e.g. III/c; one of golongan, golonganId, pangkat is required"}, "III/c"},
		"golonganId":  {i18n.Text{ID: "Opsional. Kode golongan SIASN, 11 (I/a) sampai 45 (IV/e), bila golongan kosong", EN: "Optional. SIASN's golongan code, 11 (I/a) to 45 (IV/e), when golongan is empty"}, "33"},
		"pangkat":     {i18n.Text{ID: "Opsional. Pangkat, bila golongan dan golonganId kosong", EN: "Optional. The pangkat, when golongan and golonganId are empty"}, "Penata"},
		"skNomor":     {i18n.Text{ID: "Opsional. Nomor SK kenaikan pangkat", EN: "Optional. The promotion decree's number"}, "823/045/BKPSDM/2018"},
		"skTanggal":   {i18n.Text{ID: "Opsional. Tanggal SK", EN: "Optional. The decree's date"}, "15-03-2018"},
		"jenisKPNama": {i18n.Text{ID: "Opsional. Jenis kenaikan pangkat, mis. Reguler", EN: "Optional. The kind of promotion, e.g. Reguler"}, "Reguler"},
	},
	"siasn-rw-diklat": {
		"nipBaru":                {i18n.Text{ID: "NIP pegawai (boleh kosong bila idPns dikenal)", EN: "The employee's NIP (may be empty when idPns is known)"}, "197811202005011003"},
		"id":                     {i18n.Text{ID: "Id catatan riwayat di SIASN", EN: "SIASN's id of the history record"}, "0F3A9C2E7B1D4E5F8A6B2C9D0E1F3A4E"},
		"latihanStrukturalNama":  {i18n.Text{ID: "Nama diklat struktural (kepemimpinan)", EN: "The structural (leadership) training's name"}, "SEPADYA/SPAMA/PIM III"},
		"idPns":                  {i18n.Text{ID: "Opsional. PNS ID, dipakai bila nipBaru kosong", EN: "Optional. The PNS ID, used when nipBaru is empty"}, ""},
		"tanggal":                {i18n.Text{ID: "Opsional. Tanggal mulai: DD-MM-YYYY atau YYYY-MM-DD", EN: "Optional. The first day: DD-MM-YYYY or YYYY-MM-DD"}, "01-03-2019"},
		"tanggalSelesai":         {i18n.Text{ID: "Opsional. Tanggal selesai", EN: "Optional. The last day"}, "30-04-2019"},
		"tahun":                  {i18n.Text{ID: "Opsional. Tahun (bila kosong: tahun tanggal mulai)", EN: "Optional. The year (when empty: the first day's)"}, "2019"},
		"jumlahJam":              {i18n.Text{ID: "Opsional. Jumlah jam pelajaran, 0 sampai 10.000", EN: "Optional. Hours of study, 0 to 10,000"}, "285"},
		"institusiPenyelenggara": {i18n.Text{ID: "Opsional. Penyelenggara", EN: "Optional. The institution that held it"}, "Lembaga Pelatihan Contoh"},
		"nomor":                  {i18n.Text{ID: "Opsional. Nomor sertifikat", EN: "Optional. The certificate's number"}, "PIM3/2019/001"},
	},
	"siasn-rw-kursus": {
		"nipBaru":                {i18n.Text{ID: "NIP pegawai (boleh kosong bila idPns dikenal)", EN: "The employee's NIP (may be empty when idPns is known)"}, "199001052015032002"},
		"id":                     {i18n.Text{ID: "Id catatan riwayat di SIASN", EN: "SIASN's id of the history record"}, "0F3A9C2E7B1D4E5F8A6B2C9D0E1F3A4F"},
		"namaKursus":             {i18n.Text{ID: "Nama kursus atau pelatihan", EN: "The course's or training's name"}, "Bimbingan Teknis Manajemen ASN"},
		"idPns":                  {i18n.Text{ID: "Opsional. PNS ID, dipakai bila nipBaru kosong", EN: "Optional. The PNS ID, used when nipBaru is empty"}, ""},
		"tanggalKursus":          {i18n.Text{ID: "Opsional. Tanggal mulai: DD-MM-YYYY atau YYYY-MM-DD", EN: "Optional. The first day: DD-MM-YYYY or YYYY-MM-DD"}, "10-06-2023"},
		"tanggalSelesaiKursus":   {i18n.Text{ID: "Opsional. Tanggal selesai", EN: "Optional. The last day"}, "13-06-2023"},
		"tahunKursus":            {i18n.Text{ID: "Opsional. Tahun (bila kosong: tahun tanggal mulai)", EN: "Optional. The year (when empty: the first day's)"}, "2023"},
		"jumlahJam":              {i18n.Text{ID: "Opsional. Jumlah jam pelajaran, 0 sampai 10.000", EN: "Optional. Hours of study, 0 to 10,000"}, "32"},
		"institusiPenyelenggara": {i18n.Text{ID: "Opsional. Penyelenggara", EN: "Optional. The institution that held it"}, "BKPSDM Kota Contoh"},
		"noSertipikat":           {i18n.Text{ID: "Opsional. Nomor sertifikat", EN: "Optional. The certificate's number"}, "BIMTEK/2023/017"},
		"jenisDiklatId":          {i18n.Text{ID: "Opsional. Jenis diklat SIASN: 1 Diklat Struktural, 2 Fungsional, 3 Teknis, 4 Workshop, 5 Pelatihan Manajerial, 6 Sosial Kultural, 7 Sosialisasi, 8 Bimtek, 9 Seminar, 10 Magang, 11 Kursus, 12 Penataran", EN: "Optional. SIASN's kind of training: 1 Diklat Struktural, 2 Fungsional, 3 Teknis, 4 Workshop, 5 Pelatihan Manajerial, 6 Sosial Kultural, 7 Sosialisasi, 8 Bimtek, 9 Seminar, 10 Magang, 11 Kursus, 12 Penataran"}, "8"},
		"jenisKursusNama":        {i18n.Text{ID: "Opsional. Nama katalog kursus, jenisnya bila jenisDiklatId tidak dikenal", EN: "Optional. The course catalogue's name, the kind when jenisDiklatId is unknown"}, "Bimbingan Teknis"},
	},
	"siasn-rw-hukdis": {
		"nipBaru":               {i18n.Text{ID: "NIP pegawai (di JSON boleh kosong bila pnsOrang dikenal)", EN: "The employee's NIP (in JSON it may be left out when pnsOrang is known)"}, "198709302011012004"},
		"hukumanTanggal":        {i18n.Text{ID: "Tanggal mulai hukuman: DD-MM-YYYY atau YYYY-MM-DD", EN: "The day the sanction starts: DD-MM-YYYY or YYYY-MM-DD"}, "01-03-2024"},
		"pnsOrang":              {i18n.Text{ID: "Opsional. PNS ID yang dihukum, dipakai bila nipBaru kosong", EN: "Optional. The sanctioned PNS ID, used when nipBaru is empty"}, ""},
		"jenisTingkatHukumanId": {i18n.Text{ID: "Opsional. Tingkat hukuman: R (ringan), S (sedang), B (berat)", EN: "Optional. The level: R (ringan), S (sedang), B (berat)"}, "S"},
		"jenisHukuman":          {i18n.Text{ID: "Opsional. Kode jenis hukuman SIASN (1-14 PP 53/2010, 21-28 PP 94/2021), untuk tingkat bila jenisTingkatHukumanId kosong", EN: "Optional. SIASN's sanction type code (1-14 PP 53/2010, 21-28 PP 94/2021), for the level when jenisTingkatHukumanId is empty"}, "23"},
		"akhirHukumTanggal":     {i18n.Text{ID: "Opsional. Hari terakhir hukuman (bebas sejak hari berikutnya)", EN: "Optional. The sanction's last day (free from the next day)"}, "28-02-2025"},
		"akhirHukumanTanggal":   {i18n.Text{ID: "Opsional. Ejaan lain akhirHukumTanggal", EN: "Optional. Another spelling of akhirHukumTanggal"}, ""},
		"masaTahun":             {i18n.Text{ID: "Opsional. Masa hukuman dalam tahun, bila tanpa tanggal akhir", EN: "Optional. The sanction's period in years, when it has no end date"}, "0"},
		"masaBulan":             {i18n.Text{ID: "Opsional. Masa hukuman dalam bulan, bila tanpa tanggal akhir; hukuman sedang wajib punya akhir atau masa, hukuman ringan tanpa keduanya berlaku satu hari, berat tanpa keduanya tanpa akhir", EN: "Optional. The period in months, when it has no end date; a sedang sanction needs an end or a period, a ringan one without either lasts one day, a berat one without either has no end"}, "12"},
		"skPembatalanNomor":     {i18n.Text{ID: "Opsional. Nomor SK pembatalan: hukuman yang dibatalkan tidak disimpan", EN: "Optional. The number of a decree annulling the sanction: an annulled sanction is not stored"}, ""},
	},
}

// Template is the import template of a kind: a sheet with the header
// row to fill in, and a sheet that explains every column in lang
// (required or not, what it holds, an example). A CSV file holds the
// first alone.
func Template(kind, lang string) (data, help sheet.Table, err error) {
	imp, ok := specs[kind]
	if !ok {
		return data, help, unknownKind
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
