// Package decree renders the decree that makes civil-servant transfers
// lawful (Keputusan Kepala Daerah, the "SK mutasi") as PDF: the collective
// decree with its attachment (lampiran) listing every employee moved, and
// the extract (petikan) handed to each employee.
//
// The documents are in Bahasa Indonesia and follow the layout regional
// governments use for the legal products of Permendagri 80/2015: a
// letterhead, the title block, the considerations (Menimbang), the legal
// bases (Mengingat), the numbered decisions (KESATU, KEDUA, ...), the place
// and date of setting, and the signature block, printed on F4 paper
// (215 x 330 mm). Every page carries a QR code holding the caller's
// verification URL and its page number. The electronic signature itself
// is applied elsewhere; the documents leave a box for it.
//
// The package is pure: data in, PDF bytes out. The same Decree always
// renders to the same bytes.
package decree

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// Signer is a person who signs a decree or certifies a copy of it.
type Signer struct {
	// Title is the office, in capitals: "WALI KOTA", "BUPATI" or
	// "GUBERNUR" for the official setting the decree, or e.g. "KEPALA
	// BKPSDM KOTA BANJARBARU" for the one certifying a petikan.
	Title string
	// Name is printed as given, with any academic titles.
	Name string
	// NIP (18 digits) and Rank (pangkat, e.g. "Pembina Utama Muda
	// (IV/c)") are printed under the name when given; an elected regional
	// head has neither.
	NIP, Rank string
}

// Mover is one civil servant moved by the decree.
type Mover struct {
	Name string
	NIP  string // 18 digits
	Rank string // pangkat and golongan, e.g. "Penata Muda (III/a)"; see RankLabel
	// OldPosition and OldUnit are the position (jabatan) held and its
	// unit; NewPosition and NewUnit those the employee moves to.
	OldPosition, OldUnit string
	NewPosition, NewUnit string
	// TMT (terhitung mulai tanggal) is the date the move takes effect.
	TMT time.Time
}

// Decree is a transfer decree (SK mutasi) set by the regional head as
// PPK. Validate lists the required fields and the limits.
type Decree struct {
	// Government heads the letterhead, e.g. "PEMERINTAH KOTA BANJARBARU";
	// Address is an optional line under it and Logo an optional PNG.
	Government string
	Address    string
	Logo       []byte
	// Region follows the official's title in the headings: "BANJARBARU"
	// makes "KEPUTUSAN WALI KOTA BANJARBARU".
	Region string
	// Number is the decree number, e.g. "800/0012/BKPSDM/2026" (see
	// models.RoundSettings.DecreeNumber).
	Number string
	// Subject is what the decree is about, e.g. "MUTASI PEGAWAI NEGERI
	// SIPIL DI LINGKUNGAN PEMERINTAH KOTA BANJARBARU"; it is printed in
	// capitals.
	Subject string
	// Place and Date are where and when the decree is set ("Ditetapkan
	// di Banjarbaru, pada tanggal 4 Desember 2026"). Date is read in its
	// own location, and also dates the PDF's metadata.
	Place string
	Date  time.Time
	// Official is the regional head who sets the decree; Attester the
	// officer who certifies a petikan as a true copy (required for
	// Petikan only).
	Official Signer
	Attester Signer
	// Considerations (Menimbang, lettered a., b., ...) and LegalBases
	// (Mengingat, numbered) are printed in order; each gets its closing
	// ";" or "." added. See DefaultConsiderations and DefaultLegalBases.
	Considerations []string
	LegalBases     []string
	// Movers are the employees moved, in the attachment's order.
	Movers []Mover
	// Copies lists who receives a copy (Tembusan); optional.
	Copies []string
	// VerifyURL is encoded in the QR code on every page, e.g.
	// "https://mutasi.example.go.id/v/<token>".
	VerifyURL string
	// SignatureNote is printed in the box reserved for the electronic
	// signature, e.g. "Ditandatangani secara elektronik"; optional.
	SignatureNote string
}

// Collective writes the decree with its attachment listing every mover
// to w, after checking it with Validate.
func (d Decree) Collective(w io.Writer) error {
	if err := d.validate(false); err != nil {
		return err
	}
	return d.render(w, "Keputusan", func(doc *document) {
		doc.opening("")
		doc.diktum(0, d.collectiveOrder())
		doc.closingDiktum()
		doc.sign(signColumn, d.settingSignature(false))
		doc.tembusan(d.Copies)
		doc.lampiran()
	})
}

