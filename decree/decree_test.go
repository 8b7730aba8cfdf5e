package decree

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit/heap"
	"github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

var wita = time.FixedZone("WITA", 8*60*60)

// sample returns a valid decree moving n employees, with a logo.
func sample(t testing.TB, n int) Decree {
	d := Decree{
		Government: "PEMERINTAH KOTA BANJARBARU",
		Address:    "Jalan Panglima Batur Nomor 1, Banjarbaru, Kalimantan Selatan 70711",
		Logo:       logoPNG(t),
		Region:     "BANJARBARU",
		Number:     "800/0012/BKPSDM/2026",
		Subject:    "Mutasi Pegawai Negeri Sipil di Lingkungan Pemerintah Kota Banjarbaru",
		Place:      "Banjarbaru",
		Date:       time.Date(2026, 12, 4, 9, 30, 0, 0, wita),
		Official:   Signer{Title: "WALI KOTA", Name: "H. AHMAD FAUZAN, S.H., M.H."},
		Attester: Signer{Title: "KEPALA BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
			Name: "Dra. NOOR HIDAYATI, M.Si.", NIP: "197003151995032002", Rank: RankLabel(models.Rank(15))},
		LegalBases: DefaultLegalBases(),
		Copies: []string{"Gubernur Kalimantan Selatan di Banjarmasin", "Kepala Badan Kepegawaian Negara di Jakarta",
			"Inspektur Kota Banjarbaru", "Yang bersangkutan untuk diketahui"},
		VerifyURL:     "https://mutasi.example.go.id/v/7Hq2xK9pL3mN",
		SignatureNote: "Ditandatangani secara elektronik",
		Movers:        movers(n),
	}
	d.Considerations = d.DefaultConsiderations()
	return d
}

var (
	firstNames = []string{"Siti", "Muhammad", "Ahmad", "Nur", "Rina", "Budi", "Dewi", "Rahmat", "Fitri", "Hendra", "Yuliani"}
	lastNames  = []string{"Rahmah", "Hidayat", "Saputra", "Aisyah", "Wulandari", "Santoso", "Fauziah", "Kurniawan", "Lestari"}
	positions  = []string{"Analis Sumber Daya Manusia Aparatur Ahli Muda", "Kepala Subbagian Umum dan Kepegawaian",
		"Pranata Komputer Ahli Pertama", "Penata Laksana Barang", "Kepala Seksi Pemberdayaan Masyarakat dan Kelurahan",
		"Perencana Ahli Muda", "Pengadministrasi Perkantoran"}
	units = []string{"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Dinas Pendidikan dan Kebudayaan",
		"Kecamatan Landasan Ulin", "Dinas Kesehatan", "Badan Perencanaan Pembangunan Daerah, Penelitian dan Pengembangan",
		"Sekretariat Daerah", "Dinas Pekerjaan Umum dan Penataan Ruang"}
)

// movers returns n distinct movers. Every 37th has texts at their limits,
// so some rows are tall.
func movers(n int) []Mover {
	out := make([]Mover, n)
	tmt := time.Date(2027, 1, 2, 0, 0, 0, 0, wita)
	for i := range out {
		m := Mover{
			Name: fmt.Sprintf("%s %s %d", firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)], i+1),
			NIP: fmt.Sprintf("1980%02d%02d2005%02d%d%03d",
				1+(i/1000)%12, 1+i%28, 1+i%12, 1+i%2, i%1000),
			Rank:        RankLabel(models.Rank(5 + i%12)),
			OldPosition: positions[i%len(positions)], OldUnit: units[i%len(units)],
			NewPosition: positions[(i+3)%len(positions)], NewUnit: units[(i+2)%len(units)],
			TMT: tmt,
		}
		if i%37 == 36 {
			m.OldPosition = strings.Repeat("Jabatan Fungsional Tertentu ", maxLine)[:maxLine]
			m.NewUnit = strings.Repeat("Unit Pelaksana Teknis Daerah ", maxLine)[:maxLine]
		}
		out[i] = m
	}
	return out
}

