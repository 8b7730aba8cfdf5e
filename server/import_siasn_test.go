package server

import (
	"encoding/csv"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestImportSIASN loads the SIASN fixtures of package importer through
// the import API, as SIASN's CSV and as a workbook of it, and SIASN's
// SKP history as its API answers it: every employee is created with the
// default talent data and counted so, the CSV and the workbook leave the
// same data, and the history is written for the PNS IDs the data utama
// stored. The template of siasn-asn names SIASN's columns.
func TestImportSIASN(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../importer/testdata/siasn/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	asn := read("export_data_asn.csv")
	records, err := csv.NewReader(strings.NewReader(asn)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	units := "id,name,siasn_unor_ids\nDINSOS,Dinas Sosial,TEST-UNOR-0101;TEST-UNOR-0102\nBKPSDM,BKPSDM,\n"
	positions := "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats,siasn_jabatan_id\n" +
		"DINSOS-ADM,DINSOS,Pengadministrasi Perkantoran,pelaksana,5,II/a,III/d,SMA,2,TEST-JFU-0001\n" +
		"DINSOS-DATA,DINSOS,Pengelola Data,pelaksana,6,II/a,III/d,SMA,3,TEST-JFU-0002\n" +
		"DINSOS-KABID,DINSOS,Kepala Bidang,administrator,11,III/d,IV/b,S1,1,TEST-JS-0001\n" +
		"BKPSDM-ASDM,BKPSDM,Analis SDM Aparatur Ahli Pertama,fungsional,8,III/a,III/b,S1,2,TEST-JFT-0001\n"
	var states []string
	for _, form := range []struct{ contentType, body string }{{"text/csv", asn}, {importer.ContentTypeXLSX, asWorkbook(t, records)}} {
		gdb, _ := testkit.New(t)
		post := importAPI(t, gdb)
		post("units", units, http.StatusOK)
		post("positions", positions, http.StatusOK)
		r := importAPIAs(t, gdb, form.contentType)("siasn-asn", form.body, http.StatusOK)
		if r.Result.Created != 5 || r.Result.DefaultTalent != 5 {
			t.Errorf("%s: %+v, want 5 created with the default talent data", form.contentType, r.Result)
		}
		r = importAPIAs(t, gdb, "application/json")("siasn-rw-skp", read("rw_skp22.json"), http.StatusOK)
		if c := r.Result.Children["skp"]; c.Written != 5 {
			t.Errorf("SKP history: %+v", r.Result)
		}
		var sari models.Employee
		err := gdb.First(&sari, "nip = ?", "199001052015032002").Error
		if err != nil || len(sari.SKP) != 1 || sari.SKP[0].Predicate != models.SangatBaik || sari.SKP[0].Source != models.SourceSIASN {
			t.Errorf("Sari's SKP, found by her PNS ID: %+v, %v", sari.SKP, err)
		}
		states = append(states, importedState(t, gdb))
	}
	if states[0] != states[1] {
		t.Errorf("the workbook imported other data than the CSV:\n%.2000s\n---\n%.2000s", states[0], states[1])
	}

	s := newStack(t, "", nil)
	header := download(t, s, "/api/v1/imports/siasn-asn/template?format=csv", models.RoleHR)[0]
	if len(header) < 10 || header[0] != "NIP BARU" || header[len(header)-1] != "JABATAN NAMA" {
		t.Errorf("the siasn-asn template's header: %q", header)
	}
}