// Petikan writes the extract of the decree for Movers[i] to w: the same
// opening, a first decision naming only that employee, and the
// attestation that it is a true copy. It checks the decree with Validate
// and requires an Attester.
func (d Decree) Petikan(w io.Writer, i int) error {
	if err := d.validate(true); err != nil {
		return err
	}
	if i < 0 || i >= len(d.Movers) {
		return apperr.Invalid("Movers", "pegawai untuk petikan tidak ada dalam keputusan",
			"decree: no mover at index "+strconv.Itoa(i)+" for the petikan")
	}
	m := d.Movers[i]
	return d.render(w, "Petikan Keputusan", func(doc *document) {
		doc.opening("PETIKAN ")
		doc.diktum(0, "Memindahkan Pegawai Negeri Sipil tersebut di bawah ini dari jabatan lama ke jabatan baru, "+
			"terhitung mulai tanggal "+tanggal(m.TMT)+":")
		doc.moverFields(m)
		doc.closingDiktum()
		doc.paragraph("Petikan ini diberikan kepada yang bersangkutan untuk diketahui dan dipergunakan " +
			"sebagaimana mestinya.")
		doc.sign(signColumn, d.settingSignature(true))
		doc.sign(marginLeft, signature{
			above:  []string{"Salinan sesuai dengan aslinya"},
			title:  d.Attester.Title + ",",
			signer: d.Attester,
		})
	})
}

// issuer is the official and region as the headings print them, e.g.
// "WALI KOTA BANJARBARU".
func (d Decree) issuer() string {
	return strings.ToUpper(strings.Join(strings.Fields(d.Official.Title+" "+d.Region), " "))
}

// collectiveOrder is the first decision of the collective decree, with
// the common TMT when all moves share one.
func (d Decree) collectiveOrder() string {
	tmt := "yang tercantum dalam Lampiran tersebut"
	if d.sameTMT() {
		tmt = tanggal(d.Movers[0].TMT)
	}
	return "Memindahkan Pegawai Negeri Sipil yang namanya tercantum dalam Lampiran Keputusan ini dari jabatan " +
		"lama ke jabatan baru sebagaimana tercantum dalam Lampiran tersebut, terhitung mulai tanggal " + tmt + "."
}

// sameTMT reports whether every move takes effect on the same day.
func (d Decree) sameTMT() bool {
	first := tanggal(d.Movers[0].TMT)
	for _, m := range d.Movers[1:] {
		if tanggal(m.TMT) != first {
			return false
		}
	}
	return true
}

// settingSignature is the official's signature block under the decree:
// where and when it was set, and the box for the electronic signature, or
// "ttd." on a copy.
func (d Decree) settingSignature(copied bool) signature {
	return signature{
		above:  []string{"Ditetapkan di " + d.Place, "pada tanggal " + tanggal(d.Date)},
		title:  d.issuer() + ",",
		signer: d.Official,
		copied: copied,
	}
}

// DefaultConsiderations returns the usual considerations (Menimbang) of a
// transfer decree, worded from the decree's Official, Government and
// Subject: why the transfer is made, what it weighed (Peraturan BKN
// 5/2019 Pasal 2(1)), and that a decree is therefore needed.
func (d Decree) DefaultConsiderations() []string {
	gov := titleCase(d.Government)
	return []string{
		"bahwa dalam rangka pembinaan karier, penyegaran organisasi dan peningkatan kinerja, perlu " +
			"melaksanakan mutasi Pegawai Negeri Sipil di lingkungan " + gov,
		"bahwa mutasi sebagaimana dimaksud dalam huruf a telah mempertimbangkan kesesuaian kompetensi dengan " +
			"persyaratan jabatan, pola karier, hasil penilaian kinerja dan kebutuhan organisasi, serta " +
			"pertimbangan Tim Penilai Kinerja Pegawai Negeri Sipil",
		"bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan " +
			"Keputusan " + titleCase(d.Official.Title) + " tentang " + titleCase(d.Subject),
	}
}

// DefaultLegalBases returns the legal bases (Mengingat) of a transfer
// decree under the regulations in force: the constitution's article on
// regional autonomy, the laws on regional government and on the civil
// service, the government regulation on civil-service management, the
// BKN regulation on transfers and the KemenPANRB regulation on talent
// management. The citations omit the gazette numbers (Lembaran Negara);
// a region adds them, and its own founding law, as its drafting rules ask.
func DefaultLegalBases() []string {
	return []string{
		"Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945",
		"Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, " +
			"terakhir dengan Undang-Undang Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti " +
			"Undang-Undang Nomor 2 Tahun 2022 tentang Cipta Kerja menjadi Undang-Undang",
		"Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara",
		"Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil sebagaimana telah " +
			"diubah dengan Peraturan Pemerintah Nomor 17 Tahun 2020 tentang Perubahan atas Peraturan Pemerintah " +
			"Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil",
		"Peraturan Badan Kepegawaian Negara Nomor 5 Tahun 2019 tentang Tata Cara Pelaksanaan Mutasi",
		"Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 3 Tahun 2020 tentang " +
			"Manajemen Talenta Aparatur Sipil Negara",
	}
}

// RankLabel writes a rank as a decree prints it: the pangkat and the
// golongan, e.g. "Penata Muda Tingkat I (III/b)".
func RankLabel(r models.Rank) string {
	if !r.Valid() {
		return r.String()
	}
	return r.Title() + " (" + r.String() + ")"
}