// logoPNG returns a small PNG: a filled circle.
func logoPNG(t testing.TB) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			if math.Hypot(float64(x)-31.5, float64(y)-31.5) < 30 {
				img.Set(x, y, color.NRGBA{R: 20, G: 110, B: 60, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// collective renders d's collective decree.
func collective(t testing.TB, d Decree) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.Collective(&b); err != nil {
		t.Fatalf("Collective: %v", err)
	}
	return b.Bytes()
}

// petikan renders d's petikan for Movers[i].
func petikan(t testing.TB, d Decree, i int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.Petikan(&b, i); err != nil {
		t.Fatalf("Petikan: %v", err)
	}
	return b.Bytes()
}

// page is what a test reads back from one PDF page.
type page struct {
	text string // the text, white space collapsed to single spaces
	qr   string // the decoded QR code, or the decoding error
}

// readPDF parses a PDF and returns its pages' text and QR codes.
func readPDF(t testing.TB, b []byte) []page {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not parse: %v", err)
	}
	pages := make([]page, r.NumPage())
	for i := range pages {
		p := r.Page(i + 1)
		text, err := p.GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: text: %v", i+1, err)
		}
		pages[i] = page{text: strings.Join(strings.Fields(text), " "), qr: decodeQR(p)}
	}
	return pages
}

// decodeQR rasterises the rectangles drawn in the page's footer band and
// decodes them as a QR code.
func decodeQR(p pdf.Page) string {
	const scale = 4.0                // pixels per point
	band := marginBottom / pointInMM // the footer band's height, in points
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	var rects []pdf.Rect
	for _, r := range p.Content().Rect {
		lo, hi := math.Min(r.Min.Y, r.Max.Y), math.Max(r.Min.Y, r.Max.Y)
		if hi > band {
			continue
		}
		r = pdf.Rect{Min: pdf.Point{X: math.Min(r.Min.X, r.Max.X), Y: lo}, Max: pdf.Point{X: math.Max(r.Min.X, r.Max.X), Y: hi}}
		rects = append(rects, r)
		x0, y0, x1, y1 = math.Min(x0, r.Min.X), math.Min(y0, r.Min.Y), math.Max(x1, r.Max.X), math.Max(y1, r.Max.Y)
	}
	if len(rects) == 0 {
		return "no QR code drawn"
	}
	const quiet = 40
	w, h := int((x1-x0)*scale)+2*quiet, int((y1-y0)*scale)+2*quiet
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, r := range rects {
		for py := int((y1 - r.Max.Y) * scale); py < int((y1-r.Min.Y)*scale); py++ {
			for px := int((r.Min.X - x0) * scale); px < int((r.Max.X-x0)*scale); px++ {
				img.SetGray(px+quiet, py+quiet, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return err.Error()
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return err.Error()
	}
	return res.GetText()
}

// allText joins the text of all pages.
func allText(pages []page) string {
	var b strings.Builder
	for _, p := range pages {
		b.WriteString(p.text + " ")
	}
	return b.String()
}

// checkPages checks what every page must hold: the QR code of the
// verification URL and "Halaman i dari n".
func checkPages(t *testing.T, pages []page, url string) {
	t.Helper()
	for i, p := range pages {
		if p.qr != url {
			t.Errorf("page %d: QR code reads %q, want %q", i+1, p.qr, url)
		}
		if want := fmt.Sprintf("Halaman %d dari %d", i+1, len(pages)); !strings.Contains(p.text, want) {
			t.Errorf("page %d: no %q", i+1, want)
		}
		if !strings.Contains(p.text, qrCaption) {
			t.Errorf("page %d: no QR caption", i+1)
		}
	}
}

// contains fails the test for each want missing from text.
func contains(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: %q missing", where, w)
		}
	}
}

func TestCollective(t *testing.T) {
	d := sample(t, 250)
	pages := readPDF(t, collective(t, d))
	if len(pages) < 6 || len(pages) > 60 {
		t.Fatalf("%d pages for 250 movers", len(pages))
	}
	checkPages(t, pages, d.VerifyURL)

	contains(t, "page 1", pages[0].text, "PEMERINTAH KOTA BANJARBARU", "Jalan Panglima Batur Nomor 1",
		"KEPUTUSAN WALI KOTA BANJARBARU", "NOMOR 800/0012/BKPSDM/2026", "TENTANG",
		"MUTASI PEGAWAI NEGERI SIPIL DI LINGKUNGAN PEMERINTAH KOTA BANJARBARU", "WALI KOTA BANJARBARU,",
		"Menimbang : a. bahwa dalam rangka pembinaan karier", "c. bahwa berdasarkan pertimbangan",
		"Keputusan Wali Kota tentang Mutasi Pegawai Negeri Sipil di Lingkungan Pemerintah Kota Banjarbaru.",
		"Mengingat : 1. Pasal 18 ayat (6)", "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara;",
		"6. Peraturan Menteri Pendayagunaan")
	var body strings.Builder
	lampiran := -1
	for i, p := range pages {
		if strings.Contains(p.text, "LAMPIRAN KEPUTUSAN WALI KOTA BANJARBARU") {
			lampiran = i
			break
		}
		body.WriteString(p.text + " ")
	}
	if lampiran < 1 {
		t.Fatalf("the attachment starts on page %d", lampiran+1)
	}
	contains(t, "decree", body.String(), "MEMUTUSKAN:", "Menetapkan : KEPUTUSAN WALI KOTA BANJARBARU TENTANG MUTASI",
		"KESATU : Memindahkan Pegawai Negeri Sipil yang namanya tercantum dalam Lampiran",
		"terhitung mulai tanggal 2 Januari 2027.",
		"KEDUA : Segala biaya", "Anggaran Pendapatan dan Belanja Daerah Kota Banjarbaru.",
		"KETIGA : Keputusan ini mulai berlaku pada tanggal ditetapkan",
		"akan diadakan perbaikan sebagaimana mestinya.",
		"Ditetapkan di Banjarbaru pada tanggal 4 Desember 2026 WALI KOTA BANJARBARU,",
		"Ditandatangani secara elektronik H. AHMAD FAUZAN, S.H., M.H.",
		"Tembusan disampaikan kepada Yth.:", "1. Gubernur Kalimantan Selatan di Banjarmasin",
		"4. Yang bersangkutan untuk diketahui")
	contains(t, "attachment heading", pages[lampiran].text, "NOMOR : 800/0012/BKPSDM/2026",
		"TANGGAL : 4 DESEMBER 2026", "DAFTAR PEGAWAI NEGERI SIPIL YANG DIMUTASI")

	// Each mover's row is whole on one page, in order, after the decree.
	header := "No Nama / NIP Pangkat / Gol. Jabatan lama / Unit kerja Jabatan baru / Unit kerja TMT"
	last, tablePages := lampiran, map[int]bool{}
	for i, m := range d.Movers {
		at := -1
		for j, p := range pages {
			if n := strings.Count(p.text, m.NIP); n > 0 {
				if at >= 0 || n > 1 {
					t.Fatalf("mover %d: NIP %s printed more than once", i, m.NIP)
				}
				at = j
			}
		}
		if at < last {
			t.Fatalf("mover %d: NIP on page %d, before the previous row's page %d", i, at+1, last+1)
		}
		contains(t, fmt.Sprintf("page %d", at+1), pages[at].text, m.Name+" "+m.NIP, m.Rank, m.NewPosition)
		last, tablePages[at] = at, true
	}
	if len(tablePages) < 4 {
		t.Errorf("the table spans %d pages, want several", len(tablePages))
	}
	for j := range tablePages {
		if n := strings.Count(pages[j].text, header); n != 1 {
			t.Errorf("page %d: the table header appears %d times, want once", j+1, n)
		}
	}
	if !strings.Contains(pages[len(pages)-1].text, "WALI KOTA BANJARBARU, Ditandatangani secara elektronik H. AHMAD FAUZAN") {
		t.Error("the attachment does not end with the official's signature")
	}
}

func TestCollectiveTMTs(t *testing.T) {
	d := sample(t, 3)
	d.Movers[1].TMT = d.Movers[1].TMT.AddDate(0, 1, 0)
	pages := readPDF(t, collective(t, d))
	contains(t, "decree", allText(pages), "terhitung mulai tanggal yang tercantum dalam Lampiran tersebut.")
	contains(t, "attachment", pages[len(pages)-1].text, "2 Februari 2027", "2 Januari 2027")
}

func TestPetikan(t *testing.T) {
	d := sample(t, 250)
	const i = 36 // a mover with long texts
	m := d.Movers[i]
	pages := readPDF(t, petikan(t, d, i))
	if len(pages) < 1 || len(pages) > 4 {
		t.Fatalf("the petikan has %d pages", len(pages))
	}
	checkPages(t, pages, d.VerifyURL)
	text := allText(pages)
	contains(t, "petikan", text, "PETIKAN KEPUTUSAN WALI KOTA BANJARBARU", "NOMOR 800/0012/BKPSDM/2026",
		"Menimbang", "Mengingat", "MEMUTUSKAN:",
		"KESATU : Memindahkan Pegawai Negeri Sipil tersebut di bawah ini dari jabatan lama ke jabatan baru, "+
			"terhitung mulai tanggal 2 Januari 2027:",
		"Nama : "+m.Name, "NIP : "+m.NIP, "Pangkat/Gol. : "+m.Rank,
		"Jabatan baru : "+m.NewPosition, "Unit kerja lama : "+m.OldUnit, "TMT : 2 Januari 2027",
		"KEDUA :", "KETIGA :",
		"Petikan ini diberikan kepada yang bersangkutan untuk diketahui dan dipergunakan sebagaimana mestinya.",
		"WALI KOTA BANJARBARU, ttd. H. AHMAD FAUZAN",
		"Salinan sesuai dengan aslinya KEPALA BADAN KEPEGAWAIAN",
		"Dra. NOOR HIDAYATI, M.Si. Pembina Utama Muda (IV/c) NIP 197003151995032002")
	for j, other := range d.Movers {
		if j != i && strings.Contains(text, other.NIP) {
			t.Errorf("the petikan for mover %d holds mover %d's NIP %s", i, j, other.NIP)
		}
	}
	if strings.Contains(text, "LAMPIRAN") {
		t.Error("the petikan has an attachment")
	}
}

func TestPetikanRefuses(t *testing.T) {
	d := sample(t, 2)
	for _, i := range []int{-1, 2} {
		if err := d.Petikan(&bytes.Buffer{}, i); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("Petikan(%d) = %v, want an Invalid error", i, err)
		}
	}
	d.Attester = Signer{}
	err := d.Petikan(&bytes.Buffer{}, 0)
	if err == nil || !strings.Contains(err.Error(), "Attester.Title is required") {
		t.Errorf("Petikan without an attester = %v", err)
	}
	if err := d.Collective(&bytes.Buffer{}); err != nil {
		t.Errorf("a collective decree needs no attester: %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	d := sample(t, 40)
	renders := map[string]func() []byte{
		"collective": func() []byte { return collective(t, d) },
		"petikan":    func() []byte { return petikan(t, d, 3) },
	}
	for name, render := range renders {
		want := render()
		// Render concurrently too: nothing may be shared between renders.
		got := make([][]byte, 4)
		var wg sync.WaitGroup
		for k := range got {
			wg.Go(func() { got[k] = render() })
		}
		wg.Wait()
		for k, g := range got {
			if !bytes.Equal(g, want) {
				t.Errorf("%s: render %d differs from the first (%d vs %d bytes)", name, k+2, len(g), len(want))
			}
		}
		if !bytes.Contains(want, []byte("/CreationDate (D:20261204093000)")) {
			t.Errorf("%s: the creation date is not the decree's date", name)
		}
	}
	other := d
	other.Number = "800/0013/BKPSDM/2026"
	if bytes.Equal(collective(t, other), collective(t, d)) {
		t.Error("two decrees with different numbers render the same")
	}
}

func TestCharactersOutsideWindows1252(t *testing.T) {
	d := sample(t, 6)
	names := []string{"Ṡiti Nurhaliza", "Budi 😀 Santoso", "André Wijaya", "Rudi \xff Hartono",
		"Dewi\u200d\ufe0f Lestari", "Ｗａｈｙｕ Ｎｉ"}
	want := []string{"Siti Nurhaliza", "Budi ? Santoso", "André Wijaya", "Rudi ? Hartono", "Dewi Lestari", "Wahyu Ni"}
	for i, n := range names {
		d.Movers[i].Name = n
	}
	d.Official.Name = "Hj. Ṙahmawati 🇮🇩"
	pages := readPDF(t, collective(t, d))
	contains(t, "collective", allText(pages), append(want, "Hj. Rahmawati ??")...)
	extract := readPDF(t, petikan(t, d, 1))
	contains(t, "petikan", allText(extract), "Nama : Budi ? Santoso")
}

func TestCP1252(t *testing.T) {
	for in, want := range map[string]string{
		"  Siti\t\nRahmah  ": "Siti Rahmah",
		"Ṡiti":               "Siti",
		"André €5":           "Andr\xe9 \x805",
		"ﬁrdaus":             "firdaus",
		"😀":                  "?",
		"a\u0301":            "\xe1", // composed before encoding
		"x\u200dy":           "xy",
		"\xff\xfe":           "??",
	} {
		if got := cp1252(in); got != want {
			t.Errorf("cp1252(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogoIsOptional(t *testing.T) {
	d := sample(t, 2)
	with := collective(t, d)
	d.Logo, d.Address = nil, ""
	without := collective(t, d)
	if !bytes.Contains(with, []byte("/Subtype /Image")) {
		t.Error("the logo is not embedded")
	}
	if bytes.Contains(without, []byte("/Subtype /Image")) {
		t.Error("an image is embedded without a logo")
	}
	pages := readPDF(t, without)
	checkPages(t, pages, d.VerifyURL)
	contains(t, "page 1", pages[0].text, "PEMERINTAH KOTA BANJARBARU KEPUTUSAN WALI KOTA BANJARBARU")
}

func TestOfficialFromData(t *testing.T) {
	d := sample(t, 2)
	d.Government, d.Official.Title, d.Region = "PEMERINTAH KABUPATEN BANJAR", "BUPATI", "BANJAR"
	d.Subject = "Mutasi Pegawai Negeri Sipil di Lingkungan Pemerintah Kabupaten Banjar"
	d.Considerations = d.DefaultConsiderations()
	pages := readPDF(t, collective(t, d))
	text := allText(pages)
	contains(t, "decree", text, "KEPUTUSAN BUPATI BANJAR", "BUPATI BANJAR,",
		"perlu menetapkan Keputusan Bupati tentang Mutasi Pegawai Negeri Sipil di Lingkungan Pemerintah Kabupaten Banjar.",
		"Belanja Daerah Kabupaten Banjar.", "LAMPIRAN KEPUTUSAN BUPATI BANJAR")
	if strings.Contains(text, "WALI KOTA") {
		t.Error("a regent's decree mentions WALI KOTA")
	}
}

func TestValidate(t *testing.T) {
	if err := sample(t, 3).Validate(); err != nil {
		t.Fatalf("a valid decree: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Decree)
		field string
		msg   string
	}{
		{"empty number", func(d *Decree) { d.Number = " " }, "Number", "decree: Number is required"},
		{"no movers", func(d *Decree) { d.Movers = nil }, "Movers", "decree: Movers must list at least one employee"},
		{"too many movers", func(d *Decree) { d.Movers = make([]Mover, MaxMovers+1) }, "Movers",
			"must list at most 20000 employees, got 20001"},
		{"long name", func(d *Decree) { d.Movers[1].Name = strings.Repeat("é", maxName+1) }, "Movers[1].Name",
			"decree: Movers[1].Name must be at most 200 characters, got 201"},
		{"long subject", func(d *Decree) { d.Subject = strings.Repeat("x", maxSubject+1) }, "Subject", "at most 300"},
		{"bad NIP", func(d *Decree) { d.Movers[2].NIP = "19800101 200501 1 001" }, "Movers[2].NIP", "must be 18 digits"},
		{"no TMT", func(d *Decree) { d.Movers[0].TMT = time.Time{} }, "Movers[0].TMT", "is required"},
		{"no date", func(d *Decree) { d.Date = time.Time{} }, "Date", "is required"},
		{"no official", func(d *Decree) { d.Official.Name = "" }, "Official.Name", "is required"},
		{"bad official NIP", func(d *Decree) { d.Official.NIP = "123" }, "Official.NIP", "must be 18 digits"},
		{"no considerations", func(d *Decree) { d.Considerations = nil }, "Considerations", "must hold 1 to 26 items, got 0"},
		{"27 considerations", func(d *Decree) { d.Considerations = make([]string, 27) }, "Considerations", "got 27"},
		{"empty legal basis", func(d *Decree) { d.LegalBases[2] = "" }, "LegalBases[2]", "is required"},
		{"relative URL", func(d *Decree) { d.VerifyURL = "/v/abc" }, "VerifyURL", "absolute http(s) URL"},
		{"ftp URL", func(d *Decree) { d.VerifyURL = "ftp://example.go.id/v/abc" }, "VerifyURL", "absolute http(s) URL"},
		{"long URL", func(d *Decree) { d.VerifyURL = "https://x.go.id/" + strings.Repeat("a", maxURL) }, "VerifyURL", "at most 300"},
		{"logo not PNG", func(d *Decree) { d.Logo = []byte("GIF89a...") }, "Logo", "must be a PNG image"},
		{"long note", func(d *Decree) { d.SignatureNote = strings.Repeat("x", maxNote+1) }, "SignatureNote", "at most 120"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := sample(t, 3)
			c.edit(&d)
			err := d.Validate()
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid {
				t.Fatalf("Validate = %v, want an Invalid *apperr.Error", err)
			}
			if e.Field != c.field || !strings.Contains(e.Error(), c.msg) || e.Message == "" {
				t.Errorf("Validate = field %q, %q (%q); want field %q and %q", e.Field, e.Error(), e.Message, c.field, c.msg)
			}
			var b bytes.Buffer
			if err := d.Collective(&b); err == nil || b.Len() > 0 {
				t.Errorf("Collective wrote %d bytes, error %v, for an invalid decree", b.Len(), err)
			}
		})
	}
}

func TestValidateCountsAllProblems(t *testing.T) {
	d := sample(t, 30)
	d.Number = ""
	for i := range d.Movers {
		d.Movers[i].NIP = "x"
	}
	e, ok := apperr.As(d.Validate())
	if !ok {
		t.Fatal("no *apperr.Error")
	}
	if e.Count != 31 || len(e.Errors) != maxProblems || e.Errors[1].Field != "Movers[0].NIP" {
		t.Errorf("Count %d, %d listed, second %q; want 31, %d, Movers[0].NIP", e.Count, len(e.Errors), e.Errors[1].Field, maxProblems)
	}
	if !strings.Contains(e.Error(), "(and 30 more problems)") {
		t.Errorf("message %q does not count the other problems", e.Error())
	}
}

func TestRankLabel(t *testing.T) {
	for r, want := range map[models.Rank]string{9: "Penata Muda (III/a)", 10: "Penata Muda Tingkat I (III/b)", 17: "Pembina Utama (IV/e)"} {
		if got := RankLabel(r); got != want {
			t.Errorf("RankLabel(%v) = %q, want %q", r, got, want)
		}
	}
}

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{
		"WALI KOTA": "Wali Kota",
		"MUTASI PEGAWAI NEGERI SIPIL DI LINGKUNGAN PEMERINTAH KOTA BANJARBARU": "Mutasi Pegawai Negeri Sipil di Lingkungan Pemerintah Kota Banjarbaru",
	} {
		if got := titleCase(in); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
	if got := region("PEMERINTAH PROVINSI KALIMANTAN SELATAN"); got != "Provinsi Kalimantan Selatan" {
		t.Errorf("region = %q", got)
	}
}

// BenchmarkCollective3000 renders a collective decree moving 3,000
// employees. Besides time and allocations it reports the peak live heap
// (sampled every millisecond), the page count and the PDF's size.
func BenchmarkCollective3000(b *testing.B) {
	d := sample(b, 3000)
	var out bytes.Buffer
	peak := heap.Peak()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		if err := d.Collective(&out); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(out.Len())/(1<<10), "pdf-KB")
	b.ReportMetric(float64(bytes.Count(out.Bytes(), []byte("/Type /Page\n"))), "pages")
}
